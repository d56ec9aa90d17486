// Saving the workspace's spans: the save queue and its hooks, and the span shape the server
// uses (database ids in link attributes) against the local one (span keys). Mixed into
// AnnotatePage (workspace.js), so ``this`` is the page.

import { api } from "./api.js";
import { showStatus } from "./header.js";
import { message } from "./message.js";
import { SaveQueue } from "./queue.js";

const $ = (id) => document.getElementById(id);

export const savingMethods = {
  // ---- saving ---------------------------------------------------------------------------

  setupQueue() {
    const { base, documentId } = this.cfg;
    this.queue = new SaveQueue({
      base, documentId,
      storageKey: `annotator:queue:${this.data.viewer.username}:${documentId}`,
      hooks: {
        created: (key, span) => this.saved(key, { id: span.id, version: span.version }),
        updated: (key, span) => this.saved(key, { version: span.version }),
        conflict: (key, span, err) => this.reloadSpan(key, span, err.message),
        gone: (key) => {
          this.dropLocal(key);
          message("That span no longer exists on the server; it was removed here.");
        },
        rejected: (op, err) => this.rejected(op, err),
        status: (s) => showStatus(s.message, s.state),
      },
    });
    window.addEventListener("beforeunload", (event) => {
      if (this.queue.pending) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    return this.queue.restore();
  },

  /** Apply an unsent operation from an earlier visit to the server's state. */
  replay(op) {
    if (op.type === "create") this.store.put({ key: op.key, ...op.body, label: "" });
    else if (op.type === "update") this.store.patch(op.key, op.fields);
    else if (op.type === "delete") this.store.remove(op.key);
    else if (op.type === "answer") this.answers[String(op.qid)] = op.value;
  },

  saved(key, fields) {
    const span = this.store.get(key);
    if (!span) return;
    Object.assign(span, fields);
    if (fields.id) {
      const item = this.list.find(key);
      if (item) item.dataset.spanId = fields.id;
      if (this.data.assignment?.status === "todo") {
        this.data.assignment.status = "in_progress";
        $("assignment-status").textContent = "in progress";
      }
    }
  },

  reloadSpan(key, serverSpan, text) {
    const before = this.store.get(key);
    const after = this.store.put(this.fromServer(serverSpan, key));
    after.attributes = this.linksToKeys(after.attributes);
    this.redraw([before, after]);
    message(text || "This span was changed elsewhere; it has been reloaded.");
  },

  dropLocal(key) {
    const span = this.store.remove(key);
    if (this.selected === key) this.deselect();
    this.redraw([span]);
  },

  async rejected(op, err) {
    message(`Not saved: ${err.message}`);
    if (op.type === "create") this.dropLocal(op.key);
    if (op.type === "update" && this.queue.ids[op.key]) {
      try {
        const span = await api.get(`${this.cfg.base}/spans/${this.queue.ids[op.key]}`);
        this.reloadSpan(op.key, span, `Not saved: ${err.message}`);
      } catch {
        this.dropLocal(op.key);
      }
    }
  },

  // ---- span model <-> server ------------------------------------------------------------

  fromServer(span, key) {
    return { ...span, key, attributes: { ...(span.attributes || {}) } };
  },

  /** Link attributes hold server ids; locally they name the target by key. */
  linksToKeys(attributes) {
    const out = { ...attributes };
    for (const [name, value] of Object.entries(out)) {
      if (Number.isInteger(value)) {
        const target = this.store.byId(value);
        if (target) out[name] = { $key: target.key };
      }
    }
    return out;
  },

  describeLink(value) {
    if (value && typeof value === "object") {
      const target = this.store.get(value.$key);
      return target ? `→ “${target.text}”` : "→ (deleted span)";
    }
    if (Number.isInteger(value)) return `→ span ${value}`;
    if (typeof value === "string" && value) return `→ ${value}`;
    return "not linked";
  },
};
