import assert from "node:assert/strict";
import { test } from "node:test";

import { adjustSelection, snapToWords, trimWhitespace } from "./textsel.js";

const pick = (text, range) => (range ? text.slice(range[0], range[1]) : null);

test("whitespace is trimmed on both ends, including no-break and ideographic spaces", () => {
  const text = " \u00a0highly productive\u3000\n";
  assert.equal(pick(text, trimWhitespace(text, 0, text.length)), "highly productive");
});

test("a zero-width joiner and BOM are not whitespace (Python agrees)", () => {
  const text = "\ufeffabc\u200d";
  assert.equal(pick(text, trimWhitespace(text, 0, text.length)), text);
});

test("only whitespace gives null", () => {
  assert.equal(adjustSelection("a   b", 1, 4), null);
});

test("snap widens partial words and keeps whole ones", () => {
  const text = "was described as “highly productive,” with both";
  const s = text.indexOf("ghly");
  const e = text.indexOf("ductive") + 3;
  assert.equal(pick(text, adjustSelection(text, s, e, { snap: true })), "highly productive");
  const w = text.indexOf("highly");
  assert.equal(pick(text, snapToWords(text, w, w + 6)), "highly");
});

test("snap keeps joiners inside words but not quotes around them", () => {
  const text = "the U.S. and Trump’s long-term “deal”";
  const i = text.indexOf("S.");
  assert.equal(pick(text, snapToWords(text, i, i + 1)), "U.S");
  const j = text.indexOf("rump");
  assert.equal(pick(text, snapToWords(text, j, j + 2)), "Trump’s");
  const k = text.indexOf("term");
  assert.equal(pick(text, snapToWords(text, k, k + 1)), "long-term");
  const d = text.indexOf("eal");
  assert.equal(pick(text, snapToWords(text, d, d + 1)), "deal");
});

test("emoji are not words; combining accents are part of them", () => {
  const text = "Leaders 🤝 met. Cafe\u0301s";
  const m = text.indexOf("et");
  assert.equal(pick(text, adjustSelection(text, m, m + 1, { snap: true })), "met");
  const c = text.indexOf("Cafe");
  assert.equal(pick(text, snapToWords(text, c + 1, c + 4)), "Cafe\u0301s");
  const e = text.indexOf("🤝");
  assert.equal(pick(text, adjustSelection(text, e + 1, e + 2, { snap: true })), "🤝");
});

test("a reversed selection is normalised; surrogate halves are widened", () => {
  const text = "a 🤝 b";
  assert.equal(pick(text, adjustSelection(text, 4, 3)), "🤝");
});
