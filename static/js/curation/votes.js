// The disagreement overlay: how many annotators cover each stretch of text. Pure, no DOM.
// Spans carry UTF-16 offsets (s16, e16) and a label_id; lanes map annotator -> spans.

/** Plain attribute values (links are span ids of each annotator's own: not compared). */
export const plainAttrs = (sp) => JSON.stringify(Object.entries(sp.attributes || {})
  .filter(([, v]) => typeof v !== "number").sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * Segments [s, e) of the text between consecutive span boundaries, each with `k` (annotators
 * covering it with any label), `labels` (distinct labels among them) and `split` (spans of one
 * label there whose attribute values differ). Only [from, to).
 */
export function voteSegments(lanes, from, to) {
  const cuts = new Set([from, to]);
  const all = [];
  for (const [who, spans] of Object.entries(lanes)) {
    for (const sp of spans) {
      if (sp.e16 <= from || sp.s16 >= to) continue;
      all.push({ who, s: Math.max(sp.s16, from), e: Math.min(sp.e16, to), label: sp.label_id,
        attrs: plainAttrs(sp) });
      cuts.add(Math.max(sp.s16, from));
      cuts.add(Math.min(sp.e16, to));
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < points.length - 1; i++) {
    const s = points[i];
    const e = points[i + 1];
    const covering = all.filter((x) => x.s <= s && x.e >= e);
    const who = new Set(covering.map((x) => x.who));
    const labels = new Set(covering.map((x) => x.label));
    const values = new Map();
    for (const x of covering) values.set(x.label, (values.get(x.label) || new Set()).add(x.attrs));
    const split = [...values.values()].some((set) => set.size > 1);
    out.push({ s, e, k: who.size, labels: labels.size, split });
  }
  return out;
}

/** A CSS level 0-4 for k of n (0: nobody, 4: everybody). */
export function voteLevel(k, n) {
  if (!k || !n) return 0;
  if (k >= n) return 4;
  return Math.max(1, Math.min(3, Math.round((3 * k) / n)));
}

export function voteTitle(k, n, labels, split = false) {
  const base = `${k} of ${n} annotator${n === 1 ? "" : "s"} marked this`;
  const parts = [];
  if (labels > 1) parts.push(`with ${labels} different labels`);
  if (split) parts.push("attribute values differ");
  return parts.length ? `${base} (${parts.join("; ")})` : base;
}
