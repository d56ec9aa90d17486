"""The training feedback view in headless Chromium: a trainee marks a training article with
the mouse and keys, presses Done, and sees their spans beside the gold with the missed, extra,
boundary and label differences (and a match) highlighted and explained."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import GoldSpan, Label, Project, User
from tests.browser.conftest import EMOJI_ARTICLE
from tests.browser.helpers import mouse_select, open_article, wait_saved

pytestmark = pytest.mark.browser

GUIDELINES = "# Sources\nMark who or where a claim comes from.\n\n# Claims\nAssertions of fact."


@pytest.fixture
def training(live_server, _seeded):
    """Project "Training study": lead lena, new annotator tina, one training article (with
    gold: Leaders=Framing, Geneva=Source, “A new chapter”=Quote, they said=Claim)."""
    from annotator.services.projects.projects import add_member, create_project
    from annotator.services.quality.items import set_purpose
    from tests.factories import make_document, make_user

    with live_server.db():
        existing = db.session.execute(
            select(Project).where(Project.name == "Training study")
        ).scalar_one_or_none()
        if existing is not None:
            db.session.delete(existing)
            db.session.commit()
        tina = db.session.execute(select(User).where(User.username == "tina")).scalar_one_or_none()
        tina = tina or make_user("tina")
        lena = db.session.get(User, _seeded["lena"])
        project = create_project("Training study", lead=lena)
        project.guidelines = GUIDELINES
        doc = make_document(project, EMOJI_ARTICLE, external_id="geneva-training")
        labels = dict(
            db.session.execute(
                select(Label.name, Label.id).where(Label.project_id == project.id)
            ).all()
        )
        for label, fragment in (
            ("Framing", "Leaders"),
            ("Source", "Geneva"),
            ("Quote", "A new chapter"),
            ("Claim", "they said"),
        ):
            start = EMOJI_ARTICLE.index(fragment)
            db.session.add(
                GoldSpan(
                    document_id=doc.id,
                    label_id=labels[label],
                    start=start,
                    end=start + len(fragment),
                    text=fragment,
                )
            )
        db.session.flush()
        set_purpose(lena, project, doc, "training")
        add_member(project, tina, "annotator")  # a newcomer: training first
        db.session.commit()
        ids = {"project": project.id, "document": doc.id}
        db.session.remove()
    return ids


def test_feedback_shows_the_differences_from_gold(live_server, training, page, login):
    login(page, "tina")
    page.goto(f"{live_server.url}/projects/{training['project']}/next")
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")
    assert f"/documents/{training['document']}/" in page.url
    open_article(page, live_server.url, training["project"], training["document"])
    for fragment, key in (
        ("Geneva", "4"),  # Source: a match
        ("new chapter", "3"),  # Quote, but gold starts at "A": a boundary difference
        ("they said", "1"),  # Framing where gold has Claim: a label difference
        ("met", "2"),  # a Claim gold does not have: extra
    ):  # and "Leaders" (Framing) is missed
        mouse_select(page, fragment)
        page.keyboard.press(key)
        wait_saved(page)
    page.click("#done-button")
    page.wait_for_url(lambda url: "/feedback" in url)
    rows = page.locator("#differences tr.diff-row")
    expect(rows).to_have_count(5)
    for kind, gold_text, own_text in (
        ("match", "Geneva", "Geneva"),
        ("boundary", "A new chapter", "new chapter"),
        ("label", "they said", "they said"),
        ("missed", "Leaders", None),
        ("extra", None, "met"),
    ):
        row = page.locator(f"#differences tr[data-kind={kind}]")
        expect(row).to_have_count(1)
        cells = row.locator("td")
        if gold_text:
            expect(cells.nth(1)).to_contain_text(gold_text)
        if own_text:
            expect(cells.nth(2)).to_contain_text(own_text)
    # the label's description and its guideline section are there
    label_row = page.locator("#differences tr[data-kind=label]")
    expect(label_row).to_contain_text("Claim")
    expect(label_row).to_contain_text("Framing")
    expect(page.locator("#differences tr[data-kind=match] a.guideline-link")).to_have_text(
        "guidelines: Sources"
    )
    # highlights on both sides, by kind
    expect(page.locator("#gold-text mark.diff-missed")).to_have_text("Leaders")
    expect(page.locator("#own-text mark.diff-extra")).to_have_text("met")
    expect(page.locator("#own-text mark.diff-boundary")).to_have_text("new chapter")
    expect(page.locator("#feedback-score")).to_contain_text("Score")
    # one training item and a score below the pass mark: the progress page offers a retry
    page.click("#feedback-next")
    expect(page.locator("#training-status")).to_contain_text("below the pass mark")
