// The label palette: colour, name and shortcut of each label.

import { el } from "./dom.js";

export function renderPalette(container, labels, { onPick, readOnly }) {
  container.textContent = "";
  for (const label of labels) {
    const key = keyOf(labels, label);
    const button = el(
      "button",
      {
        type: "button", class: "label-button", color: label.color, disabled: readOnly,
        dataset: { labelId: label.id, shortcut: label.shortcut || "" },
        title: label.description || label.name,
        "aria-keyshortcuts": key || undefined,
      },
      el("span", { class: "swatch", color: label.color, "aria-hidden": "true" }),
      el("span", { class: "label-name" }, label.name),
      key ? el("kbd", {}, key) : null,
    );
    // Keep the text selection: the click must not move focus out of the article.
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", () => onPick(label.id));
    container.append(button);
  }
  // The label bar is a toolbar: Left / Right (Home / End) move between its buttons.
  container.onkeydown = (event) => {
    const buttons = [...container.querySelectorAll("button.label-button")];
    const at = buttons.indexOf(document.activeElement);
    if (at === -1) return;
    const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    event.stopPropagation();
    buttons[(to + buttons.length) % buttons.length].focus();
  };
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

/** The key that picks `label` (the inverse of labelForKey), or null when it has none. */
export function keyOf(labels, label) {
  if (labels.some((lb) => lb.shortcut)) return label.shortcut || null;
  const i = labels.indexOf(label);
  return i >= 0 && i < 9 ? String(i + 1) : null;
}

/** The hint under the label bar: the real keys, "F Framing, c Claim, …". */
export function renderKeysHint(container, labels) {
  if (!container) return;
  const parts = labels.map((label) => [keyOf(labels, label), label.name]).filter(([k]) => k);
  container.textContent = "";
  if (!parts.length) {
    container.append("a label's button");
    return;
  }
  container.append("a label's key: ");
  parts.forEach(([key, name], i) => {
    if (i) container.append(", ");
    container.append(el("kbd", {}, key), ` ${name}`);
  });
}
