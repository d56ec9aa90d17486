// Model suggestions: the project's latest model's predicted spans, drawn as dashed "ghost"
// highlights (render.js) and listed in the side panel. Accepting one (click it, or select it
// and press Enter) creates a real span through the page's normal path with source
// "suggestion" (undo, the save queue and the span list included); dismissing one (its ✕, or
// Esc / Delete while it is selected) hides it. Each shows the model's confidence; both answers
// are recorded (POST …/suggestions/decisions) for the precision on the model page.

import { api, ApiError } from "./api.js";
import { el, safeColor } from "./dom.js";

const TYPING = "input, textarea, select, button, a, [contenteditable]";

export class Suggestions {
  /** `page` is the AnnotatePage (text, offsets, labelsById, view, addSpan, deselect). */
  constructor(page, url) {
    this.page = page;
    this.url = url;
    this.ghosts = new Map(); // key -> {key, ghost, label_id, start, end, s16, e16, text, score}
    this.selected = null;
    this.list = null;
  }

  async load() {
    let data;
    try {
      data = await api.get(this.url);
    } catch (err) {
      // The project's model server is down or off-protocol: say so, the page works without.
      if (err instanceof ApiError && err.status === 502) this.showError(err.message);
      return; // turned off meanwhile, or no network: the page works without them
    }
    this.threshold = data.threshold;
    const { offsets, labelsById, text } = this.page;
    (data.suggestions || []).forEach((s, i) => {
      if (!labelsById.has(s.label_id)) return;
      const s16 = offsets.toUtf16(s.start);
      const e16 = offsets.toUtf16(s.end);
      if (s16 >= e16 || text.slice(s16, e16) !== s.text) return;
      const key = `g${i}`;
      this.ghosts.set(key, { ...s, key, ghost: true, s16, e16 });
    });
    if (!this.ghosts.size) return;
    installGhostStyles([...labelsById.values()]);
    this.buildList();
    this.sync([...this.ghosts.values()]);
  }

  showError(message) {
    this.buildList();
    this.error.textContent = message;
    this.error.hidden = false;
    this.card.hidden = false;
  }

  /** Record the annotator's answer (accepted, dismissed, undecided) for the model page. */
  decide(ghost, decision) {
    const body = { label_id: ghost.label_id, start: ghost.start, end: ghost.end,
      score: ghost.score, decision };
    api.post(`${this.url}/decisions`, body).catch((err) => {
      console.warn("suggestion answer not recorded", err); // the span itself is saved apart
    });
  }

  /** Give the view the current ghosts and re-render where `changed` ones lie. */
  sync(changed) {
    const view = this.page.view;
    view.ghosts = [...this.ghosts.values()].sort((a, b) => a.s16 - b.s16);
    if (this.selected && !this.ghosts.has(this.selected)) this.selected = null;
    view.ghostKey = this.selected;
    view.update(changed.map((g) => [g.s16, g.e16]), this.page.store.sorted());
    this.renderList();
  }

  select(key, { scroll = false } = {}) {
    if (key && !this.ghosts.has(key)) key = null;
    if (key === this.selected) return;
    this.selected = key;
    this.page.view.selectGhost(key);
    for (const item of this.list?.querySelectorAll("li.selected") || []) {
      item.classList.remove("selected");
    }
    if (!key) return;
    this.page.deselect();
    this.list?.querySelector(`li[data-ghost="${key}"]`)?.classList.add("selected");
    if (scroll) this.page.view.ghostSegments(key)[0]?.scrollIntoView({ block: "center" });
  }

  accept(key) {
    const ghost = this.ghosts.get(key);
    if (!ghost) return;
    this.ghosts.delete(key); // the span's own redraw repaints this range
    this.sync([]);
    this.decide(ghost, "accepted");
    const body = {
      label_id: ghost.label_id, start: ghost.start, end: ghost.end,
      text: this.page.text.slice(ghost.s16, ghost.e16), attributes: {}, note: "",
      source: "suggestion",
    };
    this.page.addSpan(body, {
      undo: () => { this.restore(ghost); this.decide(ghost, "undecided"); },
      redo: () => { this.hide(ghost.key); this.decide(ghost, "accepted"); },
    });
  }

  /** Dismiss: hidden, and recorded (a dismissed suggestion is not offered again). */
  dismiss(key) {
    const ghost = this.ghosts.get(key);
    if (!ghost) return;
    this.hide(key);
    this.decide(ghost, "dismissed");
  }

  hide(key) {
    const ghost = this.ghosts.get(key);
    if (!ghost) return;
    this.ghosts.delete(key);
    this.sync([ghost]);
  }

  restore(ghost) {
    this.ghosts.set(ghost.key, ghost);
    this.sync([ghost]);
  }

