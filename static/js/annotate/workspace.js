// The annotator's workspace: the spans of one article and every edit to them (create, label,
// attributes, note, delete, undo/redo), rendered at once and saved through the queue.

import { api } from "./api.js";
import { Comments } from "./comments.js";
import { ArcLayer, linksOf } from "./arcs.js";
import { setupFinish } from "./finish.js";
import { showStatus } from "./header.js";
import { History } from "./history.js";
import { enableCaretSelection, shortcutFor } from "./keyboard.js";
import { message } from "./message.js";
import { renderKeysHint, renderPalette } from "./palette.js";
import { SpanPanel } from "./panel.js";
import { renderQuestions } from "./questions.js";
import { ArticleView } from "./render.js";
import { savingMethods } from "./saving.js";
import { SpanList } from "./spanlist.js";
import { newKey, serverKey, SpanStore } from "./store.js";
import { Suggestions } from "./suggestions.js";
import { adjustSelection } from "./textsel.js";
import { startTimer } from "./timer.js";

const $ = (id) => document.getElementById(id);

const EDITABLE = ["label_id", "start", "end", "text", "attributes", "note"];

const bodyOf = (span) => ({
  label_id: span.label_id, start: span.start, end: span.end, text: span.text,
  attributes: span.attributes || {}, note: span.note || "", source: span.source || "manual",
});

export class AnnotatePage {
  /** `cfg`: {root, base, documentId, pageUrl, nextUrl, timings}. */
  constructor(data, offsets, labelsById, cfg) {
    this.cfg = cfg;
    this.data = data;
    this.text = data.document.text;
    this.offsets = offsets;
    this.labels = data.labels;
    this.labelsById = labelsById;
    this.readOnly = data.viewer.read_only;
    this.snap = data.project.snap_to_words;
    this.store = new SpanStore(offsets);
    this.view = new ArticleView($("article"), this.text);
    this.arcs = new ArcLayer($("article-wrap"), $("article"), (k) => this.view.segmentsOf(k));
    this.list = new SpanList($("span-list"), $("span-count"), labelsById,
      (k) => this.listPick(k), (value) => this.describeLink(value));
    this.history = new History();
    this.selected = null;
    this.linking = null; // {key, name} while picking a link target
    this.answers = { ...data.answers };
    this.panel = new SpanPanel($("span-panel"), this.labels, this.readOnly, {
      label: (key, labelId) => this.changeLabel(key, labelId),
      attribute: (key, name, value) => this.setAttribute(key, name, value),
      note: (key, note) => this.edit(key, { note }),
      remove: (key) => this.remove(key),
      link: (key, name) => this.startLink(key, name),
      describeLink: (value) => this.describeLink(value),
      follow: (targetKey) => this.follow(targetKey),
    });
  }

  boot() {
    const replay = this.readOnly ? [] : this.setupQueue();
    for (const span of this.data.spans) {
      const key = (this.queue && this.queue.keyOfId(span.id)) || serverKey(span.id);
      this.store.put(this.fromServer(span, key));
      if (this.queue) this.queue.know(key, span.id, span.version);
    }
    for (const span of this.store.sorted()) span.attributes = this.linksToKeys(span.attributes);
    for (const op of replay) this.replay(op);
    const t0 = performance.now();
    this.view.render(this.store.sorted());
    this.cfg.timings.viewMs = performance.now() - t0;
    this.drawArcs();
    if (!this.readOnly && this.data.project.suggestions) {
      this.suggestions = new Suggestions(this,
        `${this.cfg.base}/documents/${this.cfg.documentId}/suggestions`);
      this.suggestions.load();
    }
    // The side list can wait until the article is on screen.
    const fillList = () => this.list.render(this.store.sorted(), this.selected);
    if (window.requestIdleCallback) requestIdleCallback(fillList, { timeout: 300 });
    else setTimeout(fillList, 50);
    renderPalette($("palette"), this.labels, {
      readOnly: this.readOnly, onPick: (id) => this.labelAction(id),
    });
    renderKeysHint($("label-keys"), this.labels);
    renderQuestions($("questions"), this.data.questions, this.answers, {
      readOnly: this.readOnly, onAnswer: (qid, value) => this.answer(qid, value),
    });
    this.bindEvents();
    const viewer = this.data.viewer;
    this.comments = new Comments({
      url: this.cfg.commentsUrl,
      lead: this.cfg.lead,
      annotator: viewer.annotator !== viewer.username ? viewer.annotator : null,
      selectedSpan: () => (this.selected ? this.store.get(this.selected) : null),
      pickSpan: (id) => {
        const span = this.store.byId(id);
        if (span) this.pick(span.key);
        else message("That span is no longer there.", "info");
      },
    });
    this.comments.load();
    const { base, documentId } = this.cfg;
    setupFinish({
      assignment: this.data.assignment, readOnly: this.readOnly, queue: this.queue,
      statusUrl: `${base}/documents/${documentId}/status`, pageUrl: this.cfg.pageUrl,
      nextUrl: this.cfg.nextUrl, spanCount: () => this.store.sorted().length,
    });
    if (this.readOnly) {
      this.cfg.root.classList.add("read-only");
      showStatus(`Read-only: ${this.data.viewer.annotator}'s spans`, "read-only");
    } else if (this.data.assignment) {
      startTimer((seconds, keepalive) =>
        api.post(`${base}/documents/${documentId}/time`, { seconds }, { keepalive }));
    }
    if (this.queue && this.queue.pending) this.queue.flush();
  }

