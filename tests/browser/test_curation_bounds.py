"""Moving span boundaries on the curation page in headless Chromium (issue 22): drag a gold
span's start over an emoji and its end into a word (snapped to the word), drag an annotator's
span (accepted into gold with the new boundaries), the same with the keyboard on the handles,
and the edit form's ± buttons named for screen readers. Offsets are code points: the emoji
before the spans takes two UTF-16 units but one code point."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from annotator.extensions import db
from annotator.models import (
    DocumentCuration,
    GoldAnswer,
    GoldEvent,
    GoldSpan,
    Label,
    Project,
    Span,
)
from tests.browser.conftest import EMOJI_ARTICLE
from tests.browser.helpers import _RECT_JS

pytestmark = pytest.mark.browser

TEXT = EMOJI_ARTICLE  # "Leaders 🤝 met in Geneva. “A new chapter,” they said."


def _clear_gold():
    for model in (GoldEvent, GoldSpan, GoldAnswer, DocumentCuration):
        db.session.execute(delete(model))
    db.session.commit()


@pytest.fixture
def emoji_spans(live_server, world):
    """alice marks "in Geneva", bob "Geneva" (both Claims); gold holds "in Geneva". The project
    snaps to words."""
    with live_server.db():
        _clear_gold()
        project = db.session.get(Project, world["project"])
        snap_before, project.snap_to_words = project.snap_to_words, True
        claim = db.session.execute(
            select(Label.id).where(Label.project_id == world["project"], Label.name == "Claim")
        ).scalar_one()
        for who, fragment in (("alice", "in Geneva"), ("bob", "Geneva")):
            start = TEXT.index(fragment)
            db.session.add(
                Span(
                    document_id=world["emoji"],
                    user_id=world[who],
                    label_id=claim,
                    start=start,
                    end=start + len(fragment),
                    text=fragment,
                )
            )
        start = TEXT.index("in Geneva")
        db.session.add(
            GoldSpan(
                document_id=world["emoji"],
                label_id=claim,
                start=start,
                end=start + len("in Geneva"),
                text="in Geneva",
                provenance=["alice"],
                source="manual",
                version=1,
            )
        )
        db.session.commit()
        db.session.remove()
    yield {"claim": claim}
    with live_server.db():
        _clear_gold()
        db.session.get(Project, world["project"]).snap_to_words = snap_before
        db.session.commit()
        db.session.remove()


def gold(live_server, document_id):
    with live_server.db():
        rows = db.session.execute(
            select(GoldSpan.start, GoldSpan.end, GoldSpan.text, GoldSpan.version)
            .where(GoldSpan.document_id == document_id)
            .order_by(GoldSpan.start, GoldSpan.end)
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def open_curation(page, live_server, world):
    page.goto(f"{live_server.url}/projects/{world['project']}/documents/{world['emoji']}/curate")
    expect(page.locator("#curate")).to_have_attribute("data-ready", "true")


def lane_mark(page, lane: str, text: str):
    return page.locator(f'.lane[data-lane="{lane}"] mark', has_text=text).first


def drag_handle(page, which: str, lane: str, needle: str, side: str):
    """Drag the selected span's `which` handle to just before (side "x1") or after ("x2")
    `needle` in `lane`'s text, with the mouse."""
    target = page.evaluate(_RECT_JS, [f'.lane[data-lane="{lane}"] .lane-text', needle, 0])
    assert target, needle
    handle = page.locator(f".bound-handle.{which}")
    expect(handle).to_have_count(1)
    box = handle.evaluate(
        "(h) => { const r = h.getBoundingClientRect(); return [r.x, r.y + r.height / 2]; }"
    )
    y = target["y1"] if side == "x1" else target["y2"]
    page.mouse.move(*box)
    page.mouse.down()
    page.mouse.move((box[0] + target[side]) / 2, (box[1] + y) / 2, steps=4)
    page.mouse.move(target[side], y, steps=4)
    expect(page.locator("#bounds-status")).to_contain_text("release to save")
    page.mouse.up()


def test_drag_gold_boundaries_over_an_emoji(live_server, world, emoji_spans, page, login):
    login(page, "lena")
    open_curation(page, live_server, world)
    page.locator("#gold-list a", has_text="in Geneva").click()
    expect(page.locator("#span-panel")).to_contain_text("Gold span")
    expect(page.locator(".bound-handle")).to_have_count(2)
    # Handles carry code-point offsets: "in" starts at 13 in code points (14 in UTF-16).
    expect(page.locator(".bound-handle.start")).to_have_attribute(
        "aria-valuenow", str(TEXT.index("in Geneva"))
    )

    # The start, dragged to just before "met" (after the emoji).
    drag_handle(page, "start", "gold", "met", "x1")
    expect(lane_mark(page, "gold", "met in Geneva")).to_be_visible()
    start = TEXT.index("met")
    assert gold(live_server, world["emoji"]) == [(start, TEXT.index("."), "met in Geneva", 2)]

    # Then onto the emoji itself: the start takes it whole (one code point).
    drag_handle(page, "start", "gold", "🤝", "x1")
    expect(lane_mark(page, "gold", "🤝 met in Geneva")).to_be_visible()
    emoji = TEXT.index("🤝")
    assert gold(live_server, world["emoji"])[0][:3] == (emoji, TEXT.index("."), "🤝 met in Geneva")

    # The end, dropped inside "chapter": snapped to the whole word.
    drag_handle(page, "end", "gold", "chap", "x2")
    want = "🤝 met in Geneva. “A new chapter"
    expect(lane_mark(page, "gold", want)).to_be_visible()
    assert gold(live_server, world["emoji"]) == [(emoji, emoji + len(want), want, 4)]
    # The handle that was dragged keeps the focus, at its new value.
    expect(page.locator(".bound-handle.end")).to_be_focused()
    expect(page.locator(".bound-handle.end")).to_have_attribute(
        "aria-valuenow", str(emoji + len(want))
    )
    with live_server.db():
        events = db.session.execute(
            select(GoldEvent.action, GoldEvent.before, GoldEvent.after).order_by(GoldEvent.id)
        ).all()
        db.session.remove()
    assert [e.action for e in events] == ["update", "update", "update"]
    assert (events[0].before["start"], events[0].after["start"]) == (TEXT.index("in"), start)


