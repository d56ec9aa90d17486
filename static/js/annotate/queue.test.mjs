// The save queue against a fake server: id mapping, ordering, retries, conflicts, persistence.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

const storage = new Map();
globalThis.localStorage = {
  getItem: (k) => (storage.has(k) ? storage.get(k) : null),
  setItem: (k, v) => storage.set(k, String(v)),
  removeItem: (k) => storage.delete(k),
};
globalThis.window = { addEventListener() {} };
globalThis.document = { querySelector: () => ({ content: "csrf-token-value" }) };

const { SaveQueue } = await import("./queue.js");

let requests;
let server; // (method, url, body) -> [status, json] or throws for a network failure

function fakeFetch(url, options) {
  const body = options.body === undefined ? undefined : JSON.parse(options.body);
  requests.push({ method: options.method, url, body, headers: options.headers });
  const [status, json] = server(options.method, url, body);
  return Promise.resolve({
    ok: status < 400, status, json: () => Promise.resolve(json),
  });
}

function makeQueue(events) {
  return new SaveQueue({
    base: "/api/v1", documentId: 7, storageKey: "q",
    hooks: {
      created: (key, span) => events.push(["created", key, span.id]),
      updated: (key, span) => events.push(["updated", key, span.version]),
      conflict: (key, span) => events.push(["conflict", key, span.version]),
      gone: (key) => events.push(["gone", key]),
      rejected: (op, err) => events.push(["rejected", op.type, err.status]),
      status: (s) => events.push(["status", s.message]),
    },
  });
}

function crudServer() {
  let next = 100;
  const versions = {};
  return (method, url, body) => {
    if (method === "POST" && url.endsWith("/spans")) {
      next += 1;
      versions[next] = 1;
      return [201, { id: next, version: 1, ...body }];
    }
    const id = Number(url.split("/spans/")[1]?.split("?")[0]);
    if (method === "PATCH") {
      if (body.version !== versions[id]) return [409, { error: "stale", span: { id, version: versions[id] } }];
      versions[id] += 1;
      return [200, { id, version: versions[id] }];
    }
    if (method === "DELETE") return [204, null];
    if (method === "PUT") return [200, { value: body.value }];
    return [404, { error: "no" }];
  };
}

beforeEach(() => {
  storage.clear();
  requests = [];
  server = crudServer();
  globalThis.fetch = fakeFetch;
});

test("updates and deletes queued behind a create use the server id", async () => {
  const events = [];
  const q = makeQueue(events);
  q.push({ type: "create", key: "c1", body: { label_id: 1, start: 0, end: 3, text: "abc" } });
  q.push({ type: "update", key: "c1", fields: { note: "n" } });
  q.push({ type: "update", key: "c1", fields: { note: "m" } });
  q.push({ type: "delete", key: "c1" });
  await q.drained(2000);
  assert.deepEqual(requests.map((r) => `${r.method} ${r.url}`), [
    "POST /api/v1/documents/7/spans",
    "PATCH /api/v1/spans/101",
    "PATCH /api/v1/spans/101",
    "DELETE /api/v1/spans/101?version=3",
  ]);
  assert.deepEqual(requests.slice(1, 3).map((r) => r.body.version), [1, 2]);
  assert.equal(requests[0].headers["X-CSRFToken"], "csrf-token-value");
  assert.equal(storage.has("q"), false);
  assert.deepEqual(events.filter((e) => e[0] === "status").at(-1), ["status", "Saved"]);
});

test("a delete of a span whose create has not left cancels both", async () => {
  const events = [];
  const q = makeQueue(events);
  q.running = true; // something else is in flight
  q.ops.push({ type: "answer", qid: 1, value: "3" });
  q.push({ type: "create", key: "c2", body: { label_id: 1, start: 0, end: 1, text: "a" } });
  q.push({ type: "update", key: "c2", fields: { note: "x" } });
  q.push({ type: "delete", key: "c2" });
  assert.deepEqual(q.ops.map((o) => o.type), ["answer"]);
});

test("link attributes naming a local key are sent as the server id", async () => {
  const q = makeQueue([]);
  q.push({ type: "create", key: "src", body: { label_id: 4, start: 0, end: 1, text: "a" } });
  q.push({ type: "create", key: "quo", body: { label_id: 3, start: 2, end: 3, text: "b",
    attributes: { speaker: { $key: "src" }, form: "direct" } } });
  await q.drained(2000);
  assert.deepEqual(requests[1].body.attributes, { speaker: 101, form: "direct" });
});

test("network failures keep the operation, report offline and retry", async () => {
  const events = [];
  const healthy = server;
  let down = true;
  server = (...args) => {
    if (down) throw new TypeError("Failed to fetch");
    return healthy(...args);
  };
  globalThis.fetch = (url, options) => {
    try {
      return fakeFetch(url, options);
    } catch (err) {
      return Promise.reject(err);
    }
  };
  const q = makeQueue(events);
  q.push({ type: "create", key: "c3", body: { label_id: 1, start: 0, end: 1, text: "a" } });
  q.push({ type: "answer", qid: 2, value: "4" });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(q.pending, 2);
  assert.deepEqual(events.filter((e) => e[0] === "status").at(-1), ["status",
    "Offline — 2 changes pending"]);
  assert.equal(JSON.parse(storage.get("q")).ops.length, 2); // survives a reload
  down = false;
  q.retryNow();
  await q.drained(2000);
  assert.equal(q.pending, 0);
  assert.ok(events.some((e) => e[0] === "created" && e[1] === "c3"));
});

test("a stale version is a conflict: the op is dropped and the span reloaded", async () => {
  const events = [];
  const q = makeQueue(events);
  q.know("s5", 5, 1);
  server = () => [409, { error: "stale", span: { id: 5, version: 4 } }];
  q.push({ type: "update", key: "s5", fields: { note: "x" } });
  await q.drained(2000);
  assert.deepEqual(events.find((e) => e[0] === "conflict"), ["conflict", "s5", 4]);
  assert.equal(q.versions.s5, 4);
});

test("other 4xx answers are final and reported; 5xx are retried", async () => {
  const events = [];
  const q = makeQueue(events);
  server = () => [400, { error: "bad offsets" }];
  q.push({ type: "create", key: "c4", body: { label_id: 1, start: 0, end: 1, text: "z" } });
  await q.drained(2000);
  assert.deepEqual(events.find((e) => e[0] === "rejected"), ["rejected", "create", 400]);
  server = () => [503, { error: "busy" }];
  q.push({ type: "answer", qid: 1, value: "2" });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(q.pending, 1);
  clearTimeout(q.timer);
});

test("unsent operations are restored with their id map", () => {
  storage.set("q", JSON.stringify({ ops: [{ type: "update", key: "c9", fields: {} }],
    ids: { c9: 42 }, versions: { c9: 2 } }));
  const q = makeQueue([]);
  assert.deepEqual(q.restore().map((o) => o.key), ["c9"]);
  assert.equal(q.keyOfId(42), "c9");
  assert.equal(q.keyOfId(43), null);
});
