// The curation page's entry point: load the article with every annotator's spans and the gold
// spans, render the lanes, and turn clicks and keys into gold changes through the API.

import { api } from "../annotate/api.js";
import { el } from "../annotate/dom.js";
import { showMeta } from "../annotate/header.js";
import { message } from "../annotate/message.js";
import { codePointLength, OffsetMap } from "../annotate/offsets.js";
import { installLabelStyles } from "../annotate/palette_css.js";
import { moveBoundary, stepBoundary } from "./bounds.js";
import { compactPlan } from "./compact.js";
import { goldMatch, showEditor, showSpan } from "./panel.js";
import {
  addHandles, goldList, keyAt, offsetIn, placeHandles, prepare, rangesIn, renderCuration,
} from "./view.js";

const root = document.getElementById("curate");
const $ = (id) => document.getElementById(id);
const cfg = root.dataset;
const base = cfg.api; // .../api/v1/curation
const docUrl = `${base}/documents/${cfg.documentId}`;

const state = {
  data: null, model: null, offsets: null, selected: null, editing: false,
  compact: false, unfolded: [], // compact mode, and the folds the curator opened (UTF-16)
  pending: null, // boundaries being moved: {key, bounds: [s16, e16]}
  drag: null, // the pointer moving a handle: {pointerId, which}
  focusHandle: null, // the handle to focus after the next render ("start" | "end")
};
let stylesInstalled = false;
// Remembered per user of this browser.
const COMPACT_KEY = `annotator.curation.compact.${cfg.user || ""}`;

async function load() {
  const data = await api.get(docUrl);
  state.data = data;
  state.offsets = new OffsetMap(data.document.text);
  state.model = prepare(data, state.offsets);
  if (!stylesInstalled) {
    installLabelStyles(data.labels);
    stylesInstalled = true;
  }
  if (state.selected && !state.model.byKey.has(state.selected)) state.selected = null;
  render();
}

function render() {
  const { data, model } = state;
  showMeta(data.document);
  $("legend").textContent = `${model.names.length} annotators: `;
  for (const name of model.names) {
    $("legend").append(el("span", { class: "lane-name" }, `${name} (${model.lanes[name].length})`));
  }
  const item = current();
  if (state.pending && state.pending.key !== state.selected) state.pending = null;
  const plan = state.compact ? compactPlan(data.document.text, model.lanes, model.gold, {
    keep: [...state.unfolded, ...(item ? [[item.s16, item.e16]] : [])],
  }) : null;
  renderCuration($("lanes"), data.document.text, model, state.selected,
    { plan, offsets: state.offsets });
  showCompactSummary(plan);
  if (item) addHandles($("lanes"), item, state.offsets, codePointLength(data.document.text));
  showPending();
  if (state.focusHandle) {
    $("lanes").querySelector(`.bound-handle[data-handle="${state.focusHandle}"]`)?.focus();
    state.focusHandle = null;
  }
  goldList($("gold-list"), model.gold, labelsById(), state.selected);
  $("gold-count").textContent = String(model.gold.length);
  $("curation-status").value = data.curation.status;
  renderUnmerged();
  renderAnswers();
  if (!state.editing) showSpan($("span-panel"), model, current());
  root.dataset.ready = "true";
}

const labelsById = () => new Map(state.data.labels.map((lb) => [lb.id, lb]));
const current = () => (state.selected ? state.model.byKey.get(state.selected) : null);

function showCompactSummary(plan) {
  const box = $("compact-summary");
  box.hidden = !plan;
  if (!plan) return;
  const folds = plan.filter((it) => it.gap);
  const chars = folds.reduce((n, it) => n + state.offsets.toCodePoint(it.e) -
    state.offsets.toCodePoint(it.s), 0);
  const shown = plan.length - folds.length;
  box.textContent = `${shown} stretch${shown === 1 ? "" : "es"} shown, ${folds.length} ` +
    `folded (${chars.toLocaleString("en")} characters).`;
}

function setCompact(on) {
  state.compact = on;
  state.unfolded = [];
  try {
    if (on) localStorage.setItem(COMPACT_KEY, "1");
    else localStorage.removeItem(COMPACT_KEY);
  } catch {
    // storage off: the toggle still works for this page
  }
  render();
}

