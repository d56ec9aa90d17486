// The side list of spans in text order; clicking one selects it and scrolls to it.

import { el } from "./dom.js";

const SNIPPET = 90;

export class SpanList {
  /** `describeLink(value)`: the words for a link attribute's target ("→ “Okafor”"). */
  constructor(list, counter, labelsById, onPick, describeLink = null) {
    this.list = list;
    this.describeLink = describeLink;
    this.counter = counter;
    this.labelsById = labelsById;
    list.addEventListener("click", (event) => {
      const item = event.target.closest("li[data-key]");
      if (item) onPick(item.dataset.key);
    });
    list.addEventListener("keydown", (event) => {
      const item = event.target.closest("li[data-key]");
      if (item && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        onPick(item.dataset.key);
      }
    });
  }

  item(span, selectedKey) {
    const label = this.labelsById.get(span.label_id);
    const text = span.text.length > SNIPPET ? `${span.text.slice(0, SNIPPET)}…` : span.text;
    return el(
      "li",
      {
        class: span.key === selectedKey ? "span-item selected" : "span-item",
        dataset: { key: span.key, ...(span.id ? { spanId: span.id } : {}) },
      },
      el(
        "span",
        { class: "span-pick", role: "button", tabindex: "0" },
        el("span", { class: "swatch", color: label?.color, "aria-hidden": "true" }),
        el("span", { class: "span-label" }, label ? label.name : span.label),
        " ",
        el("q", { class: "span-text" }, text),
        span.note ? el("span", { class: "span-note-flag", title: span.note }, " ✎") : null,
        this.attributesLine(span),
      ),
    );
  }

  /** The span's attribute values in words: "speaker → “Okafor” · direct: yes". */
  attributesLine(span) {
    const parts = [];
    for (const [name, value] of Object.entries(span.attributes || {})) {
      if (value === null || value === undefined || value === "") continue;
      if (value === true) parts.push(`${name}: yes`);
      else if (value === false) parts.push(`${name}: no`);
      else if (typeof value === "object" || Number.isInteger(value)) {
        parts.push(`${name} ${this.describeLink ? this.describeLink(value) : `→ ${value}`}`);
      } else parts.push(`${name}: ${value}`);
    }
    return parts.length ? el("span", { class: "span-attrs" }, parts.join(" · ")) : null;
  }

  render(spans, selectedKey) {
    const frag = document.createDocumentFragment();
    for (const span of spans) frag.append(this.item(span, selectedKey));
    this.list.textContent = "";
    this.list.append(frag);
    this.counter.textContent = String(spans.length);
    this.ready = true;
  }

  /** Insert or refresh one entry; `sorted` is every span in text order. */
  upsert(span, sorted, selectedKey) {
    if (!this.ready) return;
    this.remove(span.key);
    const index = sorted.findIndex((s) => s.key === span.key);
    this.list.insertBefore(this.item(span, selectedKey), this.list.children[index] || null);
    this.counter.textContent = String(sorted.length);
  }

  remove(key, count = null) {
    this.find(key)?.remove();
    if (count !== null) this.counter.textContent = String(count);
  }

  find(key) {
    return this.list.querySelector(`li[data-key="${CSS.escape(key)}"]`);
  }

  select(key) {
    for (const item of this.list.querySelectorAll("li.selected")) {
      item.classList.remove("selected");
      item.firstChild?.removeAttribute("aria-current");
    }
    if (!key) return;
    const item = this.find(key);
    if (item) {
      item.classList.add("selected");
      item.firstChild?.setAttribute("aria-current", "true");
      item.scrollIntoView({ block: "nearest" });
    }
  }

  /** Keyboard focus on a span's entry (after following a link to it, say). */
  focus(key) {
    this.find(key)?.querySelector(".span-pick")?.focus();
  }
}
