// The editor for the selected span: label, attributes (choice, text, boolean, link), note,
// delete. It only reports the annotator's intent; annotate.js applies and saves it.

import { el } from "./dom.js";

export class SpanPanel {
  /**
   * actions: label(key, labelId), attribute(key, name, value), note(key, text), remove(key),
   * link(key, name) (start picking a target span), describeLink(value) -> text,
   * follow(targetKey) (select the span a link points at).
   */
  constructor(container, labels, readOnly, actions) {
    this.container = container;
    this.labels = labels;
    this.readOnly = readOnly;
    this.actions = actions;
    this.key = null;
  }

  /** Keyboard focus back on an attribute's link button (after picking a target). */
  focusLink(name) {
    this.container.querySelector(`.link-button[data-attr="${CSS.escape(name)}"]`)?.focus();
  }

  hide() {
    this.key = null;
    this.container.hidden = true;
    this.container.textContent = "";
  }

  show(span, { linking = null } = {}) {
    this.key = span.key;
    const ro = this.readOnly;
    const label = this.labels.find((lb) => lb.id === span.label_id);
    const labelSelect = el(
      "select",
      { id: "span-label", disabled: ro },
      ...this.labels.map((lb) =>
        el("option", { value: String(lb.id), selected: lb.id === span.label_id }, lb.name),
      ),
    );
    labelSelect.addEventListener("change", () =>
      this.actions.label(span.key, Number(labelSelect.value)),
    );
    const note = el("textarea", { id: "span-note", rows: "3", maxlength: "5000", disabled: ro });
    note.value = span.note || "";
    note.addEventListener("change", () => this.actions.note(span.key, note.value));
    const remove = el("button", { type: "button", id: "delete-span", class: "danger", disabled: ro },
      "Delete");
    remove.addEventListener("click", () => this.actions.remove(span.key));

    this.container.textContent = "";
    this.container.append(
      el("h2", {}, "Selected span"),
      el("p", { class: "selected-text" }, el("q", {}, span.text)),
      el("label", { class: "field" }, "Label", labelSelect),
      ...(label?.attributes || []).map((def) => this.attributeField(span, def, linking)),
      el("label", { class: "field" }, "Note", note),
      el("div", { class: "panel-actions" }, remove, el("small", {}, " or press Delete")),
    );
    this.container.dataset.key = span.key;
    this.container.hidden = false;
  }

  attributeField(span, def, linking) {
    const value = span.attributes?.[def.name];
    const ro = this.readOnly;
    const set = (v) => this.actions.attribute(span.key, def.name, v);
    const data = { dataset: { attr: def.name }, disabled: ro };
    if (def.type === "choice") {
      const select = el(
        "select",
        data,
        el("option", { value: "" }, "—"),
        ...(def.options || []).map((o) => el("option", { value: o, selected: o === value }, o)),
      );
      select.addEventListener("change", () => set(select.value || null));
      return el("label", { class: "field" }, def.name, select);
    }
    if (def.type === "boolean") {
      const box = el("input", { type: "checkbox", checked: value === true, ...data });
      box.addEventListener("change", () => set(box.checked));
      return el("label", { class: "field checkbox" }, box, ` ${def.name}`);
    }
    if (def.type === "text") {
      const input = el("input", { type: "text", maxlength: "2000", ...data });
      input.value = typeof value === "string" ? value : "";
      input.addEventListener("change", () => set(input.value || null));
      return el("label", { class: "field" }, def.name, input);
    }
    // link: another span (click "link", then the span) or free text
    const picking = linking === def.name;
    const target = el("span", { class: "link-target" }, this.actions.describeLink(value));
    const pick = el(
      "button",
      { type: "button", class: picking ? "link-button active" : "link-button", ...data },
      picking ? "Click the target span, or Enter on it in the list… (Esc cancels)" : "link",
    );
    pick.addEventListener("click", () => this.actions.link(span.key, def.name));
    const free = el("input", { type: "text", placeholder: "or type a name", maxlength: "2000",
      class: "link-text", ...data });
    free.value = typeof value === "string" ? value : "";
    free.addEventListener("change", () => set(free.value || null));
    const clear = el("button", { type: "button", class: "link", disabled: ro }, "clear");
    clear.addEventListener("click", () => set(null));
    // Follow the link: select the span it points at (keyboard users have no arc to click).
    const targetKey = value && typeof value === "object" ? value.$key : null;
    const follow = targetKey
      ? el("button", { type: "button", class: "link follow-link", dataset: { attr: def.name } },
        "go to")
      : null;
    follow?.addEventListener("click", () => this.actions.follow(targetKey));
    return el("div", { class: "field link-field" }, el("span", {}, def.name),
      el("div", { class: "link-row" }, target, follow, pick, clear), free);
  }
}
