// The annotate page's entry point: read the article's data (in the page) and show it —
// the editable workspace, a lead's read-only view of one annotator, or all of them in lanes.

import { api } from "./api.js";
import { setupGuidelines, showMeta, showStatus } from "./header.js";
import { renderLanes } from "./lanes.js";
import { message } from "./message.js";
import { OffsetMap } from "./offsets.js";
import { installLabelStyles } from "./palette_css.js";
import { renderSelector } from "./selector.js";
import { AnnotatePage } from "./workspace.js";

const timings = { start: performance.now() };
window.annotatorTimings = timings; // read by benchmarks/render.py

const root = document.getElementById("annotate");
const $ = (id) => document.getElementById(id);
const cfg = root.dataset;

async function main() {
  let data;
  try {
    // The page carries the article's data; without it (an error to show), ask the API.
    const embedded = $("annotate-data");
    data = embedded
      ? JSON.parse(embedded.textContent)
      : await api.get(cfg.dataUrl); // with ?annotator= when a lead asked for it
  } catch (err) {
    $("article").textContent = "";
    message(`The article could not be loaded: ${err.message}`);
    return;
  }
  timings.data = performance.now();
  showMeta(data.document);
  installLabelStyles(data.labels);
  const offsets = new OffsetMap(data.document.text);
  const viewer = data.viewer;
  if (cfg.lead === "1") {
    renderSelector($("annotator-select"), {
      annotators: data.annotators, current: viewer.annotator, self: viewer.username,
      pageUrl: cfg.pageUrl,
    });
  }
  setupGuidelines();
  if (viewer.annotator === "*") {
    $("article").hidden = true;
    root.classList.add("read-only", "lanes-view");
    renderLanes($("lanes"), data.document.text, data.lanes || {}, offsets);
    showStatus("Read-only: all annotators", "read-only");
    $("assignment-status").hidden = true;
  } else {
    const labelsById = new Map(data.labels.map((label) => [label.id, label]));
    const page = new AnnotatePage(data, offsets, labelsById, {
      root, base: cfg.api, documentId: Number(cfg.documentId), pageUrl: cfg.pageUrl,
      nextUrl: cfg.nextUrl, commentsUrl: cfg.commentsUrl, lead: cfg.lead === "1", timings,
    });
    page.boot();
    window.annotatorPage = page; // for tests and the benchmark
  }
  timings.rendered = performance.now();
  root.dataset.ready = "true";
  // After style, layout and paint of the first frame:
  requestAnimationFrame(() => setTimeout(() => (timings.painted = performance.now())));
}

main();
