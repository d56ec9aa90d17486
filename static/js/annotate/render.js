// Rendering the article text with highlighted spans, from DOM nodes only (no HTML strings).
//
// The article is split into paragraphs (at "\n", which stays in the text so the DOM text equals
// the stored text exactly) and paragraphs into chunks of about CHUNK code units. A chunk is the
// unit of re-rendering: a changed span re-renders only the chunks it touches. Inside a chunk,
// the text is cut into segments at every span boundary; a covered segment is a <mark> listing
// its spans in data-spans and styled by label classes (tint + stacked underlines, one lane per
// overlapping span, so nested and crossing spans stay readable).
//
// Model suggestions ("ghosts", {ghost: true}) ride along: they cut segments too, but take no
// lane or tint; a segment lists them in data-ghosts and gets dashed-border classes instead.
//
// All offsets here are UTF-16 code units (span.s16 / span.e16).

const CHUNK = 600;
export const MAX_LANES = 4;

/** [start, end) pieces of text: paragraphs (each keeping its "\n"), then chunks. */
export function layout(text, chunkSize = CHUNK) {
  const paras = [];
  let s = 0;
  while (s < text.length) {
    const nl = text.indexOf("\n", s);
    const e = nl === -1 ? text.length : nl + 1;
    const chunks = [];
    let c = s;
    while (c < e) {
      let ce = Math.min(e, c + chunkSize);
      if (ce < e) {
        const space = text.lastIndexOf(" ", ce);
        if (space > c + chunkSize / 2) ce = space + 1;
        const code = text.charCodeAt(ce - 1);
        if (code >= 0xd800 && code <= 0xdbff) ce += 1; // never split a surrogate pair
      }
      chunks.push([c, ce]);
      c = ce;
    }
    paras.push({ s, e, chunks });
    s = e;
  }
  return paras;
}

/** Lanes for the spans overlapping one chunk: greedy, outer (earlier, longer) spans first. */
function assignLanes(spans) {
  const ordered = spans.slice().sort((a, b) => a.s16 - b.s16 || b.e16 - a.e16);
  const ends = [];
  const lanes = new Map();
  for (const span of ordered) {
    let lane = ends.findIndex((end) => end <= span.s16);
    if (lane === -1) lane = ends.length;
    ends[lane] = span.e16;
    lanes.set(span.key, lane);
  }
  return lanes;
}

/**
 * Fill `el` with the text [s, e) cut into segments; `spans` are those overlapping [s, e).
 * Uncovered text stays a bare text node; a covered segment is a <mark> with its offset in
 * data-o, its spans' keys in data-spans and label classes (see palette_css.js).
 */
export function renderRange(el, text, s, e, spans, selectedKey = null, ghostKey = null) {
  el.textContent = "";
  const cuts = new Set([s, e]);
  for (const span of spans) {
    if (span.s16 > s && span.s16 < e) cuts.add(span.s16);
    if (span.e16 > s && span.e16 < e) cuts.add(span.e16);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const real = spans.filter((sp) => !sp.ghost);
  const ghosts = real.length < spans.length ? spans.filter((sp) => sp.ghost) : [];
  const lanes = real.length ? assignLanes(real) : null;
  const frag = document.createDocumentFragment();
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i];
    const b = points[i + 1];
    const covering = real.filter((sp) => sp.s16 <= a && sp.e16 >= b);
    const ghosting = ghosts.filter((sp) => sp.s16 <= a && sp.e16 >= b);
    if (!covering.length && !ghosting.length) {
      frag.append(text.slice(a, b));
      continue;
    }
    const seg = document.createElement("mark");
    const classes = [];
    if (covering.length) {
      classes.push(segmentClass(covering, lanes, selectedKey));
      seg.dataset.spans = covering.map((sp) => sp.key).join(" ");
    }
    if (ghosting.length) {
      classes.push(ghostClass(ghosting, a, b, ghostKey));
      seg.dataset.ghosts = ghosting.map((sp) => sp.key).join(" ");
    }
    seg.className = classes.join(" ");
    seg.dataset.o = a;
    seg.textContent = text.slice(a, b);
    frag.append(seg);
  }
  el.append(frag);
}

/** Dashed borders in the innermost ghost's colour; gs / ge where a ghost starts / ends. */
function ghostClass(ghosts, a, b, ghostKey) {
  ghosts.sort((x, y) => y.e16 - y.s16 - (x.e16 - x.s16));
  let cls = `ghost g-${ghosts[ghosts.length - 1].label_id}`;
  if (ghosts.some((g) => g.s16 === a)) cls += " gs";
  if (ghosts.some((g) => g.e16 === b)) cls += " ge";
  if (ghosts.some((g) => g.key === ghostKey)) cls += " gsel";
  return cls;
}

function segmentClass(covering, lanes, selectedKey) {
  covering.sort((x, y) => lanes.get(x.key) - lanes.get(y.key));
  let cls = "hl";
  let depth = 0;
  for (const sp of covering) {
    const lane = lanes.get(sp.key);
    if (lane < MAX_LANES) cls += ` u${lane}-${sp.label_id}`;
    depth = Math.max(depth, Math.min(lane + 1, MAX_LANES));
    if (sp.key === selectedKey) cls += " sel";
  }
  // The tint is the innermost (highest-lane) span's label colour.
  cls += ` t-${covering[covering.length - 1].label_id} d${depth}`;
  if (covering.length > MAX_LANES) cls += " crowded";
  return cls;
}

