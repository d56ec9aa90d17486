"""Lead tools in Chromium: the article list's filters, manual assignment with its confirm,
multi-file upload, an article's span history, and the favicon (no 404 in any page's log)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select, update

from annotator.extensions import db
from annotator.models import Assignment, Document, Label, Span, User


@pytest.fixture
def restore(live_server, world):
    """Put the seeded assignments (every article to alice and bob) back afterwards."""
    yield
    with live_server.db():
        seeded = [world["news"], world["emoji"], world["second"]]
        db.session.execute(delete(Document).where(Document.id.not_in(seeded)))
        db.session.execute(delete(Assignment))
        db.session.add_all(
            Assignment(document_id=d, user_id=u, project_id=world["project"])
            for d in seeded
            for u in (world["alice"], world["bob"])
        )
        db.session.commit()
        db.session.remove()


def _alice_done_with_a_span(live_server, world) -> None:
    from tests.factories import make_span

    with live_server.db():
        db.session.execute(
            update(Assignment)
            .where(Assignment.document_id == world["emoji"], Assignment.user_id == world["alice"])
            .values(status="done")
        )
        framing = db.session.execute(
            select(Label.id).where(Label.project_id == world["project"], Label.name == "Framing")
        ).scalar_one()
        alice = db.session.get(User, world["alice"])
        doc = db.session.get(Document, world["emoji"])
        make_span(alice, doc, {"label_id": framing, "start": 0, "end": 7, "text": "Leaders"})
        db.session.commit()
        db.session.remove()


def _titles(page) -> list[str]:
    return page.locator("tbody tr td:nth-child(3)").all_inner_texts()


def test_filters_and_search(page, login, live_server, world, restore):
    _alice_done_with_a_span(live_server, world)
    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{world['project']}/documents")
    assert _titles(page) == ["Tidal barrier", "Geneva", "Second"]
    page.fill("input[name=q]", "tidal")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#article-count")).to_contain_text("1 article matches")
    assert _titles(page) == ["Tidal barrier"]
    page.click("text=Clear")
    page.select_option("select[name=status]", "done")
    page.click("form.filters button[type=submit]")
    assert _titles(page) == ["Geneva"]
    assert "status=done" in page.url
    page.select_option("select[name=status]", "")
    page.select_option("form.filters select[name=annotator]", "bob")
    page.check("input[name=disagreement]")
    page.click("form.filters button[type=submit]")
    assert _titles(page) == []  # bob has not finished any article
    expect(page.locator("#article-count")).to_contain_text("0 articles match")


def test_manual_assignment_confirms_before_taking_started_work(
    page, login, live_server, world, restore
):
    _alice_done_with_a_span(live_server, world)
    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{world['project']}/documents")
    # Unstarted work moves without a question: "Second" from bob to... alice already has it,
    # so un-assign bob from it.
    page.check("tr:has-text('Second') input[name=doc]")
    page.select_option("#assign-action", "unassign")
    expect(page.locator("#to-user-field")).to_be_hidden()
    page.select_option("#from-user-field select", "bob")
    page.click("#assign-form .assign-bar button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("Took 1 article away from bob.")
    # Started work: the confirm page says what will be lost, and nothing changes until it.
    page.check("#select-all")
    expect(page.locator("input[name=doc]:checked")).to_have_count(3)
    page.select_option("#assign-action", "reassign")
    page.select_option("#from-user-field select", "alice")
    page.select_option("#to-user-field select", "bob")
    page.click("#assign-form .assign-bar button[type=submit]")
    confirm = page.locator("#assign-confirm")
    expect(confirm).to_contain_text("alice has started 1 of the 3 selected articles")
    expect(confirm.locator(".lost-work li")).to_have_text("Geneva: done, 1 span")
    with live_server.db():
        assert (
            db.session.execute(
                select(Assignment.status).where(
                    Assignment.document_id == world["emoji"], Assignment.user_id == world["alice"]
                )
            ).scalar_one()
            == "done"
        )
        db.session.remove()
    page.click("text=Take the work away")
    expect(page.locator(".flash-success")).to_contain_text("took 3 articles away from alice")
    with live_server.db():
        rows = db.session.execute(select(Assignment.user_id)).scalars().all()
        assert sorted(rows) == [world["bob"]] * 3
        db.session.remove()


def test_upload_several_files_at_once(page, login, live_server, world, restore, tmp_path):
    one = tmp_path / "first-article.txt"
    one.write_text("A first uploaded article about 🐳 whales.", encoding="utf-8")
    two = tmp_path / "more.jsonl"
    two.write_text(
        '{"id": "m1", "title": "More one", "text": "One more."}\n'
        '{"id": "m2", "title": "More two", "text": "Two more."}\n',
        encoding="utf-8",
    )
    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{world['project']}/import")
    page.set_input_files("input[type=file]", [str(one), str(two)])
    page.click("input[type=submit]")
    expect(page.locator(".flash-success")).to_have_text(
        "Imported 3 articles; skipped 0 duplicates."
    )
    expect(page.locator(".flash-info")).to_have_text(
        [
            "first-article.txt: 1 article imported, 0 duplicates skipped.",
            "more.jsonl: 2 articles imported, 0 duplicates skipped.",
        ]
    )
    # A bad file anywhere in the batch: nothing from any file.
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x1", "text": "Fine."}\n{"id": "x2"}\n', encoding="utf-8")
    fresh = tmp_path / "fresh.txt"
    fresh.write_text("Never stored.", encoding="utf-8")
    page.goto(f"{live_server.url}/projects/{world['project']}/import")
    page.set_input_files("input[type=file]", [str(fresh), str(bad)])
    page.click("input[type=submit]")
    expect(page.locator(".flash-error")).to_contain_text("Nothing was imported.")
    expect(page.locator(".flash-error")).to_contain_text("bad.jsonl:2")
    expect(page.locator(".flash-error")).to_contain_text("None of the 2 files")
    with live_server.db():
        titles = db.session.execute(select(Document.external_id)).scalars().all()
        assert "x1" not in titles and "fresh" not in titles
        db.session.remove()


def test_span_history_for_the_lead(page, login, live_server, world, restore):
    from annotator.services.annotation.spans import update_span

    _alice_done_with_a_span(live_server, world)
    with live_server.db():
        alice = db.session.get(User, world["alice"])
        span = db.session.execute(select(Span).where(Span.user_id == world["alice"])).scalar_one()
        update_span(alice, span.id, {"start": 10, "end": 13, "text": "met", "version": 1})
        db.session.commit()
        db.session.remove()
    login(page, "lena")
    page.goto(f"{live_server.url}/projects/{world['project']}/documents")
    page.click("tr:has-text('Geneva') >> text=History")
    rows = page.locator("#history tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".change")).to_have_text("created Framing [0, 7)")
    expect(rows.nth(1).locator(".change")).to_have_text("resized [0, 7) → [10, 13)")
    expect(rows.nth(1)).to_contain_text("alice")
    expect(rows.nth(1)).to_contain_text("Framing [10, 13) met")
    page.click(".subnav >> text=History")  # the project's audit log from the menu
    expect(page).to_have_url(re.compile(r"/audit$"))
    with page.expect_download() as download:
        page.click("text=CSV")
    assert download.value.suggested_filename.endswith(".csv")


def test_no_404_in_any_page_log(page, login, live_server, world):
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    login(page, "lena")
    for path in ("/", f"/projects/{world['project']}", f"/projects/{world['project']}/documents"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert missing == []
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert re.search(r"/static/[0-9a-f]+/favicon\.svg$", icon)  # content-hashed static URL
