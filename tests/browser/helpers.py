"""Page helpers for the browser tests: open the annotate page, select text with the mouse."""

from __future__ import annotations

from playwright.sync_api import Page, expect

# Finds the n-th occurrence of `needle` in the article's DOM text (which is the stored text),
# scrolls it into view and returns the viewport points just inside its first and last
# character, from a DOM Range over the text nodes.
_RECT_JS = """
([rootSelector, needle, occurrence]) => {
  const root = document.querySelector(rootSelector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = "";
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, text.length]);
    text += walker.currentNode.data;
  }
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at === -1) return null;
  }
  const locate = (u, isEnd) => {
    for (const [node, o] of nodes) {
      const len = node.data.length;
      if (isEnd ? u <= o + len : u < o + len) return [node, u - o];
    }
    return null;
  };
  const range = document.createRange();
  range.setStart(...locate(at, false));
  range.setEnd(...locate(at + needle.length, true));
  range.startContainer.parentElement.scrollIntoView({ block: "center" });
  const rects = [...range.getClientRects()].filter((r) => r.width > 0);
  const first = rects[0];
  const last = rects[rects.length - 1];
  return {
    x1: first.left + 1, y1: first.top + first.height / 2,
    x2: last.right - 1, y2: last.top + last.height / 2,
  };
}
"""


def open_article(page: Page, base_url: str, project: int, document: int, query: str = ""):
    page.goto(f"{base_url}/projects/{project}/documents/{document}/annotate{query}")
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")


def mouse_select(page: Page, needle: str, occurrence: int = 0, root: str = "#article") -> None:
    """Drag the mouse over `needle` in the article, like an annotator."""
    box = page.evaluate(_RECT_JS, [root, needle, occurrence])
    assert box, f"{needle!r} is not in the article"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, (box["y1"] + box["y2"]) / 2, steps=3)
    page.mouse.move(box["x2"], box["y2"], steps=3)
    page.mouse.up()
    assert page.evaluate("window.getSelection().toString()") == needle


def wait_saved(page: Page) -> None:
    expect(page.locator("#save-status")).to_have_text("Saved")


def api_document(page: Page, base_url: str, document: int, query: str = "") -> dict:
    """The article as the API has it, with the page's session cookie."""
    response = page.request.get(f"{base_url}/api/v1/documents/{document}{query}")
    assert response.ok, response.text()
    return response.json()


def span_mark(page: Page, text: str):
    """The side-list entry of the span covering exactly `text`."""
    return page.locator("#span-list li", has_text=text)
