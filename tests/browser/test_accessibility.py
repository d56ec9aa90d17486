"""axe-core over every page type, as the user who sees it (issue 22): 0 serious or critical
violations. axe-core comes bundled with axe-playwright-python (no CDN); Playwright injects it
through the DevTools protocol, so the page's CSP stays as it is."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Comment, Label, Span, User
from tests.browser.conftest import SECOND_ARTICLE
from tests.outlet_corpus import make_outlet_corpus

pytestmark = pytest.mark.browser

SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="module")
def corpus(live_server, _seeded):
    """Outlets, stories and spans for the analysis pages; an admin for the users page."""
    with live_server.db():
        ids = make_outlet_corpus(
            lead=db.session.get(User, _seeded["lena"]),
            alice=db.session.get(User, _seeded["alice"]),
            name="Outlet study (axe)",
        )
        if db.session.execute(select(User).where(User.username == "root")).scalar() is None:
            from tests.factories import make_user

            make_user("root", admin=True)
        db.session.remove()
    return ids


@pytest.fixture
def content(live_server, world, corpus):
    """alice's and bob's spans (a quote linked to its source), and an open question."""
    with live_server.db():
        labels = dict(
            db.session.execute(
                select(Label.name, Label.id).where(Label.project_id == world["project"])
            ).all()
        )
        made = {}
        for key, who, fragment, label in (
            ("a_source", "alice", "talks in Geneva", "Source"),
            ("a_quote", "alice", "A second article", "Quote"),
            ("a_claim", "alice", "two short paragraphs", "Claim"),
            ("b_claim", "bob", "talks", "Claim"),
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
        db.session.get(Span, made["a_quote"]).attributes = {
            "speaker": made["a_source"],
            "form": "direct",
        }
        db.session.add(
            Comment(
                project_id=world["project"],
                document_id=world["second"],
                annotator_id=world["alice"],
                author_id=world["alice"],
                span_id=made["a_quote"],
                body="Is this a quote?",
            )
        )
        db.session.commit()
        db.session.remove()
    yield {**world, **made, "corpus": corpus}
    with live_server.db():
        db.session.query(Comment).delete()
        db.session.commit()
        db.session.remove()


def _serious(axe, page) -> list[str]:
    results = axe.run(page)
    out = []
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [", ".join(map(str, n["target"])) for n in violation["nodes"][:5]]
            out.append(f"{violation['id']} ({violation['impact']}): {'; '.join(targets)}")
    return out


def _check(axe, page, url: str, ready: str | None = None, then=None) -> list[str]:
    page.goto(url)
    if ready:
        expect(page.locator(ready).first).to_be_visible()
    if then:
        then(page)
    return [f"{url}: {v}" for v in _serious(axe, page)]


def _annotate_ready(page):
    expect(page.locator("#annotate")).to_have_attribute("data-ready", "true")


def _open_span_and_guidelines(page):
    _annotate_ready(page)
    page.locator("#span-list li", has_text="A second article").click()
    expect(page.locator("#span-panel")).to_be_visible()
    page.click("#guidelines-button")
    expect(page.locator("#guidelines-panel")).to_be_visible()


def _preview_typed(page):
    page.fill("#guidelines", "## Preview\n\n* a list\n* **bold** and [a link](https://example.org)")
    expect(page.locator("#preview-body h2")).to_have_text("Preview")


def _curation_ready(page):
    expect(page.locator("#curate")).to_have_attribute("data-ready", "true")


def _curation_span_open(page):
    """A span picked: the panel's filled Accept button with its keycap (once white on white)."""
    _curation_ready(page)
    page.locator('.lane[data-lane="alice"] mark', has_text="A second article").first.click()
    expect(page.locator("#accept-span kbd")).to_be_visible()


def _curation_compact(page):
    """Compact mode on, a span picked and its start handle moved by the keyboard (pending)."""
    _curation_ready(page)
    page.get_by_label("Compact: only where annotators differ").check()
    page.locator('.lane[data-lane="alice"] mark', has_text="two short paragraphs").first.click()
    page.locator(".bound-handle.start").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#bounds-status")).not_to_have_text("")


