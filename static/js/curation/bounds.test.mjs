// Moving one span boundary: code points kept whole, whitespace trimmed, words when snapping.
import assert from "node:assert/strict";
import { test } from "node:test";

import { moveBoundary, stepBoundary } from "./bounds.js";

const TEXT = "Leaders 🤝 met in Geneva. “A new chapter,” they said.";
const at = (word) => TEXT.indexOf(word);
const GENEVA = [at("Geneva"), at("Geneva") + "Geneva".length];

test("moves only the dragged boundary, never into an emoji's surrogate pair", () => {
  const emoji = at("🤝");
  // One unit into the pair moves back to its start, so the emoji is taken whole.
  assert.deepEqual(moveBoundary(TEXT, GENEVA, "start", emoji + 1), [emoji, GENEVA[1]]);
  assert.deepEqual(moveBoundary(TEXT, GENEVA, "start", at("met")), [at("met"), GENEVA[1]]);
  assert.deepEqual(moveBoundary(TEXT, [0, 3], "end", emoji + 1), [0, emoji + 2]);
});

test("trims whitespace at the moved end and stops short of the other boundary", () => {
  assert.deepEqual(moveBoundary(TEXT, GENEVA, "start", at("in") - 1), [at("in"), GENEVA[1]]);
  assert.deepEqual(moveBoundary(TEXT, GENEVA, "end", GENEVA[1] + 2), [GENEVA[0], GENEVA[1] + 1]);
  // Past the other boundary: one character is left.
  assert.deepEqual(moveBoundary(TEXT, GENEVA, "start", TEXT.length), [GENEVA[1] - 1, GENEVA[1]]);
  assert.deepEqual(moveBoundary(TEXT, GENEVA, "end", 0), [GENEVA[0], GENEVA[0] + 1]);
  const space = at("in") + 2;
  assert.equal(moveBoundary(TEXT, [space - 1, space + 1], "start", space), null, "only a space");
});

test("snapping widens the moved boundary to a whole word, leaving the other alone", () => {
  const chapter = at("chapter");
  assert.deepEqual(moveBoundary(TEXT, GENEVA, "end", chapter + 3, { snap: true }),
    [GENEVA[0], chapter + "chapter".length]);
  assert.deepEqual(moveBoundary(TEXT, GENEVA, "start", at("met") + 1, { snap: true }),
    [at("met"), GENEVA[1]]);
  // A span that does not end on a word boundary keeps its end when its start moves.
  assert.deepEqual(moveBoundary(TEXT, [GENEVA[0], GENEVA[1] - 2], "start", at("in"), { snap: true }),
    [at("in"), GENEVA[1] - 2]);
});

test("a step is one character, or one word when snapping", () => {
  assert.deepEqual(stepBoundary(TEXT, GENEVA, "start", -1), [at("in") + 1, GENEVA[1]]);
  assert.deepEqual(stepBoundary(TEXT, GENEVA, "start", -1, { snap: true }), [at("in"), GENEVA[1]]);
  assert.deepEqual(stepBoundary(TEXT, GENEVA, "end", 1), [GENEVA[0], GENEVA[1] + 1]);
  // Over the emoji: one code point is one step (two UTF-16 units).
  const met = [at("met"), at("met") + 3];
  assert.deepEqual(stepBoundary(TEXT, met, "start", -1), [at("🤝"), met[1]]);
  assert.deepEqual(stepBoundary(TEXT, [0, 7], "end", 1, { snap: true }), [0, at("🤝") + 2]);
  // Growing past a word when snapping, shrinking to the next word.
  assert.deepEqual(stepBoundary(TEXT, [at("met"), GENEVA[1]], "start", 1, { snap: true }),
    [at("in"), GENEVA[1]]);
  // No room: a one-character span cannot shrink; the text's edges stop growth.
  assert.equal(stepBoundary(TEXT, [0, 1], "end", -1), null);
  assert.equal(stepBoundary(TEXT, [0, 1], "start", -1), null);
  assert.equal(stepBoundary(TEXT, [at("said"), TEXT.length], "end", 1), null);
});
