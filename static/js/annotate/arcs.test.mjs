// The pure parts of the workspace additions: which links become arcs, and which key picks a
// label (the hint and the palette show it; it must be the inverse of labelForKey).
import assert from "node:assert/strict";
import { test } from "node:test";

const { linksOf } = await import("./arcs.js");
const { keyOf, labelForKey } = await import("./palette.js");

test("an arc per link attribute whose target exists, never to itself", () => {
  const spans = [
    { key: "q", attributes: { speaker: { $key: "s" }, form: "direct" } },
    { key: "s", attributes: {} },
    { key: "gone", attributes: { speaker: { $key: "deleted" } } },
    { key: "self", attributes: { speaker: { $key: "self" } } },
    { key: "typed", attributes: { speaker: "a name typed in", other: null } },
  ];
  const exists = (key) => spans.some((s) => s.key === key);
  assert.deepEqual(linksOf(spans, exists), [{ from: "q", to: "s", name: "speaker" }]);
});

test("keyOf is labelForKey's inverse: own shortcuts, else 1-9 by position", () => {
  const own = [{ name: "A", shortcut: "f" }, { name: "B", shortcut: "c" }, { name: "C" }];
  assert.deepEqual(own.map((l) => keyOf(own, l)), ["f", "c", null]);
  for (const label of own) if (keyOf(own, label)) assert.equal(labelForKey(own, keyOf(own, label)), label);
  const numbered = Array.from({ length: 11 }, (_, i) => ({ name: `L${i}` }));
  const keys = numbered.map((l) => keyOf(numbered, l));
  assert.deepEqual(keys.slice(0, 9), ["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.deepEqual(keys.slice(9), [null, null]);
  for (const label of numbered.slice(0, 9)) {
    assert.equal(labelForKey(numbered, keyOf(numbered, label)), label);
  }
});
