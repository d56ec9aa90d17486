// Run with: node --test static/js/annotate/
import assert from "node:assert/strict";
import { test } from "node:test";

import { codePointLength, codePointToUtf16, OffsetMap, utf16ToCodePoint } from "./offsets.js";

test("plain ASCII is the identity", () => {
  const text = "Leaders met in Geneva.";
  const map = new OffsetMap(text);
  for (let i = 0; i <= text.length; i++) {
    assert.equal(map.toCodePoint(i), i);
    assert.equal(map.toUtf16(i), i);
  }
});

test("an emoji is two code units but one code point", () => {
  const text = "Leaders 🤝 met in Geneva";
  const u = text.indexOf("met");
  assert.equal(u, 11);
  assert.equal(utf16ToCodePoint(text, u), 10);
  assert.equal(codePointToUtf16(text, 10), 11);
  assert.equal(codePointLength(text), text.length - 1);
  // The Python side: "Leaders 🤝 met in Geneva"[10:13] == "met"
  assert.equal([...text].slice(10, 13).join(""), "met");
});

test("round trip at every code point boundary with several astral characters", () => {
  const text = "🤝a😀😀b𝒳 c🇩🇪d";
  const map = new OffsetMap(text);
  const points = [...text];
  let u = 0;
  for (let cp = 0; cp <= points.length; cp++) {
    assert.equal(map.toUtf16(cp), u, `cp ${cp}`);
    assert.equal(map.toCodePoint(u), cp, `u ${u}`);
    if (cp < points.length) u += points[cp].length;
  }
  assert.equal(map.lengthCp, points.length);
});

test("an index inside a surrogate pair counts as before the pair", () => {
  const text = "a🤝b";
  const map = new OffsetMap(text);
  assert.equal(map.toCodePoint(2), 1);
  assert.equal(map.isBoundary(2), false);
  assert.equal(map.isBoundary(1), true);
  assert.equal(map.isBoundary(3), true);
});

test("combining accents stay separate code points", () => {
  const text = "cafe\u0301 q\u0301x";
  const map = new OffsetMap(text);
  assert.equal(map.lengthCp, text.length);
  assert.equal(map.toCodePoint(text.indexOf("x")), 8);
});

test("curly quotes and dashes are single code units", () => {
  const text = "“A new chapter,” they said — ‘really’";
  assert.equal(codePointLength(text), text.length);
  assert.equal(utf16ToCodePoint(text, text.indexOf("they")), text.indexOf("they"));
});

test("lone surrogates are one code point each (as in Python)", () => {
  const text = "a\ud83eb\udd1dc";
  const map = new OffsetMap(text);
  assert.equal(map.lengthCp, 5);
  assert.equal(map.toCodePoint(4), 4);
});

test("out-of-range offsets clamp", () => {
  const text = "x🤝";
  const map = new OffsetMap(text);
  assert.equal(map.toCodePoint(-3), 0);
  assert.equal(map.toCodePoint(99), 2);
  assert.equal(map.toUtf16(99), 3);
  assert.equal(map.toUtf16(-1), 0);
});

test("many pairs: conversion agrees with a naive scan", () => {
  let text = "";
  for (let i = 0; i < 500; i++) text += i % 7 === 0 ? "🤝" : i % 5 === 0 ? "é " : "ab ";
  const map = new OffsetMap(text);
  const points = [...text];
  let u = 0;
  for (let cp = 0; cp <= points.length; cp++) {
    assert.equal(map.toUtf16(cp), u);
    assert.equal(map.toCodePoint(u), cp);
    if (cp < points.length) u += points[cp].length;
  }
});
