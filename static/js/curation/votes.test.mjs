// The disagreement overlay's counting: k of n annotators per stretch of text.
import assert from "node:assert/strict";
import { test } from "node:test";

import { voteLevel, voteSegments, voteTitle } from "./votes.js";

const span = (s16, e16, label_id = 1) => ({ s16, e16, label_id });

test("counts annotators, not spans, per segment", () => {
  const lanes = { a: [span(0, 10), span(2, 4)], b: [span(5, 15)], c: [] };
  assert.deepEqual(voteSegments(lanes, 0, 20), [
    { s: 0, e: 2, k: 1, labels: 1, split: false },
    { s: 2, e: 4, k: 1, labels: 1, split: false },
    { s: 4, e: 5, k: 1, labels: 1, split: false },
    { s: 5, e: 10, k: 2, labels: 1, split: false },
    { s: 10, e: 15, k: 1, labels: 1, split: false },
    { s: 15, e: 20, k: 0, labels: 0, split: false },
  ]);
});

test("label disagreement and clipping to the paragraph", () => {
  const lanes = { a: [span(0, 10, 1)], b: [span(0, 10, 2)] };
  assert.deepEqual(voteSegments(lanes, 5, 8), [{ s: 5, e: 8, k: 2, labels: 2, split: false }]);
  assert.deepEqual(voteSegments(lanes, 10, 12), [{ s: 10, e: 12, k: 0, labels: 0, split: false }]);
});

test("levels and titles", () => {
  assert.equal(voteLevel(0, 5), 0);
  assert.equal(voteLevel(1, 5), 1);
  assert.equal(voteLevel(4, 5), 2);
  assert.equal(voteLevel(5, 5), 4);
  assert.equal(voteTitle(3, 5, 1), "3 of 5 annotators marked this");
  assert.equal(voteTitle(2, 2, 2), "2 of 2 annotators marked this (with 2 different labels)");
});

test("attribute values that differ on one label are a split, links are not compared", () => {
  const a = { ...span(0, 10, 1), attributes: { frame: "Political", speaker: 4 } };
  const b = { ...span(0, 10, 1), attributes: { frame: "Policy", speaker: 9 } };
  const c = { ...span(0, 10, 1), attributes: { speaker: 7, frame: "Political" } };
  assert.deepEqual(voteSegments({ a: [a], b: [b] }, 0, 10), [
    { s: 0, e: 10, k: 2, labels: 1, split: true },
  ]);
  assert.deepEqual(voteSegments({ a: [a], c: [c] }, 0, 10), [
    { s: 0, e: 10, k: 2, labels: 1, split: false },
  ]);
  assert.equal(voteTitle(2, 2, 1, true), "2 of 2 annotators marked this (attribute values differ)");
});
