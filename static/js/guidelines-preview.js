// The settings page's live preview of the guidelines: while the lead types, the Markdown is
// sent (debounced) to the server, which renders and sanitises it exactly as annotators will
// see it; only the latest answer is shown. The HTML comes from the server's sanitiser (nh3).
const section = document.getElementById("guidelines-preview");
const box = document.getElementById("guidelines");
const DELAY = 300; // ms after the last keystroke

if (section && box) {
  const body = document.getElementById("preview-body");
  const status = document.getElementById("preview-status");
  const csrf = document.querySelector('meta[name="csrf-token"]');
  let timer = null;
  let sent = 0; // number of the latest request; older answers are dropped
  let shown = box.value;
  let inFlight = null;

  const say = (text) => {
    if (status.textContent !== text) status.textContent = text;
  };

  async function update() {
    const markdown = box.value;
    if (markdown === shown) return;
    const mine = ++sent;
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    section.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(section.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrf ? csrf.content : "",
        },
        body: JSON.stringify({ markdown }),
        signal: inFlight.signal,
      });
      if (mine !== sent) return;
      const data = await response.json().catch(() => ({}));
      if (!response.ok || typeof data.html !== "string") {
        // e.g. signed out meanwhile: the answer is the login page, not a preview
        say(`Preview not updated: ${data.error || `the server answered ${response.status}; reload the page`}`);
        return;
      }
      body.innerHTML = data.html;
      shown = markdown;
      say("Preview of the unsaved text (save to make it the next version).");
    } catch (error) {
      if (error.name !== "AbortError" && mine === sent) say("Preview not updated: the server could not be reached.");
    } finally {
      if (mine === sent) section.removeAttribute("aria-busy");
    }
  }

  box.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, DELAY);
  });
  section.dataset.ready = "true";
}
