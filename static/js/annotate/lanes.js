// Leads: every annotator's spans of an article, one lane per annotator under each paragraph.

import { el } from "./dom.js";
import { layout, renderRange } from "./render.js";

export function renderLanes(container, text, lanes, offsetMap) {
  const names = Object.keys(lanes).sort();
  const byName = new Map(
    names.map((name) => [
      name,
      lanes[name].map((span) => ({
        ...span, key: `${name}:${span.id}`,
        s16: offsetMap.toUtf16(span.start), e16: offsetMap.toUtf16(span.end),
      })),
    ]),
  );
  const frag = document.createDocumentFragment();
  frag.append(
    el("p", { class: "lanes-legend" }, `${names.length} annotators: `,
      ...names.map((n) => el("span", { class: "lane-name" }, `${n} (${lanes[n].length})`))),
  );
  for (const para of layout(text, Number.MAX_SAFE_INTEGER)) {
    if (!text.slice(para.s, para.e).trim()) continue;
    const block = el("section", { class: "lane-para", dataset: { s: para.s } });
    for (const name of names) {
      const spans = byName.get(name).filter((sp) => sp.s16 < para.e && sp.e16 > para.s);
      const body = el("div", { class: "lane-text" });
      renderRange(body, text, para.s, para.e, spans);
      block.append(el("div", { class: "lane", dataset: { annotator: name } },
        el("div", { class: "lane-who" }, name), body));
    }
    frag.append(block);
  }
  container.textContent = "";
  container.append(frag);
  container.hidden = false;
}