export class ArticleView {
  constructor(root, text) {
    this.root = root;
    this.text = text;
    this.chunks = []; // [{s, e, el}] in text order
    this.selectedKey = null;
    this.ghosts = []; // suggestions shown as ghosts (see suggestions.js)
    this.ghostKey = null;
  }

  /** Full render; `spans` must be sorted by s16. */
  render(spans) {
    if (this.ghosts.length) spans = [...spans, ...this.ghosts].sort((a, b) => a.s16 - b.s16);
    const frag = document.createDocumentFragment();
    this.chunks = [];
    let next = 0; // index of the first span not yet started
    let active = [];
    for (const para of layout(this.text)) {
      const p = document.createElement("div");
      p.className = "para";
      p.dataset.s = para.s;
      p.dataset.e = para.e;
      for (const [s, e] of para.chunks) {
        while (next < spans.length && spans[next].s16 < e) active.push(spans[next++]);
        active = active.filter((sp) => sp.e16 > s);
        const c = document.createElement("span");
        c.className = "chunk";
        c.dataset.s = s;
        c.dataset.e = e;
        renderRange(c, this.text, s, e, active, this.selectedKey, this.ghostKey);
        this.chunks.push({ s, e, el: c });
        p.append(c);
      }
      frag.append(p);
    }
    this.root.textContent = "";
    this.root.dataset.s = 0;
    this.root.dataset.e = this.text.length;
    this.root.append(frag);
  }

  /** Re-render only the chunks overlapping any of `ranges` ([s16, e16] pairs). */
  update(ranges, spans) {
    let count = 0;
    if (this.ghosts.length) spans = spans.concat(this.ghosts);
    for (const chunk of this.chunks) {
      if (!ranges.some(([s, e]) => s < chunk.e && e > chunk.s)) continue;
      const inside = spans.filter((sp) => sp.s16 < chunk.e && sp.e16 > chunk.s);
      renderRange(chunk.el, this.text, chunk.s, chunk.e, inside, this.selectedKey, this.ghostKey);
      count++;
    }
    return count;
  }

  select(key) {
    for (const el of this.root.querySelectorAll("mark.sel")) el.classList.remove("sel");
    this.selectedKey = key;
    if (key) for (const el of this.segmentsOf(key)) el.classList.add("sel");
  }

  segmentsOf(key) {
    return this.root.querySelectorAll(`mark[data-spans~="${CSS.escape(key)}"]`);
  }

  selectGhost(key) {
    for (const el of this.root.querySelectorAll("mark.gsel")) el.classList.remove("gsel");
    this.ghostKey = key;
    if (key) for (const el of this.ghostSegments(key)) el.classList.add("gsel");
  }

  ghostSegments(key) {
    return this.root.querySelectorAll(`mark[data-ghosts~="${CSS.escape(key)}"]`);
  }

  /** The UTF-16 offset of a DOM point inside the article, or null when outside it. */
  offsetOf(node, offset) {
    if (!node || !this.root.contains(node)) return null;
    if (node.nodeType === Node.TEXT_NODE) return startOf(node) + offset;
    if (node.dataset.o !== undefined) {
      return Number(node.dataset.o) + (offset > 0 ? node.textContent.length : 0);
    }
    if (offset < node.childNodes.length) return startOf(node.childNodes[offset]);
    return node.dataset.e !== undefined ? Number(node.dataset.e) : null;
  }

  /** Offsets of the current window selection, when it lies in the article. */
  selectionOffsets(selection = window.getSelection()) {
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    let s = this.offsetOf(range.startContainer, range.startOffset);
    let e = this.offsetOf(range.endContainer, range.endOffset);
    if (s === null && e === null) return null;
    // A selection running out of the article is cut at its edge.
    if (s === null) s = 0;
    if (e === null) e = this.text.length;
    return s < e ? [s, e] : null;
  }

  /** A DOM Range for [s16, e16) (for scrolling, keyboard selection and tests). */
  rangeFor(s, e) {
    const range = document.createRange();
    range.setStart(...this.pointAt(s, false));
    range.setEnd(...this.pointAt(e, true));
    return range;
  }

  pointAt(u, preferEnd) {
    const chunk = this.chunks.find((c) => (preferEnd ? c.e >= u : c.e > u)) ||
      this.chunks[this.chunks.length - 1];
    let o = chunk.s;
    let last = null;
    for (const node of chunk.el.childNodes) {
      const textNode = node.nodeType === Node.TEXT_NODE ? node : node.firstChild;
      const len = textNode.data.length;
      if (preferEnd ? u <= o + len : u < o + len) return [textNode, u - o];
      o += len;
      last = textNode;
    }
    return [last, last.data.length];
  }
}

/** The UTF-16 offset where a node of the article starts. */
function startOf(node) {
  if (node.nodeType === Node.TEXT_NODE) {
    const parent = node.parentElement;
    if (parent.dataset.o !== undefined) return Number(parent.dataset.o);
    // A bare text node in a chunk: the chunk's start plus everything before it.
    let o = Number(parent.dataset.s);
    for (let sib = node.previousSibling; sib; sib = sib.previousSibling) {
      o += sib.textContent.length;
    }
    return o;
  }
  if (node.dataset.o !== undefined) return Number(node.dataset.o);
  if (node.dataset.s !== undefined) return Number(node.dataset.s);
  return null;
}
