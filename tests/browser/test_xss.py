"""User data shown in the browser is inert: no dialog fires and no injected script runs."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.models import Document, Project, Span
from annotator.services.accounts.users import get_user
from annotator.services.projects.assigning import assign
from annotator.services.projects.projects import (
    add_member,
    create_project,
    save_label,
    save_question,
)
from tests.browser.helpers import open_article
from tests.factories import make_document

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__xss = 1; alert('script')</script>"
IMG = "<img src=x onerror=\"window.__xss = 2; alert('img')\">"
PAYLOAD = f"{SCRIPT} {IMG}"


@pytest.fixture
def hostile(live_server, world):
    """A project whose every user-visible string carries a payload."""
    with live_server.db():
        lena, alice = get_user("lena"), get_user("alice")
        name = "Hostile " + str(world["news"])
        project = db.session.query(Project).filter_by(name=name).one_or_none()
        if project is None:
            project = create_project(name, preset="empty", lead=lena, description=PAYLOAD)
            project.guidelines = (
                f"# Rules {SCRIPT}\n\n{IMG}\n\n[click me](javascript:window.__xss=3)\n"
            )
            add_member(project, alice, "annotator")
            label = save_label(
                project,
                name="Bias",
                color="#fbbf24",
                shortcut="1",
                description=PAYLOAD,
                attributes=[
                    {"name": "kind", "type": "choice", "options": [SCRIPT, "plain"]},
                    {"name": "who", "type": "text", "options": []},
                ],
            )
            save_question(project, name="q", text=PAYLOAD, kind="choice", options=[IMG, "fine"])
            doc = make_document(
                project,
                f"Intro {SCRIPT} middle {IMG} end.",
                external_id="xss",
                title=PAYLOAD,
                outlet=IMG,
            )
            assign(project)
            start = doc.text.index("middle")
            db.session.add(
                Span(
                    document_id=doc.id,
                    user_id=alice.id,
                    label_id=label.id,
                    start=start,
                    end=start + 6,
                    text="middle",
                    attributes={"kind": SCRIPT, "who": IMG},
                    note=PAYLOAD,
                )
            )
            db.session.commit()
        document = db.session.query(Document).filter_by(project_id=project.id).one()
        ids = {"project": project.id, "document": document.id}
        db.session.remove()
    return ids


def watch(page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def assert_inert(page, dialogs):
    assert dialogs == []
    assert page.evaluate("window.__xss") is None


def test_annotate_page_shows_payloads_as_text(live_server, hostile, page, login):
    dialogs = watch(page)
    login(page, "alice")
    open_article(page, live_server.url, hostile["project"], hostile["document"])
    assert SCRIPT in page.locator("#article").inner_text()
    page.locator("[data-span-id]").first.click()
    page.wait_for_timeout(300)
    body = page.locator("body").inner_text()
    assert "<img src=x" in body
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not any(h.strip().lower().startswith("javascript:") for h in links)
    assert_inert(page, dialogs)


@pytest.mark.parametrize("path", ["", "/labels", "/documents", "/agreement", "/export"])
def test_lead_pages_are_inert(live_server, hostile, page, login, path):
    dialogs = watch(page)
    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{hostile['project']}{path}")
    page.wait_for_load_state("networkidle")
    assert_inert(page, dialogs)


def test_lead_lanes_view_is_inert(live_server, hostile, page, login):
    dialogs = watch(page)
    login(page, "lena")
    open_article(page, live_server.url, hostile["project"], hostile["document"], "?annotator=*")
    page.wait_for_timeout(300)
    assert_inert(page, dialogs)
