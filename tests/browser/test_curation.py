"""The curation page in headless Chromium: accept an annotator's span into gold (it persists
after a reload), edit-then-accept, reject with the keyboard, the disagreement overlay."""

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
    Span,
)
from tests.browser.conftest import SECOND_ARTICLE

pytestmark = pytest.mark.browser


def _clear_gold():
    for model in (GoldEvent, GoldSpan, GoldAnswer, DocumentCuration):
        db.session.execute(delete(model))
    db.session.commit()


@pytest.fixture
def spans(live_server, world):
    """alice and bob's spans on the second article; no gold. Returns the span ids."""
    with live_server.db():
        _clear_gold()
        labels = dict(
            db.session.execute(
                select(Label.name, Label.id).where(Label.project_id == world["project"])
            ).all()
        )
        made = {}
        for key, who, fragment, label in (
            ("a_talks", "alice", "talks in Geneva", "Claim"),
            ("b_talks", "bob", "talks", "Claim"),
            ("a_second", "alice", "A second article", "Quote"),
        ):
            start = SECOND_ARTICLE.index(fragment)
            span = Span(
                document_id=world["second"],
                user_id=world[who],
                label_id=labels[label],
                start=start,
                end=start + len(fragment),
                text=fragment,
            )
            db.session.add(span)
            db.session.flush()
            made[key] = span.id
        db.session.commit()
        db.session.remove()
    yield made
    with live_server.db():
        _clear_gold()
        db.session.remove()


def gold_rows(live_server, document_id):
    with live_server.db():
        rows = db.session.execute(
            select(GoldSpan.text, GoldSpan.provenance, GoldSpan.source)
            .where(GoldSpan.document_id == document_id)
            .order_by(GoldSpan.start)
        ).all()
        db.session.remove()
        return [tuple(r) if not isinstance(r[1], list) else (r[0], tuple(r[1]), r[2]) for r in rows]


def open_curation(page, live_server, world):
    url = f"{live_server.url}/projects/{world['project']}/documents/{world['second']}/curate"
    page.goto(url)
    expect(page.locator("#curate")).to_have_attribute("data-ready", "true")


def lane_mark(page, lane: str, text: str):
    return page.locator(f'.lane[data-lane="{lane}"] mark', has_text=text).first


def test_accept_span_into_gold_persists_after_reload(live_server, world, spans, page, login):
    login(page, "lena")
    open_curation(page, live_server, world)
    expect(page.locator(".lane[data-lane=alice]").first).to_be_visible()
    # The overlay: both annotators cover "talks", only alice covers "in Geneva".
    votes = page.locator('.lane[data-lane="votes"] .vote')
    expect(votes.filter(has_text="talks").first).to_have_attribute(
        "title", "2 of 2 annotators marked this"
    )
    expect(votes.filter(has_text="in Geneva").first).to_have_attribute(
        "title", "1 of 2 annotators marked this"
    )

    lane_mark(page, "alice", "talks in Geneva").click()
    expect(page.locator("#span-panel")).to_contain_text("alice's span")
    expect(page.locator("#exact-votes")).to_have_text("1 of 2 annotators marked exactly this.")
    page.keyboard.press("a")
    expect(lane_mark(page, "gold", "talks in Geneva")).to_be_visible()
    expect(page.locator("#gold-count")).to_have_text("1")
    assert gold_rows(live_server, world["second"]) == [("talks in Geneva", ("alice",), "manual")]

    page.reload()
    expect(page.locator("#curate")).to_have_attribute("data-ready", "true")
    expect(lane_mark(page, "gold", "talks in Geneva")).to_be_visible()
    expect(page.locator("#gold-list li")).to_have_count(1)
    expect(page.locator("#curation-status")).to_have_value("in_progress")
    with live_server.db():
        # Curation never changes the annotators' own spans.
        texts = db.session.execute(select(Span.text).order_by(Span.id)).scalars().all()
        db.session.remove()
    assert texts == ["talks in Geneva", "talks", "A second article"]


def test_edit_then_accept_reject_and_mark_curated(live_server, world, spans, page, login):
    login(page, "lena")
    open_curation(page, live_server, world)
    lane_mark(page, "bob", "talks").click()
    page.keyboard.press("e")
    form = page.locator("#edit-form")
    expect(form).to_be_visible()
    form.locator("#edit-label").select_option(label="Quote")
    for _ in range(len(" in Geneva")):
        form.locator("#end-plus").click()
    expect(form.locator("#edit-preview")).to_have_text("talks in Geneva")
    form.locator("#edit-save").click()
    expect(lane_mark(page, "gold", "talks in Geneva")).to_be_visible()
    assert gold_rows(live_server, world["second"]) == [("talks in Geneva", ("bob",), "manual")]

    # The new gold span is selected: R rejects it.
    expect(page.locator("#span-panel")).to_contain_text("Gold span")
    page.keyboard.press("r")
    expect(page.locator("#gold-list li")).to_have_count(0)
    assert gold_rows(live_server, world["second"]) == []
    with live_server.db():
        actions = db.session.execute(select(GoldEvent.action).order_by(GoldEvent.id)).scalars()
        assert list(actions) == ["create", "reject"]
        db.session.remove()

    # J steps to the first span not in gold; C marks the article curated.
    page.keyboard.press("j")
    expect(page.locator("#span-panel")).to_contain_text("A second article")
    page.keyboard.press("c")
    expect(page.locator("#curation-status")).to_have_value("curated")
    with live_server.db():
        status = db.session.execute(select(DocumentCuration.status)).scalar_one()
        db.session.remove()
    assert status == "curated"


def test_prefill_button_and_queue(live_server, world, spans, page, login):
    login(page, "lena")
    open_curation(page, live_server, world)
    page.fill("#min-votes", "2")
    page.select_option("#match", "overlap")
    page.click("#merge-button")
    expect(lane_mark(page, "gold", "talks")).to_be_visible()
    assert gold_rows(live_server, world["second"]) == [("talks", ("alice", "bob"), "auto")]
    page.goto(f"{live_server.url}/projects/{world['project']}/curation")
    first = page.locator("#curation-queue tbody tr").first
    expect(first).to_have_attribute("data-document-id", str(world["second"]))
