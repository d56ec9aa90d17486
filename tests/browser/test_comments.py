"""Questions to the lead in Chromium (issue 22): an annotator asks about a span, the lead sees
it in the open-questions list, answers on the annotate page and resolves it; the other
annotator of the same article (blind project) never sees it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotator.extensions import db
from annotator.models import Comment, Project
from tests.browser.helpers import mouse_select, open_article, wait_saved

pytestmark = pytest.mark.browser


@pytest.fixture
def blind_world(live_server, world):
    with live_server.db():
        db.session.query(Comment).delete()
        db.session.get(Project, world["project"]).blind = True
        db.session.commit()
        db.session.remove()
    yield world
    with live_server.db():
        db.session.query(Comment).delete()
        db.session.get(Project, world["project"]).blind = False
        db.session.commit()
        db.session.remove()


def _tab(browser, problems: list[str]):
    """A page in its own context (its own session) that records script errors and CSP reports."""
    tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    tab.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    tab.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return tab


def test_question_about_a_span_answered_and_resolved(live_server, blind_world, browser, login):
    world = blind_world
    url = live_server.url
    problems: list[str] = []
    alice = _tab(browser, problems)
    login(alice, "alice")
    open_article(alice, url, world["project"], world["emoji"])
    mouse_select(alice, "A new chapter,")
    alice.keyboard.press("3")  # Quote
    wait_saved(alice)
    expect(alice.locator("#comment-about-span")).to_be_enabled()
    alice.fill("#comment-body", "Is this a direct quote or a scare quote?")
    alice.check("#comment-about-span")
    alice.click("#comment-send")
    thread = alice.locator("#comment-threads li.thread")
    expect(thread).to_have_count(1)
    expect(thread).to_contain_text("Is this a direct quote or a scare quote?")
    expect(thread.locator(".thread-span")).to_have_text("about “A new chapter,”")
    expect(alice.locator("#comment-count")).to_have_text("1")
    # Typing in the box never triggers label shortcuts ("3" is Quote).
    assert len(alice.evaluate("window.annotatorPage.store.sorted()")) == 1

    # Bob has the same article in the blind project: no trace of alice's question.
    bob = _tab(browser, problems)
    login(bob, "bob")
    open_article(bob, url, world["project"], world["emoji"])
    expect(bob.locator("#comment-count")).to_have_text("0")
    expect(bob.locator("#comment-threads li")).to_have_count(0)
    assert "scare quote?" not in bob.content()

    # The lead: the open-questions list, then the thread on alice's view of the article.
    lena = _tab(browser, problems)
    login(lena, "lena")
    lena.goto(f"{url}/projects/{world['project']}")
    lena.click("nav.subnav >> text=Open questions")
    item = lena.locator("#question-list li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("alice")
    expect(item).to_contain_text("A new chapter,")
    item.locator("a", has_text="Geneva").click()
    expect(lena.locator("#annotate")).to_have_attribute("data-ready", "true")
    lead_thread = lena.locator("#comment-threads li.thread")
    expect(lead_thread).to_have_count(1)
    lead_thread.locator(".reply-body").fill("Direct: it is in quotation marks.")
    lead_thread.locator(".reply-form button").click()
    expect(lead_thread.locator(".thread-reply")).to_have_text(
        "lena: Direct: it is in quotation marks."
    )
    lead_thread.locator(".resolve-button").click()
    expect(lead_thread.locator(".thread-status")).to_have_text("resolved")
    lena.goto(f"{url}/projects/{world['project']}/comments")
    expect(lena.locator("#no-questions")).to_be_visible()

    # Alice sees the answer; clicking "about …" picks the span.
    alice.reload()
    expect(alice.locator("#annotate")).to_have_attribute("data-ready", "true")
    expect(alice.locator("#comment-threads .thread-reply")).to_contain_text("Direct:")
    expect(alice.locator("#comment-threads .thread-status")).to_have_text("resolved")
    alice.click("#comment-threads .thread-span")
    expect(alice.locator("#span-panel")).to_contain_text("A new chapter,")
    for tab in (alice, bob, lena):
        tab.context.close()
    assert problems == []
