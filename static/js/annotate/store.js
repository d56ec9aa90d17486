// The spans on the page, keyed by a local key that never changes (server ids arrive later).
// Keeps code-point offsets (the server's) and UTF-16 offsets (the DOM's) side by side.

let counter = 0;

/** A key for a span created on this page; unique across reloads (the queue persists keys). */
export function newKey() {
  counter += 1;
  const random = Math.random().toString(36).slice(2, 8);
  return `c${Date.now().toString(36)}${counter.toString(36)}${random}`;
}

export const serverKey = (id) => `s${id}`;

export class SpanStore {
  constructor(offsetMap) {
    this.map = offsetMap;
    this.spans = new Map();
    this.cache = null;
  }

  /** Add (or replace) a span; `span.key` must be set. Returns the stored object. */
  put(span) {
    const stored = {
      attributes: {}, note: "", source: "manual", id: null, version: null, ...span,
      s16: this.map.toUtf16(span.start), e16: this.map.toUtf16(span.end),
    };
    this.spans.set(stored.key, stored);
    this.cache = null;
    return stored;
  }

  /** Merge fields into a span; recomputes UTF-16 offsets. Returns [before, after] copies. */
  patch(key, fields) {
    const current = this.spans.get(key);
    if (!current) return [null, null];
    const before = { ...current };
    const after = this.put({ ...current, ...fields });
    return [before, { ...after }];
  }

  remove(key) {
    const span = this.spans.get(key);
    this.spans.delete(key);
    this.cache = null;
    return span || null;
  }

  get(key) {
    return this.spans.get(key) || null;
  }

  byId(id) {
    for (const span of this.spans.values()) if (span.id === id) return span;
    return null;
  }

  /** All spans in text order (start, then end, then creation). */
  sorted() {
    if (!this.cache) {
      this.cache = [...this.spans.values()].sort(
        (a, b) => a.start - b.start || a.end - b.end || String(a.key).localeCompare(b.key),
      );
    }
    return this.cache;
  }

  /** Spans covering UTF-16 offset u, innermost (shortest) first. */
  at(keys) {
    return keys
      .map((k) => this.spans.get(k))
      .filter(Boolean)
      .sort((a, b) => a.end - a.start - (b.end - b.start));
  }
}
