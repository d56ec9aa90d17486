"""The annotate page's first paint: the article's data in the page (no second round trip) and
static files under content-hashed URLs that browsers keep for a year."""

from __future__ import annotations

import json
import re

import pytest

from annotator import config
from annotator.extensions import db
from annotator.models import Document, Project, User
from tests.factories import make_document, make_span, make_world

DATA = re.compile(rb'<script type="application/json" id="annotate-data">(.*?)</script>', re.S)


@pytest.fixture
def world(app):
    with app.app_context():
        return make_world()


def _embedded(page: bytes) -> dict | None:
    match = DATA.search(page)
    return json.loads(match.group(1)) if match else None


def _page(world) -> str:
    return f"/projects/{world['project']}/documents/{world['document']}/annotate"


def test_the_page_carries_what_the_api_answers(app, client, auth, world):
    with app.app_context():
        doc = db.session.get(Document, world["document"])
        alice = db.session.get(User, world["alice"])
        label = db.session.get(Project, world["project"]).labels[0]
        start = doc.text.index("🤝")
        make_span(
            alice, doc, {"label_id": label.id, "start": start, "end": start + 1, "text": "🤝"}
        )
        db.session.commit()
    auth.login("alice")
    response = client.get(_page(world))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # never shown stale from the cache
    embedded = _embedded(response.data)
    api = client.get(f"/api/v1/documents/{world['document']}").get_json()
    assert embedded == api
    assert [s["text"] for s in embedded["spans"]] == ["🤝"]
    assert b'rel="preload" as="fetch"' not in response.data  # nothing left to fetch


def test_a_lead_viewing_an_annotator_gets_that_view_in_the_page(app, client, auth, world):
    auth.login("lena")
    page = client.get(_page(world) + "?annotator=alice").data
    api = client.get(f"/api/v1/documents/{world['document']}?annotator=alice").get_json()
    assert _embedded(page) == api and api["viewer"]["annotator"] == "alice"


def test_an_error_the_api_would_give_is_left_to_the_page_to_fetch_and_show(
    app, client, auth, world
):
    auth.login("lena")
    response = client.get(_page(world) + "?annotator=nobody")
    assert response.status_code == 200
    assert _embedded(response.data) is None
    assert b'rel="preload" as="fetch"' in response.data
    api = client.get(f"/api/v1/documents/{world['document']}?annotator=nobody")
    assert api.status_code == 404


def test_article_text_cannot_end_the_data_block(app, client, auth, world):
    text = "Before </script><script>alert(1)</script> <!-- & after"
    with app.app_context():
        project = db.session.get(Project, world["project"])
        doc = make_document(project, text, external_id="tricky")
        doc_id = doc.id
    auth.login("lena")
    page = client.get(f"/projects/{world['project']}/documents/{doc_id}/annotate").data
    block = DATA.search(page).group(1)
    assert b"<" not in block and b">" not in block and b"&" not in block
    assert json.loads(block)["document"]["text"] == text
    # base.html's script, the data block and the module: nothing injected
    assert page.count(b"<script") == 3


def test_static_urls_carry_a_hash_of_the_files_and_are_kept_for_a_year(app, client, auth, world):
    auth.login("alice")
    page = client.get(_page(world)).data.decode()
    build = config.static_build()
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert urls and all(u.startswith(f"/static/{build}/") for u in urls)
    module = next(u for u in urls if u.endswith("/annotate.js"))
    response = client.get(module)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The modules import each other relatively, so the hash carries over to every import.
    assert 'from "./api.js"' in response.get_data(as_text=True)
    assert client.get(module.replace(build, "0" * 12)).status_code == 404
    assert client.get("/static/js/annotate/annotate.js").status_code == 404


def test_the_hash_changes_with_any_file(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("one")
    first = config.static_build.__wrapped__(str(tmp_path))
    assert config.static_build.__wrapped__(str(tmp_path)) == first
    (tmp_path / "js" / "a.js").write_text("two")
    second = config.static_build.__wrapped__(str(tmp_path))
    (tmp_path / "js" / "b.js").write_text("")
    third = config.static_build.__wrapped__(str(tmp_path))
    assert len({first, second, third}) == 3 and len(first) == 12
