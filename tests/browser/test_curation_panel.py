"""The curation panel in headless Chromium: no literal "null" under a span's text, a readable
keycap on the filled Accept button, split attribute votes with each annotator's value, and the
candidates the pre-fill left out."""

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
    User,
)
from tests.browser.conftest import SECOND_ARTICLE

pytestmark = pytest.mark.browser


def _clear_gold():
    for model in (GoldEvent, GoldSpan, GoldAnswer, DocumentCuration):
        db.session.execute(delete(model))
    db.session.commit()


@pytest.fixture
def disputed(live_server, world):
    """alice and bob mark "talks" as a Claim with different types; alice alone marks a Quote;
    then the pre-fill runs (majority of two: the Claim becomes gold, its type left open)."""
    from annotator.adjudication import MergeRule
    from annotator.services.curation.gold_merge import run_merge

    with live_server.db():
        _clear_gold()
        labels = dict(
            db.session.execute(
                select(Label.name, Label.id).where(Label.project_id == world["project"])
            ).all()
        )
        for who, fragment, label, attrs in (
            ("alice", "talks", "Claim", {"type": "opinion"}),
            ("bob", "talks", "Claim", {"type": "factual"}),
            ("alice", "A second article", "Quote", {}),
        ):
            start = SECOND_ARTICLE.index(fragment)
            db.session.add(
                Span(
                    document_id=world["second"],
                    user_id=world[who],
                    label_id=labels[label],
                    start=start,
                    end=start + len(fragment),
                    text=fragment,
                    attributes=attrs,
                )
            )
        db.session.commit()
        project = db.session.get(Project, world["project"])
        summary = run_merge(db.session.get(User, world["lena"]), project, MergeRule())
        db.session.commit()
        db.session.remove()
    yield summary
    with live_server.db():
        _clear_gold()
        db.session.remove()


def lane_mark(page, lane: str, text: str):
    return page.locator(f'.lane[data-lane="{lane}"] mark', has_text=text).first


def test_panel_shows_no_null_a_readable_keycap_and_split_votes(
    live_server, world, disputed, page, login
):
    assert disputed["spans_with_disputes"] == 1
    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{world['project']}/documents/{world['second']}/curate")
    expect(page.locator("#curate")).to_have_attribute("data-ready", "true")
    lane_mark(page, "alice", "A second article").click()
    panel = page.locator("#span-panel")
    expect(panel).to_contain_text("alice's span")
    assert "null" not in panel.inner_text()
    keycap = page.locator("#accept-span kbd")
    expect(keycap).to_have_text("A")
    colours = keycap.evaluate(
        """(k) => { const s = getComputedStyle(k);
                    const b = getComputedStyle(k.closest('button'));
                    return [s.color, s.backgroundColor, b.backgroundColor]; }"""
    )
    assert colours[0] != colours[1], colours  # text and keycap background differ
    assert colours[0] != "rgb(255, 255, 255)", colours
    # The gold Claim: its type is left open, with each annotator's value.
    lane_mark(page, "gold", "talks").click()
    expect(page.locator("#disputes")).to_contain_text("type: alice opinion · bob factual")
    assert "null" not in panel.inner_text()
    lane_mark(page, "bob", "talks").click()
    expect(page.locator("#disputes")).to_contain_text("bob factual")
    # alice's Quote was not merged (one of two annotators): listed with its reason.
    expect(page.locator("#unmerged")).to_be_visible()
    expect(page.locator("#unmerged-list li")).to_have_count(1)
    expect(page.locator("#unmerged-list li")).to_contain_text("too few annotators (alice)")