  /** The links between spans as arcs in the text (see arcs.js). */
  drawArcs() {
    const sorted = this.store.sorted();
    this.arcs.show(linksOf(sorted, (key) => Boolean(this.store.get(key))), this.selected);
  }

  // ---- edits (each one undoable) --------------------------------------------------------

  /** Re-render what a change touched: the article chunks and the side-list entries. */
  redraw(spans) {
    const changed = spans.filter(Boolean);
    const sorted = this.store.sorted();
    this.view.update(changed.map((s) => [s.s16, s.e16]), sorted);
    this.drawArcs();
    const keys = new Set(changed.map((s) => s.key));
    // Entries that describe a link to a changed span ("speaker → “…”") change with it.
    for (const link of linksOf(sorted, () => true)) if (keys.has(link.to)) keys.add(link.from);
    for (const key of keys) {
      const span = this.store.get(key);
      if (span) this.list.upsert(span, sorted, this.selected);
      else this.list.remove(key, sorted.length);
    }
    if (this.selected && this.store.get(this.selected)) {
      this.view.select(this.selected);
      // Don't rebuild the editor under the annotator's cursor (Tab to the next field).
      if (!$("span-panel").contains(document.activeElement)) this.refreshPanel();
    }
  }

  doCreate(key, body) {
    const label = this.labelsById.get(body.label_id);
    const span = this.store.put({ key, ...body, label: label ? label.name : "" });
    this.queue.push({ type: "create", key, body });
    this.redraw([span]);
    return span;
  }

  doDelete(key) {
    const span = this.store.get(key);
    if (!span) return;
    if (this.selected === key) this.deselect();
    this.store.remove(key);
    this.queue.push({ type: "delete", key });
    this.redraw([span]);
  }

  doUpdate(key, fields) {
    const [before, after] = this.store.patch(key, fields);
    if (!before) return null;
    const sendable = Object.fromEntries(
      Object.entries(fields).filter(([name]) => EDITABLE.includes(name)),
    );
    this.queue.push({ type: "update", key, fields: sendable });
    this.redraw([before, after]);
    return before;
  }

  create(labelId) {
    const range = this.currentSelection();
    if (!range) {
      message("Select some text in the article first.", "info");
      return;
    }
    const [s16, e16] = range;
    window.getSelection().removeAllRanges();
    this.addSpan({
      label_id: labelId, start: this.offsets.toCodePoint(s16), end: this.offsets.toCodePoint(e16),
      text: this.text.slice(s16, e16), attributes: {}, note: "", source: "manual",
    });
  }

  /** A new span (undoable) and pick it; `also` runs alongside its undo / redo. */
  addSpan(body, also = {}) {
    const key = newKey();
    this.doCreate(key, body);
    this.history.push({
      undo: () => { this.doDelete(key); also.undo?.(); },
      redo: () => { this.doCreate(key, body); also.redo?.(); },
    });
    this.pick(key, { scroll: false });
  }

  remove(key) {
    const span = this.store.get(key);
    if (!span || this.readOnly) return;
    const body = bodyOf(span);
    this.doDelete(key);
    this.history.push({ undo: () => this.doCreate(key, body), redo: () => this.doDelete(key) });
  }

  edit(key, fields) {
    if (this.readOnly) return;
    const before = this.doUpdate(key, fields);
    if (!before) return;
    const old = Object.fromEntries(Object.keys(fields).map((f) => [f, before[f]]));
    this.history.push({ undo: () => this.doUpdate(key, old), redo: () => this.doUpdate(key, fields) });
  }

  changeLabel(key, labelId) {
    const span = this.store.get(key);
    const label = this.labelsById.get(labelId);
    if (!span || !label || span.label_id === labelId) return;
    const names = new Set((label.attributes || []).map((a) => a.name));
    const attributes = Object.fromEntries(
      Object.entries(span.attributes || {}).filter(([name]) => names.has(name)),
    );
    this.edit(key, { label_id: labelId, label: label.name, attributes });
    this.refreshPanel(); // the new label's attributes
  }

  refreshPanel() {
    const span = this.selected && this.store.get(this.selected);
    if (span) this.panel.show(span, { linking: this.linking?.name });
  }

  setAttribute(key, name, value) {
    const span = this.store.get(key);
    if (!span) return;
    const attributes = { ...span.attributes };
    if (value === null || value === undefined || value === "") delete attributes[name];
    else attributes[name] = value;
    this.edit(key, { attributes });
  }

