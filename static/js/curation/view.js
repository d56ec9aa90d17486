// The curation lanes: per paragraph, the vote overlay, one lane per annotator and the gold lane.
// Built from DOM nodes only; colours come from label classes (palette_css.js).

import { el } from "../annotate/dom.js";
import { layout, renderRange } from "../annotate/render.js";
import { voteLevel, voteSegments, voteTitle } from "./votes.js";

export const GOLD = "gold";

/** Spans with UTF-16 offsets and page keys: annotators `a<i>-<id>`, gold `g-<id>`. */
export function prepare(data, offsets) {
  const names = Object.keys(data.lanes || {}).sort();
  const byKey = new Map();
  const withOffsets = (span, key, kind, who) => {
    const item = {
      ...span, key, kind, who,
      s16: offsets.toUtf16(span.start), e16: offsets.toUtf16(span.end),
    };
    byKey.set(key, item);
    return item;
  };
  const lanes = {};
  names.forEach((name, i) => {
    lanes[name] = data.lanes[name].map((sp) => withOffsets(sp, `a${i}-${sp.id}`, "annotator", name));
  });
  const gold = (data.gold || []).map((sp) => withOffsets(sp, `g-${sp.id}`, GOLD, GOLD));
  return { names, lanes, gold, byKey };
}

/**
 * The lanes, per paragraph: all of the text, or with `plan` (compact.js) only its windows, each
 * fold a line with a Show button. `offsets` counts a fold's characters in code points.
 */
export function renderCuration(container, text, model, selectedKey, { plan = null, offsets = null } = {}) {
  const frag = document.createDocumentFragment();
  const paras = layout(text, Number.MAX_SAFE_INTEGER);
  for (const item of plan || [{ s: 0, e: text.length, gap: false }]) {
    if (item.gap) {
      frag.append(foldLine(item, offsets));
      continue;
    }
    for (const para of paras) {
      const piece = { s: Math.max(para.s, item.s), e: Math.min(para.e, item.e) };
      if (piece.s >= piece.e || !text.slice(piece.s, piece.e).trim()) continue;
      const cut = `${piece.s > para.s ? " cut-start" : ""}${piece.e < para.e ? " cut-end" : ""}`;
      frag.append(laneBlock(text, piece, model, selectedKey, cut));
    }
  }
  container.textContent = "";
  container.append(frag);
}

function laneBlock(text, para, model, selectedKey, cut) {
  const block = el("section", { class: `lane-para${cut}`, dataset: { s: para.s, e: para.e } });
  block.append(lane("votes", "agreement", voteRow(text, para, model.lanes, model.names.length)));
  for (const name of model.names) {
    block.append(lane(name, name, spansRow(text, para, model.lanes[name], selectedKey)));
  }
  block.append(lane(GOLD, "gold", spansRow(text, para, model.gold, selectedKey), "gold-lane"));
  return block;
}

