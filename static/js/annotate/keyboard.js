// Keyboard: arrows move a caret in the article and Shift+arrows select; shortcuts become page
// actions.

import { labelForKey } from "./palette.js";

const DIRECTIONS = {
  ArrowLeft: "backward", ArrowRight: "forward", ArrowUp: "backward", ArrowDown: "forward",
  Home: "backward", End: "forward",
};

/** Arrow keys in the focused article move a caret; with Shift they extend the selection. */
export function enableCaretSelection(article, view) {
  const caretAtStart = () => {
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(view.rangeFor(0, 0));
  };
  // Tabbing into the article puts a caret at its start (unless a selection is already there),
  // so the arrow keys move it at once: the text can be selected without a mouse.
  article.addEventListener("focus", () => {
    const selection = window.getSelection();
    const inside = selection.rangeCount && article.contains(selection.anchorNode);
    if (!inside && article.matches(":focus-visible") && view.chunks.length) caretAtStart();
  });
  article.addEventListener("keydown", (event) => {
    const direction = DIRECTIONS[event.key];
    if (!direction || event.metaKey) return;
    const selection = window.getSelection();
    if (!selection.rangeCount || !article.contains(selection.anchorNode)) caretAtStart();
    let granularity = event.ctrlKey || event.altKey ? "word" : "character";
    if (event.key === "ArrowUp" || event.key === "ArrowDown") granularity = "line";
    if (event.key === "Home" || event.key === "End") granularity = "lineboundary";
    selection.modify(event.shiftKey ? "extend" : "move", direction, granularity);
    event.preventDefault();
  });
}

const TYPING = "textarea, [contenteditable], input:not([type=checkbox]):not([type=radio])";

/**
 * The action a key press asks for: {type: "undo" | "redo" | "escape" | "delete"} or
 * {type: "label", label}; null for keys the page does not handle (or typing in a field).
 */
export function shortcutFor(event, labels) {
  const target = event.target.closest ? event.target : document.body;
  // Typing in a text field: every key is the field's. In a select, checkbox or radio button
  // only undo/redo are the page's (digits and arrows choose options there).
  if (target.closest(TYPING)) return null;
  const choosing = target.closest("select, input[type=checkbox], input[type=radio]");
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key;
  if (mod && (key === "z" || key === "Z")) return { type: event.shiftKey ? "redo" : "undo" };
  if (mod && key === "y") return { type: "redo" };
  if (mod || event.altKey || choosing) return null;
  if (key === "Escape") return { type: "escape" };
  if (key === "Delete" || key === "Backspace") return { type: "delete" };
  const label = labelForKey(labels, key);
  return label ? { type: "label", label } : null;
}
