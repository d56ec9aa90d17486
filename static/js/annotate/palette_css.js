// Label colours as classes (t-<id> tint, u<lane>-<id> underline) in a constructed stylesheet:
// segments then carry class names only, which is much cheaper to render than one inline
// custom property per segment. CSSOM is not inline style, so the CSP allows it.

import { safeColor } from "./dom.js";
import { MAX_LANES } from "./render.js";

export function installLabelStyles(labels) {
  const rules = [];
  for (const label of labels) {
    const id = Number(label.id);
    const color = safeColor(label.color);
    rules.push(`mark.hl.t-${id} { --tint: ${color}; }`);
    for (let lane = 0; lane < MAX_LANES; lane++) {
      rules.push(`mark.hl.u${lane}-${id} { --u${lane}: ${color}; }`);
    }
  }
  const css = rules.join("\n");
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    const link = document.querySelector('link[href*="annotate.css"]');
    for (const rule of rules) link.sheet.insertRule(rule, link.sheet.cssRules.length);
  }
}
