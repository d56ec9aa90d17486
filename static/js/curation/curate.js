// The curation page's entry point: load the article with every annotator's spans and the gold
// spans, render the lanes, and turn clicks and keys into gold changes through the API.

import { api } from "../annotate/api.js";
import { el } from "../annotate/dom.js";
import { showMeta } from "../annotate/header.js";
import { message } from "../annotate/message.js";
import { OffsetMap } from "../annotate/offsets.js";
import { installLabelStyles } from "../annotate/palette_css.js";
import { goldMatch, showEditor, showSpan } from "./panel.js";
import { goldList, keyAt, prepare, renderCuration } from "./view.js";

const root = document.getElementById("curate");
const $ = (id) => document.getElementById(id);
const cfg = root.dataset;
const base = cfg.api; // .../api/v1/curation
const docUrl = `${base}/documents/${cfg.documentId}`;

const state = { data: null, model: null, offsets: null, selected: null, editing: false };
let stylesInstalled = false;

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
  renderCuration($("lanes"), data.document.text, model, state.selected);
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

function select(key, scroll = false) {
  state.selected = key;
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
  document.addEventListener("keydown", onKey);
}

wire();
load().catch((err) => {
  $("lanes").textContent = "";
  message(`The article could not be loaded: ${err.message}`);
});
