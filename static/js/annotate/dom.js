// Tiny DOM helpers: build elements from text and children only (no HTML strings).

/** el("button", {class: "x", dataset: {id: 1}, type: "button"}, "text", child) */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "color") setColor(node, value);
    else if (name in node && typeof value !== "string") node[name] = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Label colours reach CSS through a custom property (the CSP forbids style attributes). */
export function setColor(node, color) {
  if (/^#[0-9a-fA-F]{6}$/.test(color || "")) node.style.setProperty("--label-color", color);
}

export const safeColor = (color) => (/^#[0-9a-fA-F]{6}$/.test(color || "") ? color : "#9ca3af");
