// "Done" and "Skip" (with a reason): wait for unsent changes, set the status, open the next
// article (or the project when there is none). Done waits for the required questions (the
// server refuses too) and, on an article without spans, asks once: a Done with no spans is a
// vote for "nothing here" in majority votes.

import { api } from "./api.js";
import { message } from "./message.js";

const $ = (id) => document.getElementById(id);

/** The required questions (fieldsets marked ``required``) without a checked answer. */
function unanswered() {
  return Array.from(document.querySelectorAll("fieldset.question.required"))
    .filter((group) => !group.querySelector("input:checked"))
    .map((group) => group.querySelector("legend").textContent.replace(/\s*\*$/, ""));
}

export function setupFinish({
  assignment, readOnly, queue, statusUrl, pageUrl, nextUrl, spanCount = () => 1,
}) {
  if (readOnly || !assignment) {
    $("finish").hidden = true;
    $("assignment-status").hidden = true;
    return;
  }
  $("assignment-status").textContent = assignment.status.replace("_", " ");
  const form = $("skip-form");
  const buttons = [$("done-button"), $("skip-button")];

  async function finish(status, reason) {
    buttons.forEach((b) => (b.disabled = true));
    try {
      await queue.drained(15000);
      const result = await api.post(statusUrl, { status, reason });
      const next = result.next_document_id;
      if (result.feedback_url) {  // a training article: see your spans beside the gold first
        window.location.assign(result.feedback_url);
        return;
      }
      window.location.assign(
        next ? `${pageUrl.replace(/\/documents\/\d+\//, `/documents/${next}/`)}?via=next` : nextUrl,
      );
    } catch (err) {
      message(err.message === "unsent changes"
        ? "Some changes are not saved yet; finish again once they are (see the status)."
        : `Could not finish: ${err.message}`);
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  $("done-button").addEventListener("click", () => {
    const missing = unanswered();
    if (missing.length) {
      message(`Answer the required question before marking Done: ${missing.join("; ")}`);
      const first = document.querySelector("fieldset.question.required:not(:has(input:checked)) input");
      if (first) first.focus();
      return;
    }
    if (spanCount() === 0 && !window.confirm("No spans — mark done anyway?")) return;
    finish("done", "");
  });
  $("skip-button").addEventListener("click", () => {
    form.hidden = false;
    $("skip-reason").focus();
  });
  $("skip-cancel").addEventListener("click", () => (form.hidden = true));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = $("skip-reason").value.trim();
    if (!reason) message("Say why you skip this article.", "info");
    else finish("skipped", reason);
  });
}
