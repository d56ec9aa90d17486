"""Required questions and the confirm on an empty Done, in headless Chromium: Done is refused
with a message until the required question is answered; on an article without spans Done asks
once ("No spans — mark done anyway?") and only a yes marks it done."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, DocumentQuestion
from tests.browser.helpers import open_article, wait_saved

pytestmark = pytest.mark.browser


def _set_required(live_server, project_id, value: bool):
    """Through the ORM, as the labels page does: the change restamps the cached schema."""
    with live_server.db():
        questions = db.session.execute(
            select(DocumentQuestion).where(DocumentQuestion.project_id == project_id)
        ).scalars()
        for question in questions:
            question.required = value
        db.session.commit()
        db.session.remove()


@pytest.fixture
def required(live_server, world):
    _set_required(live_server, world["project"], True)
    yield world
    _set_required(live_server, world["project"], False)


def status_of(live_server, world, document):
    with live_server.db():
        status = db.session.execute(
            select(Assignment.status).where(
                Assignment.user_id == world["alice"], Assignment.document_id == document
            )
        ).scalar_one()
        db.session.remove()
    return status


def test_required_question_and_confirm_on_empty_done(live_server, required, page, login):
    world = required
    login(page, "alice")
    open_article(page, live_server.url, world["project"], world["second"])
    expect(page.locator("fieldset.question.required legend")).to_contain_text("*")
    dialogs, answer = [], {"yes": False}

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.accept() if answer["yes"] else dialog.dismiss()

    page.on("dialog", on_dialog)
    page.click("#done-button")
    expect(page.locator("#message")).to_contain_text("Answer the required question")
    assert dialogs == [] and status_of(live_server, world, world["second"]) == "todo"
    # The server refuses too (a client that skips the check).
    refused = page.evaluate(
        """async (url) => {
            const token = document.querySelector('meta[name=csrf-token]').content;
            const r = await fetch(url, {method: 'POST', headers: {'Content-Type':
              'application/json', 'X-CSRFToken': token}, body: JSON.stringify({status: 'done'})});
            return [r.status, (await r.json()).error];
        }""",
        f"{live_server.url}/api/v1/documents/{world['second']}/status",
    )
    assert refused[0] == 400 and "required question" in str(refused[1])
    page.locator("#questions input[value='2']").check()
    wait_saved(page)
    page.click("#done-button")  # no spans: asks; "no" keeps the article open
    expect(page.locator("#done-button")).to_be_enabled()
    assert dialogs == ["No spans — mark done anyway?"]
    assert status_of(live_server, world, world["second"]) == "todo"
    answer["yes"] = True
    status_url = f"/api/v1/documents/{world['second']}/status"
    with page.expect_response(lambda r: r.url.endswith(status_url)) as response:
        page.click("#done-button")
    assert response.value.status == 200
    page.wait_for_url(lambda url: "/annotate" not in url or f"/{world['second']}/" not in url)
    assert dialogs == ["No spans — mark done anyway?"] * 2
    assert status_of(live_server, world, world["second"]) == "done"