function storedCompact() {
  try {
    return localStorage.getItem(COMPACT_KEY) === "1";
  } catch {
    return false;
  }
}

// ---- moving a span's boundaries (drag handles and their keys) -----------------------------

const snapping = () => Boolean(state.data.project && state.data.project.snap_to_words);

/** The pending boundaries as a highlight over the span's lane, the handles' values, a status. */
function showPending() {
  const p = state.pending;
  const item = current();
  if (CSS.highlights) CSS.highlights.delete("bounds-pending");
  $("lanes").classList.toggle("moving", Boolean(p));
  if (!p || !item) {
    $("bounds-status").textContent = "";
    return;
  }
  const laneId = item.kind === "gold" ? "gold" : item.who;
  placeHandles($("lanes"), laneId, ...p.bounds);
  if (CSS.highlights) {
    CSS.highlights.set("bounds-pending", new Highlight(...rangesIn($("lanes"), laneId, ...p.bounds)));
  }
  const [s, e] = p.bounds.map((u) => state.offsets.toCodePoint(u));
  for (const handle of $("lanes").querySelectorAll(".bound-handle")) {
    handle.setAttribute("aria-valuenow", String(handle.dataset.handle === "start" ? s : e));
  }
  const how = state.drag ? "release to save" : "Enter saves, Esc cancels";
  $("bounds-status").textContent =
    `New boundaries ${s}–${e}: “${state.data.document.text.slice(...p.bounds)}” (${how}).`;
}

function moveTo(which, bounds) {
  if (!bounds) return;
  state.pending = { key: state.selected, bounds };
  showPending();
}

function pendingBounds() {
  const item = current();
  return state.pending ? state.pending.bounds : [item.s16, item.e16];
}

/** Drop the pending boundaries: the handles go back (the one in use keeps the focus). */
function cancelPending(which = null) {
  state.pending = null;
  state.drag = null;
  state.focusHandle = which;
  render();
}

/** Save the pending boundaries: a gold span in place, an annotator's span accepted with them. */
function commitPending() {
  const item = current();
  const p = state.pending;
  state.pending = null;
  state.drag = null;
  showPending();
  if (!item || !p || (p.bounds[0] === item.s16 && p.bounds[1] === item.e16)) return;
  const [start, end] = p.bounds.map((u) => state.offsets.toCodePoint(u));
  const fields = { start, end, text: state.data.document.text.slice(...p.bounds) };
  if (item.kind === "gold") {
    act(api.patch(`${base}/gold/${item.id}`, { ...fields, version: item.version }), "Saved.");
  } else {
    // The accepted span is selected after the reload: its handle takes the focus back.
    const which = state.focusHandle;
    accept(item, fields).then(() => {
      if (which) $("lanes").querySelector(`.bound-handle[data-handle="${which}"]`)?.focus();
    });
  }
}

function onHandleKey(event) {
  const handle = event.target.closest && event.target.closest(".bound-handle");
  const item = current();
  if (!handle || !item) return;
  const which = handle.dataset.handle;
  const dir = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 }[event.key];
  if (dir) {
    moveTo(which, stepBoundary(state.data.document.text, pendingBounds(), which, dir,
      { snap: snapping() }));
  } else if (event.key === "Enter") {
    state.focusHandle = which;
    commitPending();
  } else if (event.key === "Escape" && state.pending) {
    cancelPending(which);
  } else {
    return;
  }
  event.preventDefault();
  event.stopPropagation();
}

function wireHandles() {
  const lanes = $("lanes");
  lanes.addEventListener("keydown", onHandleKey);
  lanes.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest && event.target.closest(".bound-handle");
    if (!handle || !current() || event.button !== 0) return;
    event.preventDefault(); // no text selection, and the handle keeps the focus
    handle.focus();
    // The lanes take the pointer, so the handle can move along with it.
    lanes.setPointerCapture(event.pointerId);
    state.drag = { pointerId: event.pointerId, which: handle.dataset.handle };
    state.pending = { key: state.selected, bounds: pendingBounds() };
    showPending();
  });
  lanes.addEventListener("pointermove", (event) => {
    const drag = state.drag;
    if (!drag || event.pointerId !== drag.pointerId || !state.pending) return;
    const caret = caretAt(event.clientX, event.clientY);
    const u = caret && offsetIn(lanes, caret[0], caret[1]);
    if (u === null || u === undefined) return;
    const next = moveBoundary(state.data.document.text, state.pending.bounds, drag.which, u,
      { snap: snapping() });
    if (next) moveTo(drag.which, next);
  });
  lanes.addEventListener("pointerup", (event) => {
    if (!state.drag || event.pointerId !== state.drag.pointerId) return;
    state.focusHandle = state.drag.which;
    commitPending();
  });
  lanes.addEventListener("pointercancel", (event) => {
    if (state.drag && event.pointerId === state.drag.pointerId) cancelPending();
  });
}

