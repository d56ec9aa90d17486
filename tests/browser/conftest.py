"""Live-server fixtures for the browser tests: the real app (CSRF on) on 127.0.0.1 with its own
temporary SQLite file, driven by Debian's Chromium through Playwright's sync API.

Never downloads browsers. Without /usr/bin/chromium the tests skip locally and fail in CI.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from annotator.extensions import db
from tests.conftest import TEST_PASSWORD, make_app
from tests.shared import NEWS_ARTICLE

CHROMIUM = os.environ.get("ANNOTATOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
EMOJI_ARTICLE = "Leaders 🤝 met in Geneva. “A new chapter,” they said."
SECOND_ARTICLE = "A second article.\nIt has two short paragraphs about talks in Geneva."


def _chromium_or_skip() -> str:
    if os.path.exists(CHROMIUM) or shutil.which(CHROMIUM):
        return CHROMIUM
    message = f"{CHROMIUM} is missing: apt-get install -y chromium"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass
class LiveServer:
    app: object
    url: str

    def db(self):
        """An app context for reading and seeding the database from the test."""
        return self.app.app_context()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    app = make_app(
        "sqlite:///" + str(folder / "browser.sqlite"),
        str(folder / "instance"),
        WTF_CSRF_ENABLED=True,
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def _seeded(live_server):
    """Users, project and articles, created once (password hashing is slow)."""
    from annotator.services.projects.assigning import assign
    from tests.factories import make_document, make_project, make_user

    with live_server.db():
        lead = make_user("lena")
        alice, bob = make_user("alice"), make_user("bob")
        project = make_project("Bias study", lead=lead, annotators=[alice, bob], per_doc=2)
        with open(NEWS_ARTICLE, encoding="utf-8", newline="") as handle:
            news_text = handle.read()
        news = make_document(project, news_text, external_id="news", title="Tidal barrier")
        emoji = make_document(project, EMOJI_ARTICLE, external_id="geneva", title="Geneva")
        second = make_document(project, SECOND_ARTICLE, external_id="second", title="Second")
        assign(project)
        db.session.commit()
        ids = {
            "project": project.id,
            "news": news.id,
            "emoji": emoji.id,
            "second": second.id,
            "lena": lead.id,
            "alice": alice.id,
            "bob": bob.id,
        }
        db.session.remove()
    return ids


@pytest.fixture
def world(live_server, _seeded):
    """Lead lena, annotators alice and bob; the news article (tests/fixtures), an emoji article
    and a short second article, each assigned to both annotators, with no spans, answers or
    progress. Returns ids."""
    from sqlalchemy import delete, update

    from annotator.models import Assignment, DocumentAnswer, Span, SpanEvent

    with live_server.db():
        for model in (SpanEvent, Span, DocumentAnswer):
            db.session.execute(delete(model))
        db.session.execute(
            update(Assignment).values(
                status="todo", skip_reason="", seconds_spent=0, started_at=None, finished_at=None
            )
        )
        db.session.commit()
        db.session.remove()
    return _seeded


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page that fails the test on uncaught script errors and CSP violations."""
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    tab.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield tab
    assert problems == []


@pytest.fixture
def login(live_server):
    """login(page, "alice") through the real form."""

    def do(page, username: str, password: str = TEST_PASSWORD):
        page.goto(f"{live_server.url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)

    return do
