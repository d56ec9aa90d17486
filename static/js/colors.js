// Paint label swatches from data-color (the CSP forbids inline style attributes).
"use strict";
for (const el of document.querySelectorAll("[data-color]")) {
  const color = el.dataset.color;
  if (/^#[0-9a-fA-F]{6}$/.test(color)) el.style.setProperty("--label-color", color);
}
