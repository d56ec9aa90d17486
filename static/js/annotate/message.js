// The page's one message line (errors and hints), hidden again after a while.

let timer = null;

export function message(text, kind = "error") {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = `flash flash-${kind}`;
  box.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => (box.hidden = true), 8000);
}
