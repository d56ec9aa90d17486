// Links between spans drawn in the text, as brat and INCEpTION do: an arc from a span (a Quote)
// to the span one of its link attributes points at (its Source), with an arrowhead at the
// target and the attribute's name on top. An SVG overlay over the article, built from DOM nodes
// and presentation attributes only (the CSP allows no style attributes); it ignores the pointer,
// so clicks and selections go to the text below. The side list says the same in words, so the
// overlay is hidden from assistive technology.

const SVG = "http://www.w3.org/2000/svg";
const RISE = 14; // px above the text line where an arc peaks

const svgEl = (tag, attrs = {}) => {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
};

/** [{from, to, name}] for every link attribute ({$key}) whose target span exists. */
export function linksOf(spans, exists) {
  const out = [];
  for (const span of spans) {
    for (const [name, value] of Object.entries(span.attributes || {})) {
      if (value && typeof value === "object" && value.$key && value.$key !== span.key
          && exists(value.$key)) {
        out.push({ from: span.key, to: value.$key, name });
      }
    }
  }
  return out;
}

export class ArcLayer {
  /**
   * `host`: a positioned box around the article (the overlay lives there, not in the article,
   * whose DOM text must stay the stored text); `segmentsOf(key)`: a span's <mark> segments.
   */
  constructor(host, article, segmentsOf) {
    this.host = host;
    this.article = article;
    this.segmentsOf = segmentsOf;
    this.links = [];
    this.selectedKey = null;
    this.svg = svgEl("svg", { class: "arcs", "aria-hidden": "true", focusable: "false" });
    const marker = svgEl("marker", {
      id: "arc-head", viewBox: "0 0 8 8", refX: 7, refY: 4, markerWidth: 7, markerHeight: 7,
      orient: "auto-start-reverse",
    });
    marker.append(svgEl("path", { d: "M0,0 L8,4 L0,8 z", class: "arc-head" }));
    const defs = svgEl("defs");
    defs.append(marker);
    this.defs = defs;
    if (window.ResizeObserver) {
      new ResizeObserver(() => this.draw()).observe(article);
    }
  }

  /** Where an arc meets a span: the top middle of its first line box, in overlay pixels. */
  anchor(key, origin) {
    const first = this.segmentsOf(key)[0];
    if (!first) return null;
    const rect = [...first.getClientRects()].find((r) => r.width > 0) || first.getBoundingClientRect();
    return { x: rect.left + rect.width / 2 - origin.left, y: rect.top - origin.top + 2 };
  }

  show(links, selectedKey = this.selectedKey) {
    this.links = links;
    this.selectedKey = selectedKey;
    this.draw();
  }

  select(key) {
    this.selectedKey = key;
    for (const arc of this.svg.querySelectorAll("g.arc")) {
      const on = key && (arc.dataset.from === key || arc.dataset.to === key);
      arc.classList.toggle("sel", Boolean(on));
    }
  }

  draw() {
    const svg = this.svg;
    svg.textContent = "";
    if (!this.links.length) {
      svg.remove();
      return;
    }
    if (svg.parentNode !== this.host) this.host.append(svg);
    svg.append(this.defs);
    const origin = this.host.getBoundingClientRect();
    svg.setAttribute("width", String(this.host.clientWidth));
    svg.setAttribute("height", String(this.host.clientHeight));
    for (const link of this.links) {
      const a = this.anchor(link.from, origin);
      const b = this.anchor(link.to, origin);
      if (!a || !b) continue;
      const top = Math.min(a.y, b.y) - RISE - Math.min(10, Math.abs(a.x - b.x) / 40);
      const d = `M${a.x},${a.y} C${a.x},${top} ${b.x},${top} ${b.x},${b.y}`;
      const g = svgEl("g", { class: "arc" });
      g.dataset.from = link.from;
      g.dataset.to = link.to;
      g.dataset.name = link.name;
      g.classList.toggle("sel", link.from === this.selectedKey || link.to === this.selectedKey);
      g.append(svgEl("path", { d, class: "arc-line", "marker-end": "url(#arc-head)" }));
      const peak = (a.y + b.y) / 8 + 0.75 * top; // the curve's height half-way
      const label = svgEl("text", {
        x: (a.x + b.x) / 2, y: peak - 3, class: "arc-name", "text-anchor": "middle",
      });
      label.textContent = link.name;
      g.append(label);
      svg.append(g);
    }
  }
}
