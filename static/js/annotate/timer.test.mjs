// Time on page: counted only while the tab is visible, sent on the beat and when hidden.
import assert from "node:assert/strict";
import { test } from "node:test";

const listeners = {};
let now = 0;
globalThis.document = {
  visibilityState: "visible",
  addEventListener: (name, fn) => (listeners[name] = fn),
};
globalThis.window = { addEventListener: (name, fn) => (listeners[`window:${name}`] = fn) };
Object.defineProperty(globalThis, "performance", { value: { now: () => now }, configurable: true });

const { startTimer } = await import("./timer.js");

test("hidden time is not counted; hiding the tab sends with keepalive", async () => {
  const sent = [];
  const timer = startTimer((seconds, keepalive) => {
    sent.push([seconds, keepalive]);
    return Promise.resolve();
  });
  now = 4000; // 4 s visible
  document.visibilityState = "hidden";
  listeners.visibilitychange();
  assert.deepEqual(sent, [[4, true]]);
  now = 64000; // a minute in another tab
  document.visibilityState = "visible";
  listeners.visibilitychange();
  now = 66500; // 2.5 s visible again
  timer.flush(false);
  assert.deepEqual(sent, [[4, true], [2, false]]); // the half second is carried over
  now = 67000;
  listeners["window:pagehide"]();
  assert.deepEqual(sent.at(-1), [1, true]);
  timer.stop();
});

test("a failed send is retried with the next beat", async () => {
  now = 0;
  document.visibilityState = "visible";
  let fail = true;
  const sent = [];
  const timer = startTimer((seconds) => {
    sent.push(seconds);
    return fail ? Promise.reject(new Error("offline")) : Promise.resolve();
  });
  now = 3000;
  timer.flush(false);
  await new Promise((r) => setTimeout(r, 0));
  fail = false;
  now = 5000;
  timer.flush(false);
  assert.deepEqual(sent, [3, 5]);
  timer.stop();
});