const count = (n, one, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** A folded stretch: how long it is, what it holds, and a button that shows it. */
function foldLine(gap, offsets) {
  const chars = offsets ? offsets.toCodePoint(gap.e) - offsets.toCodePoint(gap.s) : gap.e - gap.s;
  const held = gap.agreed || gap.gold
    ? `${count(gap.agreed, "span")} every annotator marked alike, ${gap.gold} gold`
    : "nothing marked";
  return el("div", { class: "lane-fold", dataset: { s: gap.s, e: gap.e } },
    el("span", { class: "fold-what" }, `⋯ ${count(chars, "character")} folded: ${held}`),
    el("button", { type: "button", class: "link show-fold", dataset: { s: gap.s, e: gap.e },
      "aria-label": `Show ${count(chars, "folded character")}` }, "Show"));
}

function lane(id, title, body, extra = "") {
  return el("div", { class: `lane ${extra}`.trim(), dataset: { lane: id } },
    el("div", { class: "lane-who" }, title), body);
}

function spansRow(text, para, spans, selectedKey) {
  const body = el("div", { class: "lane-text", dataset: { s: para.s } });
  const inside = spans.filter((sp) => sp.s16 < para.e && sp.e16 > para.s);
  renderRange(body, text, para.s, para.e, inside, selectedKey);
  return body;
}

function voteRow(text, para, lanes, n) {
  const body = el("div", { class: "lane-text votes", dataset: { s: para.s } });
  for (const seg of voteSegments(lanes, para.s, para.e)) {
    const piece = text.slice(seg.s, seg.e);
    if (!seg.k) {
      body.append(piece);
      continue;
    }
    // Full agreement (green) only when the labels and attribute values agree too.
    const level = Math.min(voteLevel(seg.k, n), seg.labels > 1 || seg.split ? 3 : 4);
    const cls = `vote v${level}${seg.labels > 1 ? " mixed" : ""}${seg.split ? " split" : ""}`;
    body.append(el("span", { class: cls, title: voteTitle(seg.k, n, seg.labels, seg.split),
      dataset: { k: seg.k } }, piece));
  }
  return body;
}

/**
 * Drag handles at both ends of `item` in its own lane: sliders over the span's boundaries in
 * code points (`offsets`), `length` code points in all. None when the span is not shown, nor
 * for a discontinuous span: a handle would drag the hull over its gaps, so it is moved in the
 * edit form, whose saves cut or stretch its pieces to the new ends.
 */
export function addHandles(container, item, offsets, length) {
  if (item.fragments && item.fragments.length) return;
  const laneId = item.kind === GOLD ? GOLD : item.who;
  const marks = container.querySelectorAll(`.lane[data-lane="${CSS.escape(laneId)}"] ` +
    `mark[data-spans~="${CSS.escape(item.key)}"]`);
  if (!marks.length) return;
  marks[0].before(handle("start", offsets.toCodePoint(item.s16), length));
  marks[marks.length - 1].after(handle("end", offsets.toCodePoint(item.e16), length));
}

function handle(which, value, length) {
  return el("span", {
    class: `bound-handle ${which}`, role: "slider", tabindex: "0", dataset: { handle: which },
    "aria-label": `${which === "start" ? "Start" : "End"} of the selected span`,
    "aria-valuemin": "0", "aria-valuemax": String(length), "aria-valuenow": String(value),
    title: `Drag to move the ${which}, or use ← and → then Enter (Esc cancels)`,
  });
}

/** Put the start and end handles in `container` at [s16, e16) of `laneId`'s lanes. */
export function placeHandles(container, laneId, s16, e16) {
  for (const handle of container.querySelectorAll(".bound-handle")) {
    const start = handle.dataset.handle === "start";
    const u = start ? s16 : e16;
    const body = [...container.querySelectorAll(`.lane[data-lane="${CSS.escape(laneId)}"] .lane-text`)]
      .find((b) => {
        const from = Number(b.dataset.s);
        const to = from + b.textContent.length;
        return start ? from <= u && u < to : from < u && u <= to;
      });
    if (!body) continue;
    const focused = document.activeElement === handle;
    const [node, offset] = pointIn(body, u - Number(body.dataset.s));
    if (node.nodeType !== Node.TEXT_NODE) node.append(handle);
    else if (offset === 0) node.before(handle);
    else if (offset === node.data.length) node.after(handle);
    else {
      node.splitText(offset);
      node.after(handle);
    }
    if (focused) handle.focus();
  }
}

/** The UTF-16 offset of a DOM point in a lane's text (null elsewhere). */
export function offsetIn(container, node, offset) {
  const start = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
  const body = start && start.closest(".lane-text");
  if (!body || !container.contains(body)) return null;
  const range = document.createRange();
  range.setStart(body, 0);
  range.setEnd(node, offset);
  return Number(body.dataset.s) + range.toString().length;
}

/** Per lane text in `container`, DOM Ranges over [s16, e16) of `laneId`'s lanes. */
export function rangesIn(container, laneId, s16, e16) {
  const out = [];
  for (const body of container.querySelectorAll(`.lane[data-lane="${CSS.escape(laneId)}"] .lane-text`)) {
    const from = Number(body.dataset.s);
    const to = from + body.textContent.length;
    if (e16 <= from || s16 >= to) continue;
    const range = document.createRange();
    range.setStart(...pointIn(body, Math.max(s16, from) - from));
    range.setEnd(...pointIn(body, Math.min(e16, to) - from));
    out.push(range);
  }
  return out;
}

/** The text node and offset `u` units into `body`. */
function pointIn(body, u) {
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let node = walker.nextNode();
  let last = null;
  while (node) {
    if (u <= node.data.length) return [node, u];
    u -= node.data.length;
    last = node;
    node = walker.nextNode();
  }
  return last ? [last, last.data.length] : [body, 0];
}

/** The span key a click on a mark chooses: the innermost (last listed) span there. */
export function keyAt(target) {
  const mark = target.closest && target.closest("mark[data-spans]");
  if (!mark) return null;
  const keys = mark.dataset.spans.split(" ");
  return keys[keys.length - 1];
}

export function goldList(list, gold, labelsById, selectedKey) {
  list.textContent = "";
  for (const g of gold) {
    const label = labelsById.get(g.label_id);
    const item = el("li", { class: `span-item${g.key === selectedKey ? " selected" : ""}` },
      el("a", { class: "span-pick", href: "#", dataset: { key: g.key } },
        el("span", { class: "swatch", color: label ? label.color : "" }),
        el("span", { class: "span-label" }, g.label), " ", g.text,
        el("span", { class: "provenance" }, ` (${(g.provenance || []).join(", ") || g.source})`)));
    list.append(item);
  }
}
