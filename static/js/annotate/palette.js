// The label palette: colour, name and shortcut of each label.

import { el } from "./dom.js";

export function renderPalette(container, labels, { onPick, readOnly }) {
  container.textContent = "";
  for (const label of labels) {
    const button = el(
      "button",
      {
        type: "button", class: "label-button", color: label.color, disabled: readOnly,
        dataset: { labelId: label.id, shortcut: label.shortcut || "" },
        title: label.description || label.name,
      },
      el("span", { class: "swatch", color: label.color, "aria-hidden": "true" }),
      el("span", { class: "label-name" }, label.name),
      label.shortcut ? el("kbd", {}, label.shortcut) : null,
    );
    // Keep the text selection: the click must not move focus out of the article.
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => onPick(label.id));
    container.append(button);
  }
}

/** The label whose shortcut is `key`: its own shortcut, else 1-9 by position. */
export function labelForKey(labels, key) {
  const own = labels.find((label) => label.shortcut && label.shortcut === key);
  if (own) return own;
  if (/^[1-9]$/.test(key) && !labels.some((label) => label.shortcut)) {
    return labels[Number(key) - 1] || null;
  }
  return null;
}
