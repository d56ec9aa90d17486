// The compact view's plan: differences shown whole with context, settled text folded and counted.
import assert from "node:assert/strict";
import { test } from "node:test";

import { compactPlan } from "./compact.js";

const WORDS = Array.from({ length: 120 }, (_, i) => `word${i}`);
const TEXT = `${WORDS.slice(0, 60).join(" ")}\n${WORDS.slice(60).join(" ")}`;
const at = (w) => TEXT.indexOf(`${w} `) === -1 ? TEXT.indexOf(w) : TEXT.indexOf(`${w} `);
const span = (from, to, label_id = 1, attributes = {}) =>
  ({ s16: at(from), e16: at(to) + to.length, label_id, attributes });
const covered = (plan) => plan.reduce((n, it) => (it.s === n ? it.e : NaN), 0);

test("an article everybody agrees on folds into one counted gap", () => {
  const lanes = { a: [span("word3", "word4")], b: [span("word3", "word4")] };
  const gold = [span("word3", "word4")];
  const plan = compactPlan(TEXT, lanes, gold);
  assert.deepEqual(plan, [{ s: 0, e: TEXT.length, gap: true, agreed: 1, gold: 1 }]);
});

test("a difference is shown whole with context, inside its paragraph", () => {
  const lanes = { a: [span("word20", "word22")], b: [span("word20", "word21")] };
  const plan = compactPlan(TEXT, lanes, [], { context: 10, minGap: 20 });
  assert.equal(covered(plan), TEXT.length);
  const shown = plan.filter((it) => !it.gap);
  assert.equal(shown.length, 1);
  const [w] = shown;
  assert.ok(w.s < at("word20") && w.e > at("word22") + 6, "the longer span and some context");
  assert.ok(w.s >= at("word18") && w.e <= at("word24") + 6, "only some context");
  assert.ok(w.s === 0 || TEXT[w.s - 1] === " ", "starts at a word");
  assert.ok(TEXT[w.e] === " ", "ends at a word");
  assert.deepEqual(plan.filter((it) => it.gap).map((g) => g.agreed), [0, 0]);
  // Context never runs into the next paragraph.
  const last = compactPlan(TEXT, { a: [span("word58", "word59")], b: [] }, [],
    { context: 200, minGap: 20 });
  assert.equal(last.find((it) => !it.gap).e, TEXT.indexOf("\n"));
});

test("labels, attribute values, a missing annotator and gold off the consensus are differences", () => {
  const base = { a: [span("word30", "word31")], b: [span("word30", "word31")] };
  const folded = (lanes, gold = []) => compactPlan(TEXT, lanes, gold, { context: 0, minGap: 20 })
    .filter((it) => !it.gap).length;
  assert.equal(folded(base), 0);
  assert.equal(folded({ ...base, b: [span("word30", "word31", 2)] }), 1);
  assert.equal(folded({ a: [span("word30", "word31", 1, { t: "x" })],
    b: [span("word30", "word31", 1, { t: "y" })] }), 1);
  // Links point at each annotator's own spans: not a difference.
  assert.equal(folded({ a: [span("word30", "word31", 1, { to: 4 })],
    b: [span("word30", "word31", 1, { to: 9 })] }), 0);
  assert.equal(folded({ ...base, c: [] }), 1);
  assert.equal(folded(base, [span("word80", "word81")]), 1);
});

test("kept ranges are shown; every span lies wholly in a window or a gap", () => {
  const long = span("word10", "word40");
  const lanes = { a: [long, span("word35", "word36")], b: [long] };
  const plan = compactPlan(TEXT, lanes, [], { keep: [[at("word90"), at("word91")]],
    context: 0, minGap: 20 });
  assert.equal(covered(plan), TEXT.length);
  const shown = plan.filter((it) => !it.gap);
  assert.equal(shown.length, 2);
  // The settled long span is cut by the difference inside it, so it is shown whole.
  assert.ok(shown[0].s <= long.s16 && shown[0].e >= long.e16);
  assert.ok(shown[1].s <= at("word90") && shown[1].e >= at("word91"));
  for (const gap of plan.filter((it) => it.gap)) {
    assert.ok(!lanes.a.some((sp) => sp.s16 < gap.e && sp.e16 > gap.s &&
      (sp.s16 < gap.s || sp.e16 > gap.e)));
  }
});

test("short gaps are not folded", () => {
  const lanes = { a: [span("word2", "word2"), span("word6", "word6")], b: [] };
  const plan = compactPlan(TEXT, lanes, [], { context: 0, minGap: 40 });
  assert.equal(plan[0].gap, false);
  assert.equal(plan[0].s, 0, "the text before the first difference is shorter than a gap");
  assert.ok(plan[0].e >= at("word6") + 5);
  assert.equal(plan.length, 2);
});