  /** A click in the article; true when it was a ghost's (accepted). */
  click(target) {
    const live = this.ghosts.size && !this.page.linking;
    const mark = live ? target.closest("mark[data-ghosts]") : null;
    const keys = mark ? mark.dataset.ghosts.split(" ") : [];
    // Over a real span the click picks the span, unless this ghost is the selected one.
    const key = keys.includes(this.selected) ? this.selected
      : mark?.dataset.spans ? null : this.innermost(keys);
    if (!key) {
      this.select(null);
      return false;
    }
    this.accept(key);
    return true;
  }

  innermost(keys) {
    const ghosts = keys.map((k) => this.ghosts.get(k)).filter(Boolean);
    ghosts.sort((a, b) => a.e16 - a.s16 - (b.e16 - b.s16));
    return ghosts[0]?.key || null;
  }

  /** A key press anywhere; true when it acted on the selected ghost. */
  key(event) {
    if (!this.selected || event.ctrlKey || event.metaKey || event.altKey) return false;
    if (event.target.closest?.(TYPING)) return false;
    if (event.key === "Enter") this.accept(this.selected);
    else if (["Escape", "Delete", "Backspace"].includes(event.key)) this.dismiss(this.selected);
    else return false;
    return true;
  }

  // ---- the side list ----------------------------------------------------------------------

  buildList() {
    if (this.list) return;
    this.list = el("ol", { id: "suggestion-list", class: "suggestion-list" });
    this.count = el("span", { class: "role" });
    this.error = el("p", { id: "suggestion-error", class: "error", hidden: true });
    const cut = typeof this.threshold === "number"
      ? el("p", { id: "suggestion-threshold", class: "hint" },
        `Showing suggestions with a confidence of at least ${this.threshold.toFixed(2)}.`)
      : "";
    this.card = el("section", { id: "suggestion-card", class: "card suggestion-card" },
      el("h2", {}, "Suggestions ", this.count),
      el("p", { class: "hint" }, "Click a dashed suggestion (or select it and press Enter) ",
        "to accept it; ✕, Esc or Delete dismisses it."),
      cut, this.error, this.list);
    document.getElementById("span-panel")?.after(this.card);
    this.list.addEventListener("keydown", (event) => {
      const item = event.target.closest(".suggestion-pick")?.parentElement;
      if (!item) return;
      if (event.key === "Enter" || event.key === " ") this.accept(item.dataset.ghost);
      else if (["Escape", "Delete", "Backspace"].includes(event.key)) {
        this.dismiss(item.dataset.ghost);
      } else return;
      event.preventDefault();
      event.stopPropagation(); // not the page's shortcuts as well
    });
    this.list.addEventListener("click", (event) => {
      const item = event.target.closest("li[data-ghost]");
      if (!item) return;
      const action = event.target.closest("button")?.dataset.action;
      if (action === "accept") this.accept(item.dataset.ghost);
      else if (action === "dismiss") this.dismiss(item.dataset.ghost);
      else this.select(item.dataset.ghost, { scroll: true });
    });
  }

  renderList() {
    if (!this.list) return;
    const labels = this.page.labelsById;
    const ghosts = this.page.view.ghosts;
    this.list.textContent = "";
    for (const g of ghosts) {
      const label = labels.get(g.label_id);
      const text = g.text.length > 90 ? `${g.text.slice(0, 90)}…` : g.text;
      this.list.append(el("li",
        { class: g.key === this.selected ? "suggestion selected" : "suggestion",
          dataset: { ghost: g.key } },
        el("span", { class: "suggestion-pick", role: "button", tabindex: "0",
          title: `score ${g.score}` },
        el("span", { class: "swatch", color: label?.color, "aria-hidden": "true" }),
        el("span", { class: "span-label" }, label?.name || g.label), " ",
        el("span", { class: "suggestion-score", title: "the model's confidence" },
          g.score === null || g.score === undefined ? "–" : Number(g.score).toFixed(2)),
        " ", el("q", {}, text)),
        el("button", { type: "button", class: "link", dataset: { action: "accept" },
          title: "Accept", "aria-label": "Accept suggestion" }, "✓"),
        el("button", { type: "button", class: "link", dataset: { action: "dismiss" },
          title: "Dismiss", "aria-label": "Dismiss suggestion" }, "✕")));
    }
    this.count.textContent = String(ghosts.length);
    this.card.hidden = ghosts.length === 0 && this.error.hidden;
  }
}

/** Ghost colours as classes (g-<label id>), like palette_css.js does for spans. */
function installGhostStyles(labels) {
  const css = labels
    .map((label) => `mark.ghost.g-${Number(label.id)} { --ghost: ${safeColor(label.color)}; }`)
    .join("\n");
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    // Without constructable stylesheets ghosts keep the default grey.
  }
}