/** The DOM point nearest the pointer: [node, offset], or null. */
function caretAt(x, y) {
  if (document.caretPositionFromPoint) {
    const pos = document.caretPositionFromPoint(x, y);
    return pos ? [pos.offsetNode, pos.offset] : null;
  }
  const range = document.caretRangeFromPoint && document.caretRangeFromPoint(x, y);
  return range ? [range.startContainer, range.startOffset] : null;
}

function select(key, scroll = false) {
  state.selected = key;
  state.pending = null;
  state.editing = false;
  render();
  if (scroll && key) {
    const mark = $("lanes").querySelector(`mark[data-spans~="${CSS.escape(key)}"]`);
    if (mark) mark.scrollIntoView({ block: "center" });
  }
}

async function act(promise, okText) {
  try {
    await promise;
    if (okText) message(okText, "success");
  } catch (err) {
    message(err.message);
  }
  state.editing = false;
  await load();
}

function accept(item, fields = {}) {
  return act(api.post(`${docUrl}/gold`, { span_id: item.id, ...fields }), "Accepted into gold.")
    .then(() => selectGoldFor(item, fields));
}

function selectGoldFor(item, fields) {
  const want = { label_id: item.label_id, start: item.start, end: item.end, ...fields };
  const gold = goldMatch(state.model, want);
  if (gold) select(gold.key);
}

function removeGold(item, reject) {
  const url = `${base}/gold/${item.id}?version=${item.version}${reject ? "&reject=1" : ""}`;
  state.selected = null;
  return act(api.del(url), reject ? "Rejected." : "Deleted.");
}

function edit(item) {
  state.editing = true;
  showEditor($("span-panel"), state.data.document.text, state.data.labels, item,
    (fields) => {
      if (item.kind === "gold") {
        act(api.patch(`${base}/gold/${item.id}`, { ...fields, version: item.version }), "Saved.");
      } else {
        accept(item, fields);
      }
    },
    () => { state.editing = false; render(); });
}

/** Annotator spans without an exact gold match, in text order. */
function candidates() {
  const out = [];
  for (const name of state.model.names) {
    for (const sp of state.model.lanes[name]) if (!goldMatch(state.model, sp)) out.push(sp);
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end || a.key.localeCompare(b.key));
}

function step(delta) {
  const list = candidates();
  if (!list.length) return message("Every annotator span is in gold.", "success");
  const at = list.findIndex((sp) => sp.key === state.selected);
  const next = at === -1 ? (delta > 0 ? 0 : list.length - 1) : (at + delta + list.length) % list.length;
  select(list[next].key, true);
}

function setStatus(status) {
  return act(api.put(`${docUrl}/status`, { status }), `Marked ${status.replace("_", " ")}.`);
}

const REASONS = {
  below_min_votes: "too few annotators", tie: "tied with an overlapping boundary",
  outvoted: "outvoted by an overlapping boundary", boundary_variant: "another boundary taken",
  duplicate: "marked twice by", overlaps_gold: "overlaps gold", rejected: "rejected",
  empty: "no characters",
};

function renderUnmerged() {
  const rows = state.data.unmerged || [];
  const chars = Array.from(state.data.document.text);
  $("unmerged").hidden = !rows.length;
  $("unmerged-count").textContent = String(rows.length);
  $("unmerged-list").replaceChildren(...rows.map((u) => el("li", {},
    el("span", { class: "span-label" }, u.label), ` “${chars.slice(u.start, u.end).join("")}” `,
    el("span", { class: "reason" }, `${REASONS[u.reason] || u.reason} (${u.annotators.join(", ")})`))));
}

