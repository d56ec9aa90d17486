"""The annotate page by keyboard alone (issue 22): Tab into the text, move a caret and select
with Shift+arrows, label with the real key, open a span from the list, link a Quote to its
Source and follow the link, open a span from the text with Enter; focus stays visible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import api_document, open_article, wait_saved

pytestmark = pytest.mark.browser


def tab_to(page, condition: str, *, back: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab) until ``condition`` (a JS expression on `el`, the focused element)
    holds; every stop on the way must show a focus outline."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        el = "document.activeElement"
        if page.evaluate(f"(() => {{ const el = {el}; return Boolean({condition}); }})()"):
            assert focus_visible(page), page.evaluate(f"{el}.outerHTML.slice(0, 200)")
            return
        assert focus_visible(page), page.evaluate(f"{el}.outerHTML.slice(0, 200)")
    raise AssertionError(f"never reached {condition}")


def focus_visible(page) -> bool:
    """The focused element draws an outline (or is the page itself)."""
    return page.evaluate(
        """() => { const el = document.activeElement;
                   if (!el || el === document.body) return true;
                   const s = getComputedStyle(el);
                   return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2; }"""
    )


def test_keyboard_only_annotation_end_to_end(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["emoji"])
    # "Leaders 🤝 met in Geneva. “A new chapter,” they said."
    tab_to(page, "el.id === 'article'")
    for _ in range(26):  # to the A of “A new chapter,” (the emoji is one character)
        page.keyboard.press("ArrowRight")
    for _ in range(len("A new chapter,")):
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("window.getSelection().toString()") == "A new chapter,"
    page.keyboard.press("3")  # Quote
    wait_saved(page)
    # Back to the start and a word at a time: the Source.
    page.keyboard.press("Home")
    page.keyboard.press("Control+Shift+ArrowRight")
    assert page.evaluate("window.getSelection().toString()").strip() == "Leaders"
    page.keyboard.press("4")  # Source
    wait_saved(page)
    spans = api_document(page, live_server.url, world["emoji"])["spans"]
    assert [(s["label"], s["start"], s["end"], s["text"]) for s in spans] == [
        ("Source", 0, 7, "Leaders"),
        ("Quote", 26, 40, "A new chapter,"),  # code points: the emoji counts once
    ]

    # Open the Quote from the span list (Enter), link its speaker to the Source by keyboard.
    tab_to(page, "el.classList.contains('span-pick') && el.textContent.includes('A new chapter')")
    page.keyboard.press("Enter")
    panel = page.locator("#span-panel")
    expect(panel.locator(".selected-text")).to_have_text("A new chapter,")
    expect(page.locator("#span-list li.selected .span-pick")).to_have_attribute(
        "aria-current", "true"
    )
    tab_to(page, "el.matches('.link-button[data-attr=speaker]')", back=True)
    page.keyboard.press("Enter")
    expect(panel.locator(".link-button.active")).to_be_visible()
    tab_to(page, "el.classList.contains('span-pick') && el.textContent.startsWith('Source')")
    page.keyboard.press("Enter")
    expect(panel.locator(".link-target")).to_have_text("→ “Leaders”")
    assert page.evaluate("document.activeElement.dataset.attr") == "speaker"  # focus came back
    wait_saved(page)
    expect(page.locator("svg.arcs g.arc")).to_have_count(1)
    spans = {s["label"]: s for s in api_document(page, live_server.url, world["emoji"])["spans"]}
    assert spans["Quote"]["attributes"] == {"speaker": spans["Source"]["id"]}

    # Follow the link: the Source is selected and its list entry focused.
    tab_to(page, "el.classList.contains('follow-link')", back=True)
    page.keyboard.press("Enter")
    expect(panel.locator(".selected-text")).to_have_text("Leaders")
    assert page.evaluate("document.activeElement.textContent").startswith("Source")

    # Escape closes the panel; in the text, Enter on a span opens it.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    tab_to(page, "el.id === 'article'", back=True)
    page.keyboard.press("Home")
    page.keyboard.press("Control+Home")
    for _ in range(28):  # inside “A new chapter,”
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(panel.locator(".selected-text")).to_have_text("A new chapter,")
    # Delete by keyboard from the text, undo it.
    page.keyboard.press("Delete")
    wait_saved(page)
    assert [s["label"] for s in api_document(page, live_server.url, world["emoji"])["spans"]] == [
        "Source"
    ]
    page.keyboard.press("Control+z")
    wait_saved(page)
    assert len(api_document(page, live_server.url, world["emoji"])["spans"]) == 2


def test_label_bar_and_span_list_roles(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["emoji"])
    toolbar = page.get_by_role("toolbar", name="Labels")
    expect(toolbar.get_by_role("button")).to_have_count(4)
    expect(toolbar.get_by_role("button", name="Quote")).to_have_attribute("aria-keyshortcuts", "3")
    # Arrow keys move along the toolbar.
    toolbar.get_by_role("button", name="Framing").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.textContent").startswith("Claim")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.textContent").startswith("Source")
    expect(page.get_by_role("list", name="Spans")).to_be_attached()
