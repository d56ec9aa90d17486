"""The annotate page in headless Chromium against a live server (CSRF on)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, Document, DocumentAnswer, Span, SpanEvent
from tests.browser.helpers import api_document, mouse_select, open_article, span_mark, wait_saved

pytestmark = pytest.mark.browser


def db_spans(live_server, document_id: int, user_id: int) -> list[tuple[int, int, str, str]]:
    """(start, end, stored text[start:end], span.text) of a user's spans, from the database."""
    with live_server.db():
        text = db.session.get(Document, document_id).text
        rows = db.session.execute(
            select(Span)
            .where(Span.document_id == document_id, Span.user_id == user_id)
            .order_by(Span.start)
        ).scalars()
        out = [(s.start, s.end, text[s.start : s.end], s.text) for s in rows]
        db.session.remove()
        return out


def test_highlight_quote_survives_reload(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    mouse_select(page, "long overdue")
    page.keyboard.press("3")  # Quote in the media-bias preset
    wait_saved(page)

    page.reload()
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    marks = page.locator("#article mark[data-spans]")
    expect(marks).to_have_count(1)
    expect(marks.first).to_have_text("long overdue")
    expect(span_mark(page, "long overdue")).to_contain_text("Quote")

    spans = api_document(page, live_server.url, world["news"])["spans"]
    assert [(s["label"], s["text"]) for s in spans] == [("Quote", "long overdue")]
    text = api_document(page, live_server.url, world["news"])["document"]["text"]
    start = text.index("long overdue")
    assert (spans[0]["start"], spans[0]["end"]) == (start, start + len("long overdue"))
    assert db_spans(live_server, world["news"], world["alice"]) == [
        (start, start + 12, "long overdue", "long overdue")
    ]
    with live_server.db():
        events = db.session.execute(select(SpanEvent.action)).scalars().all()
        status = db.session.execute(
            select(Assignment.status).where(
                Assignment.document_id == world["news"], Assignment.user_id == world["alice"]
            )
        ).scalar_one()
    assert events == ["create"]
    assert status == "in_progress"


def test_snap_trim_overlap_delete_undo_redo(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    # Partial words and a trailing space: snapped to words, whitespace trimmed.
    mouse_select(page, "indqvist’s first meeting with Okafor ")
    page.keyboard.press("1")  # Framing
    wait_saved(page)
    # Overlapping span, selected with the keyboard: Shift+arrows inside the text.
    text = api_document(page, live_server.url, world["news"])["document"]["text"]
    nth = text[: text.index("meeting with Okafor was")].count("with")  # that "with"
    mouse_select(page, "with", occurrence=nth)
    page.keyboard.press("Shift+ArrowRight")
    for _ in range(len("Okafor was ")):
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("window.getSelection().toString()") == "with Okafor was "
    page.keyboard.press("2")  # Claim
    wait_saved(page)

    texts = [t for _, _, t, _ in db_spans(live_server, world["news"], world["alice"])]
    assert texts == ["Lindqvist’s first meeting with Okafor", "with Okafor was"]
    overlap = page.locator("#article mark", has_text="with Okafor").first
    assert len(overlap.get_attribute("data-spans").split()) == 2
    expect(page.locator("#span-list li")).to_have_count(2)

    # Select the Claim in the side list and delete it with the Delete key.
    span_mark(page, "with Okafor was").click()
    expect(page.locator("#span-panel")).to_be_visible()
    page.keyboard.press("Delete")
    wait_saved(page)
    expect(page.locator("#span-list li")).to_have_count(1)
    assert [t for *_, t in db_spans(live_server, world["news"], world["alice"])] == [
        "Lindqvist’s first meeting with Okafor"
    ]

    page.keyboard.press("Control+z")  # undo the delete
    wait_saved(page)
    expect(page.locator("#span-list li")).to_have_count(2)
    assert len(db_spans(live_server, world["news"], world["alice"])) == 2
    page.keyboard.press("Control+Shift+z")  # redo the delete
    wait_saved(page)
    expect(page.locator("#span-list li")).to_have_count(1)
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")  # and the Claim's creation
    page.keyboard.press("Control+z")  # and the Framing's
    wait_saved(page)
    expect(page.locator("#span-list li")).to_have_count(0)
    assert db_spans(live_server, world["news"], world["alice"]) == []
    with live_server.db():
        actions = db.session.execute(select(SpanEvent.action).order_by(SpanEvent.id)).scalars()
        assert list(actions) == [
            "create",
            "create",
            "delete",
            "create",
            "delete",
            "create",
            "delete",
            "delete",
        ]


def test_click_span_change_label_and_attributes(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    mouse_select(page, "reckless")
    page.keyboard.press("2")  # Claim
    wait_saved(page)
    page.keyboard.press("Escape")
    expect(page.locator("#span-panel")).to_be_hidden()
    page.locator("#article mark", has_text="reckless").click()
    panel = page.locator("#span-panel")
    panel.locator("select[data-attr=type]").select_option("opinion")
    wait_saved(page)
    panel.locator("input[data-attr=check-worthy]").check()
    wait_saved(page)
    panel.locator("#span-note").fill("Okafor's word, quoted")
    panel.locator("#span-note").press("Tab")
    wait_saved(page)
    spans = api_document(page, live_server.url, world["news"])["spans"]
    assert spans[0]["attributes"] == {"type": "opinion", "check-worthy": True}
    assert spans[0]["note"] == "Okafor's word, quoted"
    # Changing the label drops attributes the new label does not have.
    panel.locator("#span-label").select_option(label="Framing")
    wait_saved(page)
    span = api_document(page, live_server.url, world["news"])["spans"][0]
    assert (span["label"], span["attributes"], span["version"]) == ("Framing", {}, 5)
    panel.locator("#span-label").focus()
    page.keyboard.press("Control+z")  # undo works from the editor's select too
    expect(panel.locator("#span-label option:checked")).to_have_text("Claim")
    expect(panel.locator("select[data-attr=type]")).to_have_value("opinion")
    wait_saved(page)
    span = api_document(page, live_server.url, world["news"])["spans"][0]
    assert (span["label"], span["attributes"]) == (
        "Claim",
        {"type": "opinion", "check-worthy": True},
    )


def test_link_quote_to_speaker(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    mouse_select(page, "Okafor", occurrence=1)  # in "Lindqvist’s first meeting with Okafor"
    page.keyboard.press("4")  # Source
    mouse_select(page, "long overdue")
    page.click(".label-button[data-label-id] >> text=Quote")
    wait_saved(page)
    panel = page.locator("#span-panel")
    expect(panel).to_contain_text("long overdue")
    panel.locator(".link-button[data-attr=speaker]").click()
    page.locator("#article mark", has_text="Okafor").click()
    expect(panel.locator(".link-target")).to_have_text("→ “Okafor”")
    wait_saved(page)
    spans = {s["label"]: s for s in api_document(page, live_server.url, world["news"])["spans"]}
    assert spans["Quote"]["attributes"] == {"speaker": spans["Source"]["id"]}
    page.reload()
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    span_mark(page, "long overdue").click()
    expect(page.locator("#span-panel .link-target")).to_have_text("→ “Okafor”")


def test_emoji_and_curly_quote_offsets(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["emoji"])
    mouse_select(page, "met")
    page.keyboard.press("2")
    wait_saved(page)
    mouse_select(page, "A new chapter,")  # the comma is kept: it is not whitespace
    page.keyboard.press("3")
    wait_saved(page)
    mouse_select(page, "🤝")
    page.keyboard.press("1")
    wait_saved(page)
    spans = api_document(page, live_server.url, world["emoji"])["spans"]
    assert [(s["start"], s["end"], s["text"]) for s in spans] == [
        (8, 9, "🤝"),
        (10, 13, "met"),
        (26, 40, "A new chapter,"),
    ]
    stored = db_spans(live_server, world["emoji"], world["alice"])
    assert [(start, end, covered) for start, end, covered, _ in stored] == [
        (8, 9, "🤝"),
        (10, 13, "met"),
        (26, 40, "A new chapter,"),
    ]
    assert all(covered == text for *_, covered, text in stored)
    page.reload()
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    expect(page.locator("#article mark")).to_have_text(["🤝", "met", "A new chapter,"])


def test_offsets_after_zwj_emoji_in_the_news_article(live_server, world, page, login):
    """👩‍🔬 is three code points (five UTF-16 units): spans on and after it keep code-point
    offsets of the stored text."""
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    scientist = "\U0001f469\u200d\U0001f52c"
    mouse_select(page, scientist)
    page.keyboard.press("1")
    wait_saved(page)
    mouse_select(page, "next election")
    page.keyboard.press("2")
    wait_saved(page)
    text = api_document(page, live_server.url, world["news"])["document"]["text"]
    at, later = text.index(scientist), text.index("next election")
    expected = [(at, at + 3, scientist), (later, later + 13, "next election")]
    spans = api_document(page, live_server.url, world["news"])["spans"]
    assert sorted((s["start"], s["end"], s["text"]) for s in spans) == expected
    stored = db_spans(live_server, world["news"], world["alice"])
    assert [(start, end, covered) for start, end, covered, _ in stored] == expected
    page.reload()
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    expect(page.locator("#article mark")).to_have_text([scientist, "next election"])


def test_blind_mode_and_lead_views(live_server, world, browser, login):
    alice = browser.new_context()
    page = alice.new_page()
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    mouse_select(page, "long overdue")
    page.keyboard.press("3")
    wait_saved(page)
    alice.close()

    bob = browser.new_context()
    page = bob.new_page()
    login(page, "bob")
    open_article(page, live_server.url, world["project"], world["news"])
    expect(page.locator("#article mark")).to_have_count(0)
    expect(page.locator("#annotator-select")).to_have_count(0)
    assert api_document(page, live_server.url, world["news"])["spans"] == []
    response = page.request.get(
        f"{live_server.url}/api/v1/documents/{world['news']}?annotator=alice"
    )
    assert response.status == 403
    bob.close()

    lead = browser.new_context()
    page = lead.new_page()
    login(page, "lena")
    open_article(page, live_server.url, world["project"], world["news"])
    expect(page.locator("#article mark")).to_have_count(0)
    select = page.locator("#annotator-select")
    expect(select.locator("option")).to_have_text(
        ["Yours (lena)", "alice", "bob", "All annotators (lanes)"]
    )
    select.select_option("alice")
    page.wait_for_url(re.compile(r"annotator=alice"))
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    expect(page.locator("#article mark")).to_have_text(["long overdue"])
    expect(page.locator(".label-button").first).to_be_disabled()
    expect(page.locator("#save-status")).to_contain_text("Read-only")
    page.locator("#article mark").click()
    page.keyboard.press("Delete")  # read-only: nothing happens
    expect(page.locator("#article mark")).to_have_count(1)

    page.locator("#annotator-select").select_option("*")
    page.wait_for_url(re.compile(r"annotator=%2A|annotator=\*"))
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    lanes = page.locator("#lanes .lane[data-annotator=alice] mark")
    expect(lanes).to_have_text(["long overdue"])
    expect(page.locator("#lanes .lane[data-annotator=bob] mark")).to_have_count(0)
    lead.close()
    assert len(db_spans(live_server, world["news"], world["alice"])) == 1


def test_answer_done_opens_next_and_skip(live_server, world, page, login):
    login(page, "alice")
    page.goto(f"{live_server.url}/projects/{world['project']}/next")
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    assert f"/documents/{world['news']}/annotate" in page.url
    page.click("#guidelines-button")
    expect(page.locator("#guidelines-panel")).to_contain_text("Media-bias annotation guidelines")
    page.click("#guidelines-close")
    expect(page.locator("#guidelines-panel")).to_be_hidden()
    page.locator("#questions input[value='4']").check()
    wait_saved(page)
    page.once("dialog", lambda dialog: dialog.accept())  # no spans: "mark done anyway?"
    page.click("#done-button")
    page.wait_for_url(re.compile(rf"/documents/{world['emoji']}/annotate"))
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    page.click("#skip-button")
    page.fill("#skip-reason", "Too short to judge")
    page.click("#skip-submit")
    page.wait_for_url(re.compile(rf"/documents/{world['second']}/annotate"))
    with live_server.db():
        rows = dict(
            db.session.execute(
                select(Assignment.document_id, Assignment.status).where(
                    Assignment.user_id == world["alice"]
                )
            ).all()
        )
        reason = db.session.execute(
            select(Assignment.skip_reason).where(
                Assignment.user_id == world["alice"], Assignment.document_id == world["emoji"]
            )
        ).scalar_one()
        answers = db.session.execute(
            select(DocumentAnswer.document_id, DocumentAnswer.value).where(
                DocumentAnswer.user_id == world["alice"]
            )
        ).all()
    assert rows[world["news"]] == "done"
    assert (rows[world["emoji"]], reason) == ("skipped", "Too short to judge")
    assert answers == [(world["news"], "4")]


def test_offline_queue_saves_when_back_online(live_server, world, context, login):
    page = context.new_page()
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    context.set_offline(True)
    mouse_select(page, "long overdue")
    page.keyboard.press("3")
    mouse_select(page, "Okafor", occurrence=1)
    page.keyboard.press("4")
    expect(page.locator("#save-status")).to_have_text("Offline — 2 changes pending")
    assert db_spans(live_server, world["news"], world["alice"]) == []
    context.set_offline(False)
    wait_saved(page)
    texts = [t for *_, t in db_spans(live_server, world["news"], world["alice"])]
    assert sorted(texts) == ["Okafor", "long overdue"]


def test_queue_persists_across_reload(live_server, world, context, login):
    page = context.new_page()
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    context.set_offline(True)
    mouse_select(page, "long overdue")
    page.keyboard.press("3")
    expect(page.locator("#save-status")).to_contain_text("pending")
    # Closing the tab warns (beforeunload) while changes are pending.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    for _ in range(50):
        if dialogs:
            break
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"]
    page.close()  # the annotator leaves anyway; the changes wait in localStorage
    context.set_offline(False)
    page = context.new_page()
    open_article(page, live_server.url, world["project"], world["news"])
    wait_saved(page)
    assert [t for *_, t in db_spans(live_server, world["news"], world["alice"])] == ["long overdue"]
    expect(page.locator("#article mark")).to_have_text(["long overdue"])


def test_stale_version_reloads_the_span(live_server, world, page, login):
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["news"])
    mouse_select(page, "reckless")
    page.keyboard.press("2")
    wait_saved(page)
    # Someone (another tab) changes the span meanwhile.
    with live_server.db():
        span = db.session.execute(select(Span)).scalar_one()
        span.note = "changed elsewhere"
        span.version += 1
        db.session.commit()
    page.locator("#span-label").select_option(label="Framing")
    expect(page.locator("#message")).to_contain_text("changed elsewhere")
    expect(page.locator("#span-note")).to_have_value("changed elsewhere")
    expect(page.locator("#span-label option:checked")).to_have_text("Claim")
    wait_saved(page)
