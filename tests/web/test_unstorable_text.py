"""Lone surrogates, NUL and NaN: refused with 400 on every endpoint before anything is written;
rows stored before the guard existed are served (as U+FFFD) by every reader, and the repair of
migration 0009 finds, reports and replaces them. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import logging

import pytest
from sqlalchemy import select, text

from annotator.extensions import db
from annotator.models import GoldSpan, Label, Span
from annotator.text_repair import repair_unstorable
from tests.web.test_access import build_url, build_world, entry_for, methods_of, site_rules

SURROGATE_BODY = b'{"label_id": 1, "start": 0, "end": 7, "text": "Leaders", "attributes": '
SURROGATE_BODY += b'{"speaker": "\\udfff"}, "note": "x", "value": "\\udfff", "reason": "\\udfff"}'
BAD_JSON_BODIES = {
    "lone surrogate": SURROGATE_BODY,
    "surrogate key": b'{"\\ud800": 1}',
    "NUL": b'{"note": "a\\u0000b", "value": "\\u0000", "reason": "\\u0000", "text": "\\u0000"}',
    "NaN": b'{"meta": {"x": NaN}, "value": NaN}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.fixture
def world(app):
    return build_world(app)


def _fingerprint() -> str:
    """A digest of every row of every table: equal before and after means nothing written."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        digest.update(repr((table.name, [tuple(map(repr, r)) for r in rows])).encode())
    db.session.rollback()
    return digest.hexdigest()


def _writes(app, world):
    for rule in site_rules(app):
        route = entry_for(rule)
        if route is None:
            continue
        for method in methods_of(rule):
            if method in ("POST", "PUT", "PATCH", "DELETE"):
                yield method, build_url(rule, route, world)


@pytest.mark.parametrize("kind", list(BAD_JSON_BODIES))
def test_every_write_refuses_unstorable_json_before_writing(app, client, auth, world, kind):
    """Every state-changing route, as an admin (who passes every access check), with a JSON
    body holding the bad value: 400, and not one row of any table changed."""
    auth.login("root")
    with app.app_context():
        before = _fingerprint()
    checked = 0
    for method, url in _writes(app, world):
        if url == "/logout":
            continue
        response = client.open(
            url, method=method, data=BAD_JSON_BODIES[kind], content_type="application/json"
        )
        assert response.status_code == 400, (method, url, response.status_code)
        assert "stored" in response.get_json()["error"] or "JSON" in response.get_json()["error"]
        checked += 1
    with app.app_context():
        assert _fingerprint() == before
    assert checked >= 25


def test_every_form_refuses_nul_before_writing(app, client, auth, world):
    auth.login("root")
    with app.app_context():
        before = _fingerprint()
    fields = {
        "name": "New\x00name",
        "description": "a\x00",
        "text": "b\x00",
        "username": "eve",
        "password": "a-long-password\x00",
        "guidelines": "\x00",
    }
    for method, url in _writes(app, world):
        if url == "/logout":
            continue
        response = client.open(url, method=method, data=fields)
        assert response.status_code == 400, (method, url, response.status_code)
        assert b"NUL" in response.data
    with app.app_context():
        assert _fingerprint() == before


def test_query_arguments_with_nul_are_refused(client, auth, app, world):
    auth.login("lena")
    response = client.get(f"/api/v1/projects/{world['project']}/spans?annotator=a%00")
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]


def test_span_with_lone_surrogate_attribute_is_refused_and_article_still_reads(
    app, client, auth, world
):
    """The issue's request: 400, no span stored, and the article, exports and lists answer."""
    with app.app_context():
        quote = db.session.execute(
            select(Label.id).where(Label.project_id == world["project"], Label.name == "Quote")
        ).scalar_one()
    auth.login("alice")
    body = (
        b'{"label_id": %d, "start": 0, "end": 7, "text": "Leaders", '
        b'"attributes": {"speaker": "\\udfff"}}' % quote
    )
    url = f"/api/v1/documents/{world['document']}/spans"
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "cannot be stored" in error and "lone surrogate" in error and "column 85" in error
    with app.app_context():
        assert db.session.execute(select(Span.id)).all() == [(world["span"],)]
    assert client.get(f"/api/v1/documents/{world['document']}").status_code == 200


