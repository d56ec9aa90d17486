"""Guidelines versions (every saved text kept, who and when), the version and diff pages, and
the settings page's live preview endpoint (issue 22)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import GuidelineVersion, Project
from annotator.services.projects.guideline_versions import save_guidelines, versions
from tests.conftest import make_app
from tests.factories import make_world

SETTINGS = {"name": "Bias study", "description": "", "per_doc": "2", "blind": "y"}


@pytest.fixture
def world(app):
    with app.app_context():
        return make_world()


def stored(app, project_id: int) -> list[tuple[int, str, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(GuidelineVersion.version, GuidelineVersion.text, GuidelineVersion.author_id)
            .where(GuidelineVersion.project_id == project_id)
            .order_by(GuidelineVersion.version)
        ).all()
        return [tuple(r) for r in rows]


def save(client, world, text: str, **extra):
    data = {**SETTINGS, "guidelines": text, **extra}
    return client.post(f"/projects/{world['project']}/settings", data=data)


def test_a_new_project_stores_its_first_version(app, world):
    rows = stored(app, world["project"])
    assert len(rows) == 1
    version, text, author = rows[0]
    assert version == 1 and text.startswith("# Media-bias annotation guidelines")
    assert author == world["lead"]


def test_every_changed_save_is_a_new_stored_version(app, client, auth, world):
    auth.login("lena")
    assert save(client, world, "# Rules\n\nLabel quotes.\n").status_code == 302
    assert save(client, world, "# Rules\n\nLabel quotes.\n").status_code == 302  # unchanged
    assert save(client, world, "# Rules\n\nLabel quotes and sources.\n").status_code == 302
    rows = stored(app, world["project"])
    assert [r[0] for r in rows] == [1, 2, 3]
    assert rows[1][1:] == ("# Rules\n\nLabel quotes.\n", world["lead"])
    assert rows[2][1] == "# Rules\n\nLabel quotes and sources.\n"
    with app.app_context():
        project = db.session.get(Project, world["project"])
        assert project.guidelines_version == 3
        assert project.guidelines == rows[2][1]


def test_a_project_without_stored_versions_keeps_its_text_on_the_next_save(app, world):
    """A project whose current text has no row (made before versions were stored) lists it,
    author unknown, and its next save stores it before the new text."""
    with app.app_context():
        db.session.execute(GuidelineVersion.__table__.delete())
        project = db.session.get(Project, world["project"])
        project.guidelines, project.guidelines_version = "Old text", 4
        db.session.commit()
        listed = versions(project)
        assert [(v.version, v.text, v.author, v.current) for v in listed] == [
            (4, "Old text", None, True)
        ]
        assert save_guidelines(project, "New text", None) is True
        assert save_guidelines(project, "New text", None) is False
        db.session.commit()
    assert stored(app, world["project"]) == [(4, "Old text", None), (5, "New text", None)]


def test_the_guidelines_pages_are_for_members(app, client, auth, world):
    auth.login("lena")
    save(client, world, "# Rules\n\nLabel quotes.\n")
    auth.logout()
    p = f"/projects/{world['project']}/guidelines"
    assert client.get(p).status_code == 302  # signed out: the login page
    auth.login("alice")  # an annotator reads the guidelines, the versions and the diffs
    page = client.get(p).get_data(as_text=True)
    assert "Version 2, saved by lena" in page and "Label quotes." in page
    assert page.count(f'href="/projects/{world["project"]}/guidelines/versions/') == 2
    assert "Edit the guidelines" not in page  # no link to the lead's settings
    assert client.get(p + "/versions/1").status_code == 200
    assert client.get(p + "/diff?from=1&to=2").status_code == 200
    assert client.post(p + "/preview", json={"markdown": "x"}).status_code == 403
    auth.logout()
    auth.login("otto")  # a member of another project: as if there were no such project
    for url in (p, p + "/versions/1", p + "/diff"):
        assert client.get(url).status_code == 404
    assert client.post(p + "/preview", json={"markdown": "x"}).status_code == 404
    assert client.get("/projects/999/guidelines").status_code == 404


def test_a_version_page_shows_the_sanitised_text_and_its_source(app, client, auth, world):
    auth.login("lena")
    evil = "# Old\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) and *fine*\n"
    save(client, world, evil)
    save(client, world, "# New\n")
    page = client.get(f"/projects/{world['project']}/guidelines/versions/2").get_data(True)
    assert "<h1>Old</h1>" in page and "<em>fine</em>" in page
    assert "<script>alert(1)" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the source, escaped
    assert "Saved by lena" in page
    assert client.get(f"/projects/{world['project']}/guidelines/versions/99").status_code == 404
    assert "(current)" in client.get(f"/projects/{world['project']}/guidelines/versions/3").text


def diff_rows(page: str) -> list[tuple[str, str]]:
    """(row class, text with <del>/<ins> kept) of the diff table."""
    body = page.split('<table class="diff"', 1)[1].split("</table>", 1)[0]
    out = []
    for kind, line in re.findall(
        r'<tr class="(same|del|ins)">.*?<td class="line">(.*?)</td>', body, re.S
    ):
        out.append((kind, html.unescape(line)))
    return out


def test_the_diff_page_marks_lines_and_words(app, client, auth, world):
    auth.login("lena")
    save(client, world, "# Rules\n\nLabel every quote.\nKeep this line.\nDrop this line.\n")
    save(client, world, "# Rules\n\nLabel every direct quote.\nKeep this line.\nA new rule.\n")
    url = f"/projects/{world['project']}/guidelines/diff"
    page = client.get(url).get_data(as_text=True)  # default: the current and the one before
    assert "from version 2 to 3" in page
    assert '2 lines added</span>, <span class="removed">2 lines removed' in page
    rows = diff_rows(page)
    assert ("del", "Label every quote.") in rows
    assert ("ins", "Label every <ins>direct </ins>quote.") in rows  # the word that changed
    assert ("del", "<del>Drop this line.</del>") in rows  # too different: a whole line
    assert ("ins", "<ins>A new rule.</ins>") in rows
    assert ("same", "Keep this line.") in rows
    # not by colour only: every changed row says so in words and with a sign
    assert page.count('<span class="visually-hidden">removed</span>') == 2
    assert page.count('<span aria-hidden="true">+</span>') == 2
    same = client.get(url + "?from=3&to=3").get_data(as_text=True)
    assert "compared with itself" in same and 'class="diff"' not in same
    backwards = diff_rows(client.get(url + "?from=3&to=2").get_data(as_text=True))
    assert ("ins", "<ins>Drop this line.</ins>") in backwards
    assert client.get(url + "?from=abc").status_code == 400
    assert client.get(url + "?from=1&to=42").status_code == 404


def test_the_diff_skips_long_unchanged_runs(app, client, auth, world):
    auth.login("lena")
    lines = [f"Rule {i}." for i in range(1, 41)]
    save(client, world, "\n".join(lines))
    changed = list(lines)
    changed[19] = "Rule twenty."
    save(client, world, "\n".join(changed))
    page = client.get(f"/projects/{world['project']}/guidelines/diff").get_data(as_text=True)
    assert "16 unchanged lines not shown" in page and "17 unchanged lines not shown" in page
    assert len(diff_rows(page)) == 3 + 2 + 3


def test_preview_renders_like_the_annotate_page(app, client, auth, world):
    auth.login("lena")
    url = f"/projects/{world['project']}/guidelines/preview"
    md = "## Quotes\n\n<b>raw</b> [ok](https://example.org) [bad](javascript:alert(1))\n"
    response = client.post(url, json={"markdown": md})
    assert response.status_code == 200
    out = response.get_json()["html"]
    assert "<h2>Quotes</h2>" in out and "&lt;b&gt;raw&lt;/b&gt;" in out
    assert 'href="https://example.org"' in out and 'href="javascript' not in out
    assert stored(app, world["project"])[-1][0] == 1  # nothing stored
    assert client.post(url, json={"markdown": 5}).status_code == 400
    assert client.post(url, data={"markdown": "x"}).status_code == 400  # JSON only
    too_long = client.post(url, json={"markdown": "x" * 100_001})
    assert too_long.status_code == 400 and "100,000" in too_long.get_json()["error"]


def test_preview_needs_the_csrf_token(database_url, _schema, tmp_path):
    app = make_app(database_url, str(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tests.conftest import _empty_tables

        _empty_tables()
        world = make_world()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "lena", "password": "correct-horse-1",
                                "csrf_token": token})  # fmt: skip
    settings = client.get(f"/projects/{world['project']}/settings").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', settings).group(1)
    url = f"/projects/{world['project']}/guidelines/preview"
    assert client.post(url, json={"markdown": "*x*"}).status_code == 400
    ok = client.post(url, json={"markdown": "*x*"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.get_json()["html"] == "<p><em>x</em></p>\n"
    with app.app_context():
        _empty_tables()


def test_settings_page_keeps_the_edit_when_the_name_is_taken(app, client, auth, world):
    auth.login("lena")
    response = save(client, world, "My unsaved rules", name="Other study")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Another project already has this name." in page
    assert "My unsaved rules" in page  # the textarea and its preview keep the lead's text
    assert [r[0] for r in stored(app, world["project"])] == [1]


def test_a_concurrent_save_of_the_same_version_is_refused(app, client, auth, world):
    """Two leads saving version 2 at once: the second gets a message, not a 500."""
    with app.app_context():
        db.session.add(GuidelineVersion(project_id=world["project"], version=2, text="theirs"))
        db.session.commit()
    auth.login("lena")
    response = save(client, world, "mine")
    assert response.status_code == 400
    assert "Someone saved the guidelines meanwhile" in response.get_data(as_text=True)
    assert [r[1] for r in stored(app, world["project"])][1] == "theirs"


def test_migration_backfills_the_current_text_as_its_version(tmp_path):
    """0018 creates guideline_version with one row a project: its current text and number;
    the write-stamp triggers cover the new table; downgrading drops it again."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from annotator.services.database import MIGRATIONS, upgrade_database

    url = "sqlite:///" + str(tmp_path / "backfill.sqlite")
    app = make_app(url, str(tmp_path / "instance"))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0018docpurpose")
        with db.engine.begin() as connection:
            for name, guidelines, version in (("a", "# Old rules", 3), ("b", "", 1)):
                connection.execute(
                    text(
                        "INSERT INTO project (name, description, guidelines, guidelines_version, "
                        "per_doc, blind, snap_to_words, hide_outlet, suggestions, "
                        "suggestions_in_blind, schema_stamp, created_at) VALUES (:n, '', :g, :v, "
                        "1, 1, 1, 0, 0, 0, 'x', '2026-01-01 00:00:00')"
                    ),
                    {"n": name, "g": guidelines, "v": version},
                )
        upgrade_database()
        with db.engine.begin() as connection:
            rows = connection.execute(
                text(
                    "SELECT p.name, g.version, g.text, g.author_id, g.created_at FROM "
                    "guideline_version g JOIN project p ON p.id = g.project_id ORDER BY p.name"
                )
            ).all()
            triggers = connection.execute(
                text(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                    "name LIKE 'write_stamp_guideline_version_%'"
                )  # fmt: skip
            ).scalar()
        assert [r[:4] for r in rows] == [("a", 3, "# Old rules", None), ("b", 1, "", None)]
        assert rows[1][4].startswith("2026-01-01")  # never edited: the project's own time
        assert triggers == 3
        project = db.session.execute(select(Project).where(Project.name == "a")).scalar_one()
        assert [(v.version, v.text, v.current) for v in versions(project)] == [
            (3, "# Old rules", True)
        ]
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision="0018docpurpose")
        assert "guideline_version" not in inspect(db.engine).get_table_names()
        db.engine.dispose()
