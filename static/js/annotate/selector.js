// Leads: choose whose version of the article to see (read-only), or all of them in lanes.

import { el } from "./dom.js";

export function renderSelector(select, { annotators, current, self, pageUrl }) {
  select.textContent = "";
  select.append(el("option", { value: "" }, `Yours (${self})`));
  for (const name of annotators) {
    if (name !== self) select.append(el("option", { value: name }, name));
  }
  select.append(el("option", { value: "*" }, "All annotators (lanes)"));
  select.value = current && current !== self ? current : "";
  select.addEventListener("change", () => {
    const v = select.value;
    window.location.assign(v ? `${pageUrl}?annotator=${encodeURIComponent(v)}` : pageUrl);
  });
}