def _store_bad_rows(world) -> None:
    """What the old code let through: escapes in JSON columns (and NUL in text, NaN in JSON on
    SQLite; PostgreSQL refused those)."""
    nan = "NaN" if db.engine.dialect.name == "sqlite" else "1"
    bad = '{"speaker": "\\udfff", "frame": "a\\u0000b"}'
    db.session.execute(
        text("UPDATE span SET attributes = :a WHERE id = :id"), {"a": bad, "id": world["span"]}
    )
    db.session.execute(
        text("UPDATE gold_span SET attributes = :a WHERE id = :id"),
        {"a": bad, "id": world["gold"]},
    )
    db.session.execute(
        text("UPDATE document SET meta = :m WHERE id = :id"),
        {"m": '{"score": ' + nan + ', "who": "\\ud83d"}', "id": world["document"]},
    )
    if db.engine.dialect.name == "sqlite":
        db.session.execute(
            text("UPDATE span SET note = :n WHERE id = :id"), {"n": "a\x00b", "id": world["span"]}
        )
    db.session.commit()


READERS = (
    "/api/v1/documents/{document}",
    "/api/v1/documents/{document}?annotator=alice",
    "/api/v1/spans/{span}",
    "/api/v1/projects/{project}/spans",
    "/api/v1/projects/{project}/documents",
    "/api/v1/curation/documents/{document}",
    "/api/v1/projects/{project}/agreement",
    "/projects/{project}/documents/{document}/annotate",
    "/projects/{project}/documents/{document}/curate",
    "/projects/{project}/documents",
    "/projects/{project}/curation",
) + tuple(
    f"/api/v1/projects/{{project}}/export?format={f}&content={c}"
    for f in ("jsonl", "csv", "brat", "doccano", "labelstudio", "conll")
    for c in ("raw", "gold")
)


def test_every_reader_serves_rows_stored_before_the_guard(app, client, auth, world):
    with app.app_context():
        _store_bad_rows(world)
    owner = {"/api/v1/documents/{document}", "/api/v1/spans/{span}"}
    owner.add("/projects/{project}/documents/{document}/annotate")
    for user in ("alice", "lena"):
        auth.login(user)
        for template in READERS:
            if (user == "alice") != (template in owner) and not template.endswith("/annotate"):
                continue
            url = template.format(**world)
            response = client.get(url)
            assert response.status_code == 200, (user, url, response.status_code)
            body = response.data
            assert b"\xed\xbf\xbf" not in body and b"\xed\xa0\xbd" not in body  # no CESU
            if "/spans/" in url or "annotator=alice" in url or "format=jsonl&content=raw" in url:
                assert "\ufffd".encode() in body or b"\\ufffd" in body, url
        auth.logout()


def test_repair_finds_reports_and_replaces_stored_values(app, caplog, world):
    with app.app_context():
        _store_bad_rows(world)
        with db.engine.begin() as connection:
            found = repair_unstorable(connection, fix=False)
        places = {(r.table, r.row_id, r.column) for r in found}
        expected = {
            ("span", world["span"], "attributes"),
            ("gold_span", world["gold"], "attributes"),
            ("document", world["document"], "meta"),
        }
        if db.engine.dialect.name == "sqlite":
            expected.add(("span", world["span"], "note"))
        assert places == expected
        logging.getLogger("annotator.text_repair").disabled = False  # alembic's fileConfig
        with caplog.at_level("WARNING", logger="annotator.text_repair"):
            with db.engine.begin() as connection:
                assert len(repair_unstorable(connection, fix=True)) == len(expected)
        assert f"span id {world['span']}, attributes: $.speaker: a lone surrogate" in caplog.text
        with db.engine.begin() as connection:
            assert repair_unstorable(connection, fix=False) == []
        db.session.expire_all()
        span = db.session.get(Span, world["span"])
        assert span.attributes == {"speaker": "\ufffd", "frame": "a\ufffdb"}
        assert db.session.get(GoldSpan, world["gold"]).attributes["speaker"] == "\ufffd"
