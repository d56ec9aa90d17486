// Questions to the lead: the comment threads of this article (the annotator's own; leads see
// every annotator's, or the one they are viewing), a form for a new question about the article
// or the selected span, a reply box per thread and, for leads, resolve / reopen.

import { api } from "./api.js";
import { el } from "./dom.js";
import { message } from "./message.js";

const $ = (id) => document.getElementById(id);

export class Comments {
  /**
   * cfg: {url, lead, annotator (the lead's viewed annotator or null), selectedSpan() ->
   * {id, text} | null, pickSpan(id)}.
   */
  constructor(cfg) {
    this.cfg = cfg;
    this.list = $("comment-threads");
    this.form = $("comment-form");
    this.body = $("comment-body");
    this.aboutSpan = $("comment-about-span");
    this.threads = [];
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.ask();
    });
  }

  url(query = {}) {
    const params = new URLSearchParams(query);
    return params.toString() ? `${this.cfg.url}?${params}` : this.cfg.url;
  }

  async load() {
    try {
      const data = await api.get(this.url(this.cfg.annotator ? { annotator: this.cfg.annotator } : {}));
      this.threads = data.threads;
    } catch (err) {
      message(`The questions could not be loaded: ${err.message}`);
      return;
    }
    this.render();
  }

  /** The selected span changed: offer (or withdraw) "about the selected span". */
  spanSelected(span) {
    const usable = Boolean(span);
    this.aboutSpan.disabled = !usable;
    if (!usable) this.aboutSpan.checked = false;
    this.aboutSpan.parentElement.title = usable ? `“${span.text}”` : "Select a span first";
  }

  async ask() {
    const text = this.body.value.trim();
    if (!text) {
      this.body.focus();
      return;
    }
    const payload = { body: text };
    const span = this.aboutSpan.checked ? this.cfg.selectedSpan() : null;
    if (span && !span.id) {
      message("That span is not saved yet; try again in a moment.", "info");
      return;
    }
    if (span) payload.span_id = span.id;
    if (this.cfg.annotator) payload.annotator = this.cfg.annotator;
    await this.send(payload, () => {
      this.body.value = "";
      this.aboutSpan.checked = false;
    });
  }

  async send(payload, done) {
    try {
      const thread = await api.post(this.cfg.url, payload);
      const i = this.threads.findIndex((t) => t.id === thread.id);
      if (i === -1) this.threads.push(thread);
      else this.threads[i] = thread;
      done?.();
      this.render();
      $(`thread-${thread.id}`)?.querySelector(".thread-status")?.focus?.();
    } catch (err) {
      message(`Not sent: ${err.message}`);
    }
  }

  async resolve(thread, resolved) {
    try {
      const base = this.cfg.url.split("/documents/")[0];
      const updated = await api.post(`${base}/comments/${thread.id}/resolve`, { resolved });
      this.threads[this.threads.indexOf(thread)] = updated;
      this.render();
    } catch (err) {
      message(`Not changed: ${err.message}`);
    }
  }

  render() {
    $("comment-count").textContent = String(this.threads.filter((t) => !t.resolved).length);
    this.list.textContent = "";
    for (const thread of this.threads) this.list.append(this.item(thread));
  }

  item(thread) {
    const li = el("li", {
      id: `thread-${thread.id}`, class: thread.resolved ? "thread resolved" : "thread",
      dataset: { threadId: thread.id },
    });
    const head = el("p", { class: "thread-head" },
      el("strong", {}, thread.author),
      this.cfg.lead && thread.annotator !== thread.author ? ` (to ${thread.annotator})` : "",
      " ",
      el("span", { class: "thread-status", tabindex: "-1" }, thread.resolved ? "resolved" : "open"));
    if (thread.span) {
      const about = el("button", { type: "button", class: "link thread-span" },
        `about “${thread.span.text}”`);
      about.addEventListener("click", () => this.cfg.pickSpan(thread.span.id));
      head.append(" · ", about);
    }
    li.append(head, el("p", { class: "thread-body" }, thread.body));
    for (const reply of thread.replies) {
      li.append(el("p", { class: "thread-reply" }, el("strong", {}, reply.author), `: ${reply.body}`));
    }
    const input = el("input", {
      type: "text", class: "reply-body", maxlength: "5000", "aria-label": "Reply",
      placeholder: "Reply…", autocomplete: "off",
    });
    const form = el("form", { class: "reply-form" }, input,
      el("button", { type: "submit" }, "Reply"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (input.value.trim()) this.send({ body: input.value, parent_id: thread.id });
    });
    li.append(form);
    if (this.cfg.lead) {
      const toggle = el("button", { type: "button", class: "resolve-button" },
        thread.resolved ? "Reopen" : "Resolve");
      toggle.addEventListener("click", () => this.resolve(thread, !thread.resolved));
      li.append(toggle);
    }
    return li;
  }
}
