// The side panel: the selected annotator or gold span, its actions, and the edit form.

import { el } from "../annotate/dom.js";

const button = (id, text, kbd, cls = "") =>
  el("button", { type: "button", id, class: cls }, text, kbd ? el("kbd", {}, kbd) : null);

/** A ± button of the edit form, named for screen readers by what it does. */
const nudgeButton = (id, text, label) =>
  el("button", { type: "button", id, "aria-label": label, title: label }, text);

/** Count annotators with exactly this label and boundaries. */
function exactVotes(model, item) {
  return model.names.filter((name) => model.lanes[name].some(
    (sp) => sp.label_id === item.label_id && sp.start === item.start && sp.end === item.end,
  )).length;
}

export function goldMatch(model, item) {
  return model.gold.find((g) => g.label_id === item.label_id && g.start === item.start &&
    g.end === item.end) || null;
}

/** A link attribute's value (a span id) as the linked span's label and text. */
function shown(model, item, value) {
  if (typeof value !== "number") return String(value);
  const pool = item.kind === "gold" ? model.gold : model.lanes[item.who] || [];
  const target = pool.find((sp) => sp.id === value);
  return target ? `→ ${target.label} “${target.text}”` : String(value);
}

/** Split attribute votes auto-merge left open: each annotator's value. */
function disputeList(disputes) {
  const entries = Object.entries(disputes || {});
  if (!entries.length) return null;
  return el("div", { class: "disputes", id: "disputes" },
    el("p", { class: "dispute-head" }, "Annotators disagree (left open):"),
    el("ul", { class: "attrs" }, ...entries.map(([name, votes]) => el("li", {}, `${name}: `,
      Object.entries(votes).map(([who, v]) => `${who} ${v === null ? "(none)" : v}`).join(" · ")))));
}

export function showSpan(panel, model, item) {
  panel.textContent = "";
  if (!item) {
    panel.append(el("p", { class: "empty" }, "Select a span."));
    return;
  }
  const isGold = item.kind === "gold";
  const attrs = Object.entries(item.attributes || {});
  const notes = Object.entries(item.notes || {});
  const parts = [
    el("h2", {}, isGold ? "Gold span" : `${item.who}'s span`),
    el("p", {}, el("strong", { class: "span-label" }, item.label)),
    el("blockquote", { class: "selected-text" }, item.text),
    attrs.length ? el("ul", { class: "attrs" },
      ...attrs.map(([k, v]) => el("li", {}, `${k}: ${shown(model, item, v)}`))) : null,
    !isGold && item.note ? el("p", { class: "note" }, `Note: ${item.note}`) : null,
    isGold ? disputeList(item.disputes) : null,
    notes.length ? el("ul", { class: "attrs notes" },
      ...notes.map(([who, note]) => el("li", {}, `${who}'s note: ${note}`))) : null,
  ];
  // Node.append would write a null as the text "null"
  panel.append(...parts.filter((part) => part !== null));
  if (isGold) {
    panel.append(
      el("p", { class: "hint" }, `Supported by ${(item.provenance || []).join(", ") || "nobody"}`,
        ` · ${item.source === "auto" ? "auto-merged" : "curated"}`),
      el("div", { class: "panel-actions" }, button("edit-gold", "Edit ", "E"),
        button("delete-gold", "Delete ", "Del", "danger"),
        button("reject-gold", "Reject ", "R", "danger")),
    );
    return;
  }
  const votes = exactVotes(model, item);
  const already = goldMatch(model, item);
  panel.append(el("p", { class: "hint", id: "exact-votes" },
    `${votes} of ${model.names.length} annotators marked exactly this.`));
  if (already) {
    panel.append(el("p", { class: "flash flash-success" }, "Already in gold."));
    const disputes = disputeList(already.disputes);
    if (disputes) panel.append(disputes);
    return;
  }
  panel.append(el("div", { class: "panel-actions" },
    button("accept-span", "Accept into gold ", "A", "primary"),
    button("edit-accept", "Edit, then accept ", "E")));
}