function renderAnswers() {
  const { data, model } = state;
  const table = $("answers-table");
  table.textContent = "";
  $("answers").hidden = !data.questions.length;
  table.append(el("thead", {}, el("tr", {}, el("th", {}, "Question"),
    ...model.names.map((n) => el("th", {}, n)), el("th", {}, "Gold"))));
  const body = el("tbody");
  for (const q of data.questions) {
    const given = data.annotator_answers[String(q.id)] || {};
    const gold = data.gold_answers[String(q.id)] || "";
    const pick = el("select", {
      class: "gold-answer", dataset: { question: q.id }, "aria-label": `Gold answer: ${q.text}`,
    },
      el("option", { value: "" }, "— open —"),
      ...q.options.map((o) => el("option", { value: o, selected: o === gold }, o)));
    body.append(el("tr", {}, el("th", {}, q.text),
      ...model.names.map((n) => el("td", {}, given[n] || "")), el("td", {}, pick)));
  }
  table.append(body);
}

function onKey(event) {
  if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
  const item = current();
  const key = event.key.toLowerCase();
  if (key === "escape") select(null);
  else if (key === "j") step(1);
  else if (key === "k") step(-1);
  else if (key === "c") setStatus("curated");
  else if (key === "n" && cfg.nextUrl) window.location.assign(cfg.nextUrl);
  else if (!item || state.editing) return;
  else if (key === "a" && item.kind !== "gold" && !goldMatch(state.model, item)) accept(item);
  else if (key === "e") edit(item);
  else if ((key === "delete" || key === "backspace") && item.kind === "gold") removeGold(item, false);
  else if (key === "r" && item.kind === "gold") removeGold(item, true);
  else return;
  event.preventDefault();
}

function wire() {
  $("lanes").addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest(".bound-handle")) return;
    const fold = event.target.closest && event.target.closest(".show-fold");
    if (fold) {
      unfold(Number(fold.dataset.s), Number(fold.dataset.e));
      return;
    }
    const key = keyAt(event.target);
    if (key) select(key);
  });
  $("gold-list").addEventListener("click", (event) => {
    const link = event.target.closest("[data-key]");
    if (!link) return;
    event.preventDefault();
    select(link.dataset.key, true);
  });
  $("span-panel").addEventListener("click", (event) => {
    const item = current();
    const id = event.target.closest("button")?.id;
    if (!item || !id) return;
    if (id === "accept-span") accept(item);
    else if (id === "edit-accept" || id === "edit-gold") edit(item);
    else if (id === "delete-gold") removeGold(item, false);
    else if (id === "reject-gold") removeGold(item, true);
  });
  $("curation-status").addEventListener("change", (event) => setStatus(event.target.value));
  $("answers-table").addEventListener("change", (event) => {
    const pick = event.target.closest(".gold-answer");
    if (!pick) return;
    const url = `${docUrl}/answers/${pick.dataset.question}`;
    act(api.put(url, { value: pick.value || null }), "Gold answer saved.");
  });
  $("merge-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const raw = $("min-votes").value.trim();
    const body = { match: $("match").value, min_votes: raw ? Number(raw) : null };
    api.post(`${docUrl}/merge`, body)
      .then((res) => message(`Pre-filled ${res.gold_spans_added} gold spans, ${res.gold_answers_added} answers.`, "success"))
      .catch((err) => message(err.message))
      .then(load);
  });
  $("compact-toggle").addEventListener("change", (event) => setCompact(event.target.checked));
  wireHandles();
  document.addEventListener("keydown", onKey);
}

/** Show a folded stretch, and move the focus to the text now shown there. */
function unfold(s, e) {
  state.unfolded.push([s, e]);
  render();
  const block = [...$("lanes").querySelectorAll(".lane-para")]
    .find((b) => Number(b.dataset.s) <= s && Number(b.dataset.e) > s) ||
    [...$("lanes").querySelectorAll(".lane-para")].find((b) => Number(b.dataset.s) >= s);
  if (block) {
    block.tabIndex = -1;
    block.focus();
  }
}

state.compact = storedCompact();
$("compact-toggle").checked = state.compact;
wire();
load().catch((err) => {
  $("lanes").textContent = "";
  message(`The article could not be loaded: ${err.message}`);
});
