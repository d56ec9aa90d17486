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

export function renderCuration(container, text, model, selectedKey) {
  const n = model.names.length;
  const frag = document.createDocumentFragment();
  for (const para of layout(text, Number.MAX_SAFE_INTEGER)) {
    if (!text.slice(para.s, para.e).trim()) continue;
    const block = el("section", { class: "lane-para", dataset: { s: para.s } });
    block.append(lane("votes", "agreement", voteRow(text, para, model.lanes, n)));
    for (const name of model.names) {
      block.append(lane(name, name, spansRow(text, para, model.lanes[name], selectedKey)));
    }
    block.append(lane(GOLD, "gold", spansRow(text, para, model.gold, selectedKey), "gold-lane"));
    frag.append(block);
  }
  container.textContent = "";
  container.append(frag);
}

function lane(id, title, body, extra = "") {
  return el("div", { class: `lane ${extra}`.trim(), dataset: { lane: id } },
    el("div", { class: "lane-who" }, title), body);
}

function spansRow(text, para, spans, selectedKey) {
  const body = el("div", { class: "lane-text" });
  const inside = spans.filter((sp) => sp.s16 < para.e && sp.e16 > para.s);
  renderRange(body, text, para.s, para.e, inside, selectedKey);
  return body;
}

function voteRow(text, para, lanes, n) {
  const body = el("div", { class: "lane-text votes" });
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