def test_drag_an_annotators_span_accepts_it(live_server, world, emoji_spans, page, login):
    login(page, "lena")
    open_curation(page, live_server, world)
    lane_mark(page, "bob", "Geneva").click()
    expect(page.locator("#span-panel")).to_contain_text("bob's span")
    drag_handle(page, "end", "bob", "they", "x2")
    want = "Geneva. “A new chapter,” they"
    # (in the gold lane it overlaps the gold "in Geneva": two marks)
    expect(page.locator("#gold-list a", has_text=want)).to_be_visible()
    begin = TEXT.index("Geneva")
    assert (begin, begin + len(want), want, 1) in gold(live_server, world["emoji"])
    # The new gold span is selected; bob's own span is as it was.
    expect(page.locator("#span-panel")).to_contain_text("Gold span")
    with live_server.db():
        texts = db.session.execute(select(Span.text).order_by(Span.id)).scalars().all()
        db.session.remove()
    assert texts == ["in Geneva", "Geneva"]


def test_keyboard_moves_a_boundary_and_escape_cancels(live_server, world, emoji_spans, page, login):
    login(page, "lena")
    open_curation(page, live_server, world)
    page.locator("#gold-list a", has_text="in Geneva").click()
    start = page.locator(".bound-handle.start")
    expect(start).to_have_attribute("role", "slider")
    start.focus()
    # Snapping to words: one word per step; then over the emoji (one code point).
    for _ in range(2):
        page.keyboard.press("ArrowLeft")
    expect(page.locator("#bounds-status")).to_contain_text("“🤝 met in Geneva”")
    expect(start).to_have_attribute("aria-valuenow", str(TEXT.index("🤝")))
    page.keyboard.press("ArrowRight")
    expect(page.locator("#bounds-status")).to_contain_text("“met in Geneva”")
    page.keyboard.press("Enter")
    expect(lane_mark(page, "gold", "met in Geneva")).to_be_visible()
    assert gold(live_server, world["emoji"])[0][:3] == (
        TEXT.index("met"),
        TEXT.index("."),
        "met in Geneva",
    )
    start = page.locator(".bound-handle.start")
    expect(start).to_be_focused()

    # Escape drops a pending move without saving and keeps the span selected.
    page.keyboard.press("ArrowRight")
    expect(page.locator("#bounds-status")).to_contain_text("“in Geneva”")
    page.keyboard.press("Escape")
    expect(page.locator("#bounds-status")).to_have_text("")
    expect(page.locator("#span-panel")).to_contain_text("Gold span")
    assert gold(live_server, world["emoji"])[0][2] == "met in Geneva"

    # The end handle, by Tab from the start handle.
    page.keyboard.press("Tab")
    expect(page.locator(".bound-handle.end")).to_be_focused()
    page.keyboard.press("ArrowRight")  # one character: the full stop
    page.keyboard.press("Enter")
    expect(lane_mark(page, "gold", "met in Geneva.")).to_be_visible()
    assert gold(live_server, world["emoji"])[0][2] == "met in Geneva."


def test_plus_minus_buttons_have_names(live_server, world, emoji_spans, page, login):
    login(page, "lena")
    open_curation(page, live_server, world)
    page.locator("#gold-list a", has_text="in Geneva").click()
    page.keyboard.press("e")
    form = page.locator("#edit-form")
    form.get_by_role("button", name="Start one character earlier").click()
    form.get_by_role("button", name="End one character earlier").click()
    expect(form.locator("#edit-preview")).to_have_text(" in Genev")
    form.get_by_role("button", name="Start one character later").click()
    form.get_by_role("button", name="End one character later").click()
    expect(form.locator("#edit-preview")).to_have_text("in Geneva")


def test_no_handles_on_a_discontinuous_span(live_server, world, emoji_spans, page, login):
    """A handle would drag its hull over the gaps: such a span is moved in the edit form only."""
    with live_server.db():
        row = db.session.execute(select(GoldSpan)).scalar_one()
        row.fragments = [[row.start, row.start + 2], [row.start + 3, row.end]]
        db.session.commit()
        db.session.remove()
    login(page, "lena")
    open_curation(page, live_server, world)
    page.locator("#gold-list a", has_text="in").click()
    expect(page.locator("#span-panel")).to_contain_text("Gold span")
    expect(page.locator(".bound-handle")).to_have_count(0)
    lane_mark(page, "alice", "in Geneva").click()
    expect(page.locator(".bound-handle")).to_have_count(2)