/**
 * The edit form for `item` (annotator span or gold span); `onSave(fields)` gets
 * {label_id, start, end, text, attributes} with code-point offsets.
 */
export function showEditor(panel, text, labels, item, onSave, onCancel) {
  panel.textContent = "";
  const chars = Array.from(text);
  const labelSelect = el("select", { id: "edit-label" },
    ...labels.map((lb) => el("option", { value: lb.id, selected: lb.id === item.label_id }, lb.name)));
  const start = el("input", { id: "edit-start", type: "number", min: 0, value: item.start });
  const end = el("input", { id: "edit-end", type: "number", min: 1, value: item.end });
  const preview = el("blockquote", { class: "selected-text", id: "edit-preview" });
  const attrBox = el("div", { class: "attr-fields" });
  const refresh = () => {
    preview.textContent = chars.slice(Number(start.value), Number(end.value)).join("");
  };
  const fillAttrs = () => {
    attrBox.textContent = "";
    const label = labels.find((lb) => lb.id === Number(labelSelect.value));
    for (const def of (label && label.attributes) || []) {
      if (def.type === "link") continue;
      const value = Number(labelSelect.value) === item.label_id ? (item.attributes || {})[def.name] : undefined;
      let input;
      if (def.type === "choice") {
        input = el("select", { dataset: { attr: def.name, type: def.type } }, el("option", { value: "" }, "—"),
          ...def.options.map((o) => el("option", { value: o, selected: o === value }, o)));
      } else if (def.type === "boolean") {
        input = el("input", { type: "checkbox", checked: value === true, dataset: { attr: def.name, type: def.type } });
      } else {
        input = el("input", { type: "text", value: value || "", dataset: { attr: def.name, type: def.type } });
      }
      attrBox.append(el("label", { class: "field" }, def.name, input));
    }
  };
  const nudge = (input, delta) => () => {
    input.value = Math.max(0, Math.min(chars.length, Number(input.value) + delta));
    refresh();
  };
  start.addEventListener("input", refresh);
  end.addEventListener("input", refresh);
  labelSelect.addEventListener("change", fillAttrs);
  const form = el("form", { id: "edit-form", class: "edit-form" },
    el("h2", {}, item.kind === "gold" ? "Edit gold span" : "Accept with changes"),
    el("label", { class: "field" }, "Label", labelSelect),
    el("div", { class: "bounds" },
      el("label", {}, "Start ", start), nudgeButton("start-minus", "−", "Start one character earlier"),
      nudgeButton("start-plus", "+", "Start one character later"),
      el("label", {}, " End ", end), nudgeButton("end-minus", "−", "End one character earlier"),
      nudgeButton("end-plus", "+", "End one character later")),
    preview, attrBox,
    el("div", { class: "panel-actions" },
      el("button", { type: "submit", class: "primary", id: "edit-save" },
        item.kind === "gold" ? "Save gold" : "Accept into gold"),
      el("button", { type: "button", class: "link", id: "edit-cancel" }, "Cancel")));
  panel.append(form);
  form.querySelector("#start-minus").addEventListener("click", nudge(start, -1));
  form.querySelector("#start-plus").addEventListener("click", nudge(start, 1));
  form.querySelector("#end-minus").addEventListener("click", nudge(end, -1));
  form.querySelector("#end-plus").addEventListener("click", nudge(end, 1));
  form.querySelector("#edit-cancel").addEventListener("click", onCancel);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const s = Number(start.value);
    const e = Number(end.value);
    const attributes = {};
    for (const input of attrBox.querySelectorAll("[data-attr]")) {
      const v = input.dataset.type === "boolean" ? input.checked : input.value;
      if (v !== "" && v !== false) attributes[input.dataset.attr] = v;
    }
    onSave({ label_id: Number(labelSelect.value), start: s, end: e,
      text: chars.slice(s, e).join(""), attributes });
  });
  refresh();
  fillAttrs();
  labelSelect.focus();
}