  answer(qid, value) {
    if (this.readOnly) return;
    this.answers[String(qid)] = value;
    this.queue.push({ type: "answer", qid, value });
  }

  undo() {
    if (this.readOnly) return;
    if (!this.history.undo()) message("Nothing to undo.", "info");
    this.refreshPanel();
  }

  redo() {
    if (this.readOnly) return;
    if (!this.history.redo()) message("Nothing to redo.", "info");
    this.refreshPanel();
  }

  // ---- selection, picking, linking ------------------------------------------------------

  currentSelection() {
    const range = this.view.selectionOffsets();
    if (!range) return null;
    return adjustSelection(this.text, range[0], range[1], { snap: this.snap });
  }

  labelAction(labelId) {
    if (this.readOnly) return;
    if (this.currentSelection()) this.create(labelId);
    else if (this.selected) this.changeLabel(this.selected, labelId);
    else message("Select some text in the article first.", "info");
  }

  pick(key, { scroll = true } = {}) {
    const span = this.store.get(key);
    if (!span) return;
    this.suggestions?.select(null);
    this.selected = key;
    this.linking = null;
    this.view.select(key);
    this.arcs.select(key);
    this.list.select(key);
    this.panel.show(span);
    this.comments?.spanSelected(span);
    if (scroll) {
      const first = this.view.segmentsOf(key)[0];
      if (first) first.scrollIntoView({ block: "center" });
    }
  }

  deselect() {
    this.selected = null;
    this.linking = null;
    this.view.select(null);
    this.arcs.select(null);
    this.list.select(null);
    this.panel.hide();
    this.comments?.spanSelected(null);
  }

  startLink(key, name) {
    if (this.readOnly) return;
    this.linking = { key, name };
    this.cfg.root.classList.add("linking");
    this.panel.show(this.store.get(key), { linking: name });
  }

  finishLink(targetKey, { refocus = false } = {}) {
    const { key, name } = this.linking;
    this.linking = null;
    this.cfg.root.classList.remove("linking");
    if (targetKey && targetKey !== key) this.setAttribute(key, name, { $key: targetKey });
    const span = this.store.get(key);
    if (span) this.panel.show(span);
    if (refocus) this.panel.focusLink(name);
  }

  /** An entry of the side list chosen (click, Enter or Space): pick it, or link to it. */
  listPick(key) {
    if (this.linking) this.finishLink(key, { refocus: true });
    else this.pick(key);
  }

  /** Follow a link attribute to its target span: select it, focus its list entry. */
  follow(targetKey) {
    if (!this.store.get(targetKey)) {
      message("The linked span is no longer there.", "info");
      return;
    }
    this.pick(targetKey);
    this.list.focus(targetKey);
  }

  /** Enter in the article: open the span under the caret (again: the next one out). */
  enterText(event) {
    const selection = window.getSelection();
    if (!selection.rangeCount || !selection.isCollapsed) return false;
    const node = selection.anchorNode;
    const at = node && (node.nodeType === Node.TEXT_NODE ? node.parentElement : node);
    const mark = at?.closest?.("mark[data-spans]");
    if (!mark) return false;
    this.clickText({ target: mark });
    return true;
  }

  /** A click on the text: pick the innermost span there (again: the next one out). */
  clickText(event) {
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return;
    if (this.suggestions?.click(event.target)) return;
    const mark = event.target.closest("mark[data-spans]");
    const keys = mark ? mark.dataset.spans.split(" ") : [];
    const spans = this.store.at(keys);
    if (this.linking) {
      const target = spans.find((s) => s.key !== this.linking.key);
      this.finishLink(target ? target.key : null);
      return;
    }
    if (!spans.length) {
      this.deselect();
      return;
    }
    const i = spans.findIndex((s) => s.key === this.selected);
    this.pick(spans[(i + 1) % spans.length].key, { scroll: false });
  }

  // ---- events ---------------------------------------------------------------------------

  bindEvents() {
    const article = $("article");
    article.addEventListener("click", (event) => this.clickText(event));
    article.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.ctrlKey && !event.altKey && this.enterText(event)) {
        event.preventDefault();
      }
    });
    enableCaretSelection(article, this.view);
    document.addEventListener("keydown", (event) => {
      if (this.suggestions?.key(event)) {
        event.preventDefault();
        return;
      }
      const action = shortcutFor(event, this.labels);
      if (!action) return;
      if (action.type === "undo") this.undo();
      else if (action.type === "redo") this.redo();
      else if (action.type === "escape") {
        const inPanel = $("span-panel").contains(document.activeElement);
        if (this.linking) this.finishLink(null, { refocus: true });
        else {
          this.deselect();
          if (inPanel) article.focus({ preventScroll: true }); // not lost with the panel
        }
        return;
      } else if (action.type === "delete") {
        if (!this.selected) return;
        this.remove(this.selected);
      } else if (action.type === "label") this.labelAction(action.label.id);
      event.preventDefault();
    });
  }
}

Object.assign(AnnotatePage.prototype, savingMethods);
