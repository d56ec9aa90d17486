// The compact curation view: which stretches of the article to show and which to fold. Pure,
// no DOM. Spans carry UTF-16 offsets (s16, e16); lanes map annotator -> spans.
//
// A span is settled when every annotator has one with the same label, boundaries and plain
// attribute values (links are each annotator's own span ids: not compared), and a gold span when
// it matches a settled span's label and boundaries. Everything else is a difference and is shown
// whole, with some context (to word boundaries, within its paragraph); so is every range in
// `keep` (the selected span, folds the curator opened). The rest - text all annotators agree on
// or nobody marked - folds into gaps, each counting what it holds, so nothing is hidden silently.

import { plainAttrs } from "./votes.js";

const SPACE = /\s/;
const signature = (sp) => `${sp.label_id}|${sp.s16}|${sp.e16}|${plainAttrs(sp)}`;
const place = (sp) => `${sp.label_id}|${sp.s16}|${sp.e16}`;

/**
 * [{s, e, gap: false}] windows and [{s, e, gap: true, agreed, gold}] gaps, in text order,
 * covering [0, text.length) exactly. `agreed` counts the settled spans (one per signature) a gap
 * holds, `gold` its gold spans. Gaps shorter than `minGap` UTF-16 units are shown instead.
 */
export function compactPlan(text, lanes, gold = [], { keep = [], context = 40, minGap = 160 } = {}) {
  const names = Object.keys(lanes);
  const holders = new Map();
  for (const name of names) {
    for (const sp of lanes[name]) {
      const key = signature(sp);
      if (!holders.has(key)) holders.set(key, new Set());
      holders.get(key).add(name);
    }
  }
  const settled = new Map(); // signature -> one span, for the counts
  const settledPlaces = new Set();
  for (const [key, who] of holders) {
    if (who.size !== names.length) continue;
    const sp = lanes[[...who][0]].find((x) => signature(x) === key);
    settled.set(key, sp);
    settledPlaces.add(place(sp));
  }
  const spans = names.flatMap((name) => lanes[name]).concat(gold);
  const hot = [];
  for (const name of names) {
    for (const sp of lanes[name]) if (!settled.has(signature(sp))) hot.push([sp.s16, sp.e16]);
  }
  for (const g of gold) if (!settledPlaces.has(place(g))) hot.push([g.s16, g.e16]);
  for (const [s, e] of keep) hot.push([Math.max(0, s), Math.min(text.length, e)]);

  let windows = hot.filter(([s, e]) => s < e).map(([s, e]) => widen(text, s, e, context));
  for (;;) {
    windows = merge(windows, minGap, text.length);
    const grown = windows.map(([s, e]) => cover(spans, s, e));
    if (grown.every(([s, e], i) => s === windows[i][0] && e === windows[i][1])) break;
    windows = grown;
  }

  const out = [];
  let at = 0;
  const gapTo = (end) => {
    if (end <= at) return;
    const inside = (sp) => sp.s16 >= at && sp.e16 <= end;
    out.push({ s: at, e: end, gap: true,
      agreed: [...settled.values()].filter(inside).length, gold: gold.filter(inside).length });
  };
  for (const [s, e] of windows) {
    gapTo(s);
    out.push({ s, e, gap: false });
    at = e;
  }
  gapTo(text.length);
  return out;
}

/** [s, e) plus up to `context` units each side, out to whitespace, within its paragraph. */
function widen(text, s, e, context) {
  const paraStart = s === 0 ? 0 : text.lastIndexOf("\n", s - 1) + 1;
  const nl = text.indexOf("\n", e);
  const paraEnd = nl === -1 ? text.length : nl;
  let a = Math.min(s, Math.max(paraStart, s - context));
  while (a > paraStart && !SPACE.test(text[a - 1])) a--;
  let b = Math.max(e, Math.min(paraEnd, e + context));
  while (b < paraEnd && !SPACE.test(text[b])) b++;
  return [a, b];
}

/** Sorted, overlapping ranges and those less than `minGap` apart (or from the edges) joined. */
function merge(ranges, minGap, length) {
  const sorted = ranges.slice().sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s - last[1] < minGap) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  if (out.length && out[0][0] < minGap) out[0][0] = 0;
  if (out.length && length - out[out.length - 1][1] < minGap) out[out.length - 1][1] = length;
  return out;
}

/** [s, e) grown to hold every span it cuts. */
function cover(spans, s, e) {
  let a = s;
  let b = e;
  for (const sp of spans) {
    if (sp.s16 < b && sp.e16 > a) {
      a = Math.min(a, sp.s16);
      b = Math.max(b, sp.e16);
    }
  }
  return [a, b];
}
