"""The annotator's workspace (issue 22): the quote→speaker arc drawn in the text, attribute
values in the span list, "Article N of M" with a way back, and the real keys in the hint."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment
from tests.browser.helpers import api_document, mouse_select, open_article, span_mark, wait_saved

pytestmark = pytest.mark.browser

# The top middle of a span's first line box, relative to #article-wrap (as arcs.js computes it).
_ANCHOR_JS = """
(text) => {
  const wrap = document.getElementById("article-wrap").getBoundingClientRect();
  const mark = [...document.querySelectorAll("#article mark[data-spans]")]
    .find((m) => m.textContent === text);
  const r = [...mark.getClientRects()].find((x) => x.width > 0);
  return [r.left + r.width / 2 - wrap.left, r.top - wrap.top + 2];
}
"""


def _path_ends(d: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """The first and last points of an arc's path ("M x,y C … x,y")."""
    numbers = d.replace("M", " ").replace("C", " ").split()
    first = tuple(float(v) for v in numbers[0].split(","))
    last = tuple(float(v) for v in numbers[-1].split(","))
    return first, last


def test_arc_from_quote_to_its_source_and_attributes_in_list(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    mouse_select(page, "Okafor", occurrence=1)
    page.keyboard.press("4")  # Source
    mouse_select(page, "long overdue")
    page.keyboard.press("3")  # Quote
    wait_saved(page)
    expect(page.locator("svg.arcs g.arc")).to_have_count(0)
    panel = page.locator("#span-panel")
    panel.locator(".link-button[data-attr=speaker]").click()
    page.locator("#article mark", has_text="Okafor").click()
    panel.locator("select[data-attr=form]").select_option("direct")
    wait_saved(page)

    arc = page.locator("svg.arcs g.arc")
    expect(arc).to_have_count(1)
    expect(arc).to_have_attribute("data-name", "speaker")
    expect(arc.locator("text")).to_have_text("speaker")
    # It starts at the Quote and ends (arrowhead) at the Source, wherever they are laid out.
    start, end = _path_ends(arc.locator("path").get_attribute("d"))
    quote = page.evaluate(_ANCHOR_JS, "long overdue")
    source = page.evaluate(_ANCHOR_JS, "Okafor")
    assert start == pytest.approx(quote, abs=1)
    assert end == pytest.approx(source, abs=1)
    assert arc.locator("path").get_attribute("marker-end") == "url(#arc-head)"

    # Attribute values in the side list, the link named by its target's text.
    quote_item = span_mark(page, "long overdue")
    expect(quote_item.locator(".span-attrs")).to_have_text("speaker → “Okafor” · form: direct")

    # It survives a reload (the link is stored as the Source's id) and follows the layout.
    page.reload()
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    expect(page.locator("svg.arcs g.arc")).to_have_count(1)
    expect(span_mark(page, "long overdue").locator(".span-attrs")).to_contain_text(
        "speaker → “Okafor”"
    )
    page.set_viewport_size({"width": 700, "height": 900})
    page.wait_for_timeout(200)
    start, end = _path_ends(page.locator("svg.arcs g.arc path").get_attribute("d"))
    assert start == pytest.approx(page.evaluate(_ANCHOR_JS, "long overdue"), abs=1)
    assert end == pytest.approx(page.evaluate(_ANCHOR_JS, "Okafor"), abs=1)

    # Deleting the Source removes the arc, and the list says the link is gone.
    page.locator("#article mark", has_text="Okafor").click()
    page.keyboard.press("Delete")
    wait_saved(page)
    expect(page.locator("svg.arcs g.arc")).to_have_count(0)
    expect(span_mark(page, "long overdue").locator(".span-attrs")).to_contain_text(
        "speaker → (deleted span)"
    )


def test_article_n_of_m_and_back_to_an_earlier_one(live_server, world, page, login):
    login(page, "alice")
    ids = sorted([world["news"], world["emoji"], world["second"]])
    open_article(page, live_server.url, world["project"], ids[0])
    expect(page.locator("#queue-position")).to_have_text("Article 1 of 3")
    expect(page.locator("#previous-article")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())  # "No spans — mark done anyway?"
    page.click("#done-button")
    page.wait_for_url(f"**/documents/{ids[1]}/annotate*")  # Done goes on through ?via=next
    expect(page.locator("#queue-position")).to_have_text("Article 2 of 3")
    # Back to the finished one: it opens, with its place in the queue.
    page.click("#previous-article")
    page.wait_for_url(f"**/documents/{ids[0]}/annotate")
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    expect(page.locator("#queue-position")).to_have_text("Article 1 of 3")
    page.click("#following-article")
    page.wait_for_url(f"**/documents/{ids[1]}/annotate")
    expect(page.locator("#following-article")).to_have_attribute(
        "href", f"/projects/{world['project']}/documents/{ids[2]}/annotate"
    )
    with live_server.db():
        status = db.session.execute(
            select(Assignment.status).where(
                Assignment.document_id == ids[0], Assignment.user_id == world["alice"]
            )
        ).scalar_one()
        db.session.remove()
    assert status == "done"


def test_lead_viewing_an_unassigned_article_has_no_queue_line(live_server, world, page, login):
    login(page, "lena")
    open_article(page, live_server.url, world["project"], world["news"])
    expect(page.locator("#queue-position")).to_have_count(0)


def test_hint_shows_the_real_keys(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    hint = page.locator("#label-keys")
    expect(hint).to_have_text("a label's key: 1 Framing, 2 Claim, 3 Quote, 4 Source")
    expect(hint.locator("kbd")).to_have_text(["1", "2", "3", "4"])
    assert "number" not in page.locator("p.hint.keys").inner_text()


def test_hint_follows_a_changed_key(live_server, world, page, login):
    from annotator.models import Label

    with live_server.db():
        label = db.session.execute(
            select(Label).where(Label.project_id == world["project"], Label.name == "Claim")
        ).scalar_one()
        label.shortcut = "c"
        label_id = label.id
        db.session.commit()
        db.session.remove()
    try:
        login(page, "alice")
        open_article(page, live_server.url, world["project"], world["emoji"])
        expect(page.locator("#label-keys")).to_contain_text("c Claim")
        expect(page.locator(".label-button", has_text="Claim").locator("kbd")).to_have_text("c")
        mouse_select(page, "met")
        page.keyboard.press("c")
        wait_saved(page)
        spans = api_document(page, live_server.url, world["emoji"])["spans"]
        assert [(s["label"], s["text"]) for s in spans] == [("Claim", "met")]
    finally:
        with live_server.db():
            label = db.session.get(Label, label_id)
            label.shortcut = "2"
            db.session.commit()
            db.session.remove()
