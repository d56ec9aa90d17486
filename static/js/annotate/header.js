// The page header: article title and meta line, the guidelines side panel.

import { el } from "./dom.js";

const $ = (id) => document.getElementById(id);

export function showMeta(doc) {
  $("doc-title").textContent = doc.title || doc.external_id || `Article ${doc.id}`;
  const parts = [doc.outlet, doc.author, doc.published && doc.published.slice(0, 10)];
  $("doc-meta").textContent = parts.filter(Boolean).join(" · ");
  if (doc.url && /^https?:\/\//.test(doc.url)) {
    $("doc-meta").append(" · ", el("a", { href: doc.url, rel: "noopener noreferrer" }, "source"));
  }
}

export function setupGuidelines() {
  const button = $("guidelines-button");
  const panel = $("guidelines-panel");
  const toggle = (open) => {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => toggle(panel.hidden));
  $("guidelines-close").addEventListener("click", () => toggle(false));
}

export function showStatus(text, state) {
  const box = $("save-status");
  box.textContent = text;
  box.dataset.state = state;
}
