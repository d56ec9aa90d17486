// The save queue: every change goes here, is kept in localStorage until the server has it,
// and is sent one at a time, in order, retrying with back-off while the network or server is
// away. Operations name spans by their local key; creates map keys to server ids for the
// updates and deletes queued behind them.
//
// op = {type: "create", key, body} | {type: "update", key, fields}
//    | {type: "delete", key} | {type: "answer", qid, value}

import { api, ApiError } from "./api.js";

const MAX_DELAY = 15000;

export class SaveQueue {
  /**
   * `base` is the API root ("/api/v1"), `documentId` the article, `storageKey` where to keep
   * unsent operations. `hooks`: created(key, span), updated(key, span), conflict(key, span),
   * gone(key), rejected(op, error), status({state, pending, message}).
   */
  constructor({ base, documentId, storageKey, hooks }) {
    this.base = base;
    this.documentId = documentId;
    this.storageKey = storageKey;
    this.hooks = hooks;
    this.ops = [];
    this.ids = {};
    this.versions = {};
    this.running = false;
    this.failures = 0;
    this.timer = null;
    this.blocked = "";
    window.addEventListener("online", () => this.retryNow());
  }

  /** Unsent operations from an earlier visit (to replay onto the server's state). */
  restore() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.storageKey) || "null");
      if (saved && Array.isArray(saved.ops)) {
        this.ops = saved.ops;
        this.ids = saved.ids || {};
        this.versions = saved.versions || {};
      }
    } catch {
      localStorage.removeItem(this.storageKey);
    }
    return this.ops.slice();
  }

  /** Record a span the server already has. */
  know(key, id, version) {
    this.ids[key] = id;
    this.versions[key] = version;
  }

  /** The local key an earlier visit gave to server span `id` (its queued ops use it). */
  keyOfId(id) {
    if (!this.restoredKeys) {
      this.restoredKeys = new Map(Object.entries(this.ids).map(([key, sid]) => [sid, key]));
    }
    return this.restoredKeys.get(id) || null;
  }

  get pending() {
    return this.ops.length;
  }

  push(op) {
    if (op.type === "delete" && this.dropUnsentCreate(op.key)) {
      this.persist();
      this.report();
      return;
    }
    this.ops.push(op);
    this.persist();
    this.flush();
  }

  /** A delete of a span whose create has not left yet cancels both (and updates between). */
  dropUnsentCreate(key) {
    const i = this.ops.findIndex((o) => o.type === "create" && o.key === key);
    if (i === -1 || (i === 0 && this.running)) return false;
    this.ops = this.ops.filter((o) => o.key !== key);
    return true;
  }

  persist() {
    try {
      if (this.ops.length === 0) localStorage.removeItem(this.storageKey);
      else {
        localStorage.setItem(this.storageKey,
          JSON.stringify({ ops: this.ops, ids: this.ids, versions: this.versions }));
      }
    } catch {
      // Storage full or disabled: the queue still works for this page's lifetime.
    }
  }

  retryNow() {
    clearTimeout(this.timer);
    this.timer = null;
    this.failures = Math.min(this.failures, 1);
    this.flush();
  }

  /** Resolves once every queued operation is sent (or rejects after `ms`). */
  drained(ms = 10000) {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        if (this.ops.length === 0 && !this.running) resolve();
        else if (Date.now() - started > ms) reject(new Error("unsent changes"));
        else setTimeout(check, 50);
      };
      check();
    });
  }

  async flush() {
    if (this.running) return;
    this.running = true;
    this.report();
    while (this.ops.length) {
      const op = this.ops[0];
      try {
        await this.send(op);
        this.ops.shift();
        this.failures = 0;
        this.blocked = "";
        this.persist();
        this.report();
      } catch (err) {
        if (this.isFinal(err)) {
          this.ops.shift();
          this.persist();
          this.settle(op, err);
          continue;
        }
        this.failures += 1;
        this.blocked = blockReason(err);
        const delay = Math.min(MAX_DELAY, 500 * 2 ** Math.min(this.failures, 8));
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.flush(), delay);
        this.running = false;
        this.report();
        return;
      }
    }
    this.running = false;
    this.report();
  }

  /** 4xx answers are final (the request itself is wrong), except those worth a retry. */
  isFinal(err) {
    if (!(err instanceof ApiError)) return false;
    if (err.status === 401 || err.status === 408 || err.status === 429) return false;
    if (err.status === 400 && /security token/i.test(err.body.error || "")) return false;
    return err.status >= 400 && err.status < 500;
  }

  settle(op, err) {
    const span = err.body && err.body.span;
    if (err.status === 409 && span && op.key) {
      this.versions[op.key] = span.version;
      this.hooks.conflict(op.key, span, err);
    } else if (err.status === 404 && (op.type === "update" || op.type === "delete")) {
      this.hooks.gone(op.key, err);
    } else {
      this.hooks.rejected(op, err);
    }
    this.persist();
  }

  async send(op) {
    const base = this.base;
    if (op.type === "create") {
      // client_key makes the create idempotent: a retry after a lost response gets the same span.
      const body = { ...op.body, attributes: this.resolveLinks(op.body.attributes), client_key: op.key };
      const span = await api.post(`${base}/documents/${this.documentId}/spans`, body);
      this.know(op.key, span.id, span.version);
      this.hooks.created(op.key, span);
    } else if (op.type === "update") {
      const id = this.ids[op.key];
      if (id === undefined) throw new ApiError(404, { error: "That span was never saved." });
      const body = { ...op.fields, version: this.versions[op.key] };
      if (body.attributes) body.attributes = this.resolveLinks(body.attributes);
      const span = await api.patch(`${base}/spans/${id}`, body);
      this.versions[op.key] = span.version;
      this.hooks.updated(op.key, span);
    } else if (op.type === "delete") {
      const id = this.ids[op.key];
      if (id === undefined) return;
      const version = this.versions[op.key];
      await api.del(`${base}/spans/${id}${version ? `?version=${version}` : ""}`);
      delete this.ids[op.key];
      delete this.versions[op.key];
    } else if (op.type === "answer") {
      await api.put(`${base}/documents/${this.documentId}/answers/${op.qid}`, { value: op.value });
    }
  }

  /** Link attributes may name a span by local key ({$key}); send its server id instead. */
  resolveLinks(attributes) {
    const out = {};
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value && typeof value === "object" && "$key" in value) {
        out[name] = this.ids[value.$key] ?? null;
      } else {
        out[name] = value;
      }
    }
    return out;
  }

  report() {
    const pending = this.ops.length;
    let state = "saved";
    let message = "Saved";
    if (this.failures > 0 && pending) {
      state = "offline";
      const n = `${pending} change${pending === 1 ? "" : "s"} pending`;
      message = this.blocked ? `Not saved — ${this.blocked} (${n})` : `Offline — ${n}`;
    } else if (pending || this.running) {
      state = "saving";
      message = "Saving…";
    }
    this.hooks.status({ state, pending, message });
  }
}

function blockReason(err) {
  if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
    return "log in again in another tab, then reload";
  }
  return "";
}