@pytest.fixture
def guideline_versions(live_server, world):
    """Two more versions of the guidelines (for the version list and a real diff), removed
    afterwards."""
    from tests.browser.test_guidelines import add_version, restore_guidelines

    with restore_guidelines(live_server, world):
        add_version(live_server, world, "# Rules\n\nLabel every quote.\nKeep this.\nOld rule.\n")
        add_version(live_server, world, "# Rules\n\nLabel every direct quote.\nKeep this.\n")
        yield


def test_no_serious_violations_on_any_page(
    live_server, content, guideline_versions, page, login, axe
):
    base = live_server.url
    p = f"{base}/projects/{content['project']}"
    c = f"{base}/projects/{content['corpus']['project']}"
    second = content["second"]
    found: list[str] = []

    # Signed out: login, the API docs and the error page.
    found += _check(axe, page, f"{base}/login", "form")
    found += _check(axe, page, f"{base}/api/v1/docs", ".swagger-ui .info")
    found += _check(axe, page, f"{base}/no-such-page")

    # An annotator: home, the annotate page (spans, an arc, the span panel, guidelines, a
    # question), tokens, the project page, a 403 page.
    page.context.clear_cookies()
    login(page, "alice")
    found += _check(axe, page, f"{base}/", "main")
    found += _check(axe, page, f"{p}/documents/{second}/annotate", then=_annotate_ready)
    found += _check(axe, page, f"{p}/documents/{second}/annotate", then=_open_span_and_guidelines)
    found += _check(axe, page, f"{base}/settings/tokens", "main")
    found += _check(axe, page, p, "main")
    found += _check(axe, page, f"{p}/settings")  # 403
    found += _check(axe, page, f"{p}/guidelines", "main")  # versions, for members too
    found += _check(axe, page, f"{p}/guidelines/diff", "#diff")

    # The lead: every project page, stats, exports, model, analysis, curation, questions.
    page.context.clear_cookies()
    login(page, "lena")
    for path in (
        "",
        "/documents",
        "/import",
        "/labels",
        "/members",
        "/settings",
        "/agreement",
        "/export",
        "/model",
        "/curation",
        "/comments",
        "/guidelines",
        "/guidelines/versions/1",
        "/guidelines/diff",
        "/guidelines/diff?from=1",  # the whole preset against the newest
    ):
        found += _check(axe, page, p + path, "main")
    found += _check(axe, page, f"{p}/settings", then=_preview_typed)  # the live preview
    label = content_label(live_server, content["project"])
    found += _check(axe, page, f"{p}/labels/{label}", "main")
    found += _check(axe, page, f"{base}/projects/new", "main")
    found += _check(axe, page, f"{p}/documents/{second}/curate", then=_curation_ready)
    found += _check(axe, page, f"{p}/documents/{second}/curate", then=_curation_span_open)
    found += _check(axe, page, f"{p}/documents/{second}/curate", then=_curation_compact)
    found += _check(
        axe, page, f"{p}/documents/{second}/annotate?annotator=alice", then=_annotate_ready
    )
    found += _check(axe, page, f"{p}/documents/{second}/annotate?annotator=*", then=_annotate_ready)
    for path in ("/analysis", "/outlets", "/stories", "/stories/story-1"):
        found += _check(axe, page, c + path, "main")
    found += _check(axe, page, f"{base}/users")  # 403 for a lead

    # A site admin: user management.
    page.context.clear_cookies()
    login(page, "root")
    found += _check(axe, page, f"{base}/users", "main")
    assert found == [], "\n".join(found)


def content_label(live_server, project_id: int) -> int:
    with live_server.db():
        label = (
            db.session.execute(
                select(Label.id).where(Label.project_id == project_id).order_by(Label.id)
            )
            .scalars()
            .first()
        )
        db.session.remove()
    return label
