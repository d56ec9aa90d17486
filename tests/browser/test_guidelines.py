"""Guidelines in Chromium (issue 22): the live preview while the lead edits the Markdown
(debounced, rendered and sanitised by the server, CSP intact), and the version history with
the diff between two chosen versions."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from annotator.extensions import db
from annotator.models import GuidelineVersion, Project

pytestmark = pytest.mark.browser


@contextmanager
def restore_guidelines(live_server, world):
    """Put the project's guidelines (text, version, stored versions) back afterwards; yields
    (text, version) as they were."""
    with live_server.db():
        project = db.session.get(Project, world["project"])
        saved = project.guidelines, project.guidelines_version
        db.session.remove()
    try:
        yield saved
    finally:
        with live_server.db():
            project = db.session.get(Project, world["project"])
            project.guidelines, project.guidelines_version = saved
            db.session.execute(
                delete(GuidelineVersion).where(
                    GuidelineVersion.project_id == world["project"],
                    GuidelineVersion.version > saved[1],
                )
            )
            db.session.commit()
            db.session.remove()


@pytest.fixture
def guidelines_restored(live_server, world):
    with restore_guidelines(live_server, world) as saved:
        yield saved


def add_version(live_server, world, text: str) -> int:
    """A new version of the guidelines, saved by the lead; returns its number."""
    from annotator.models import User
    from annotator.services.projects.guideline_versions import save_guidelines

    with live_server.db():
        project = db.session.get(Project, world["project"])
        save_guidelines(project, text, db.session.get(User, world["lena"]))
        db.session.commit()
        number = project.guidelines_version
        db.session.remove()
    return number


def test_live_preview_while_the_lead_types(page, login, live_server, world, guidelines_restored):
    posts: list[str] = []
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and "/preview" in r.url else None,
    )
    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{world['project']}/settings")
    preview = page.locator("#preview-body")
    expect(preview.locator("h1")).to_have_text("Media-bias annotation guidelines")  # saved text
    expect(page.locator("#guidelines-preview")).to_have_attribute("data-ready", "true")
    box = page.locator("#guidelines")
    box.fill("")
    box.press_sequentially("## Quotes first\n\nMark *every* quote.", delay=15)
    expect(preview.locator("h2")).to_have_text("Quotes first")
    expect(preview.locator("em")).to_have_text("every")
    expect(page.locator("#preview-status")).to_contain_text("unsaved")
    assert 1 <= len(posts) <= 4, posts  # debounced: not one request per keystroke (35 keys)
    # Raw HTML and script links are the server's sanitiser's business: shown as text, inert.
    box.fill('<img src=x onerror="alert(1)"> [click](javascript:alert(2)) **bold**')
    expect(preview.locator("strong")).to_have_text("bold")
    expect(preview.locator("img")).to_have_count(0)
    expect(preview.locator('a[href^="javascript"]')).to_have_count(0)
    expect(preview).to_contain_text('<img src=x onerror="alert(1)">')
    # Nothing is stored until the lead saves; saving makes the next version.
    assert (
        page.locator("#guidelines-version-hint")
        .inner_text()
        .startswith(f"Guidelines version {guidelines_restored[1]};")
    )
    page.click("input[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("Settings saved.")
    expect(page.locator("#guidelines-version-hint")).to_contain_text(
        f"Guidelines version {guidelines_restored[1] + 1};"
    )
    expect(preview.locator("strong")).to_have_text("bold")  # the saved text, server-rendered


def test_versions_and_the_diff_between_two(page, login, live_server, world, guidelines_restored):
    base = guidelines_restored[1]
    add_version(live_server, world, "# Rules\n\nLabel every quote.\nKeep this.\nOld rule.\n")
    add_version(live_server, world, "# Rules\n\nLabel every direct quote.\nKeep this.\nNew one.\n")
    login(page, "alice")  # annotators read the history and the changes too
    page.goto(f"{live_server.url}/projects/{world['project']}")
    page.click(".subnav >> text=Guidelines")
    expect(page).to_have_url(re.compile(r"/guidelines$"))
    rows = page.locator("#versions tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(f"Version {base + 2} (current)")
    expect(rows.first).to_contain_text("lena")
    # Compare the first and the newest: choose them, submit, read the marked changes.
    page.select_option("select[name=from]", str(base))
    page.select_option("select[name=to]", str(base + 2))
    page.click("text=Show the changes")
    expect(page).to_have_url(re.compile(rf"/guidelines/diff\?from={base}&to={base + 2}$"))
    expect(page.locator("h1")).to_contain_text(f"from version {base} to {base + 2}")
    diff = page.locator("#diff")
    expect(diff.locator("tr.ins").filter(has_text="Label every direct quote.")).to_have_count(1)
    # consecutive versions: the word that changed is its own <ins>, the sign and word say it
    page.goto(
        f"{live_server.url}/projects/{world['project']}/guidelines/diff"
        f"?from={base + 1}&to={base + 2}"
    )
    expect(diff.locator("tr.ins ins").first).to_have_text(re.compile(r"^\s*direct\s*$"))
    expect(diff.locator("tr.del").first.locator(".sign")).to_have_text("−removed")
    expect(diff.locator("tr.ins").first.locator(".sign")).to_have_text("+added")
    # not by colour alone: struck through and underlined
    decoration = diff.locator("tr.ins ins").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    assert decoration == "underline"
    struck = diff.locator("tr.del del").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    assert struck == "line-through"
    expect(page.locator("#diff-summary")).to_contain_text("2 lines added")
    # one version, with its Markdown source
    page.get_by_role("link", name=f"Version {base + 1}", exact=True).click()
    expect(page.locator("h1").first).to_contain_text(f"guidelines version {base + 1}")
    page.click("summary")
    expect(page.locator(".guidelines-source")).to_contain_text("Old rule.")
