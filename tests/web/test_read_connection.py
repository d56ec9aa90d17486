"""The hot reads' own connection: one per request, opened only when used, always given back."""

import pytest

from annotator.extensions import db
from annotator.services.annotation.read_connection import read_connection
from tests.factories import make_world


def _checked_out(app) -> int:
    with app.app_context():
        return db.engine.pool.checkedout() if hasattr(db.engine.pool, "checkedout") else 0


def test_one_connection_per_request_given_back_at_the_end(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL reads on the session's connection")
    with app.test_request_context("/"):
        first = read_connection()
        assert read_connection() is first
        assert not first.closed
    assert first.closed
    with app.test_request_context("/"):
        assert read_connection() is not first


def test_article_reads_and_span_saves_leave_no_connection_checked_out(app, client, auth):
    with app.app_context():
        ids = make_world()
    before = _checked_out(app)
    auth.login("alice")
    url = f"/api/v1/documents/{ids['document']}"
    payload = client.get(url).get_json()
    label, text = payload["labels"][3]["id"], payload["document"]["text"]
    body = {"label_id": label, "start": 0, "end": 7, "text": text[:7]}
    for _ in range(3):
        assert client.post(f"{url}/spans", json=body).status_code == 201
        assert client.get(url).status_code == 200
    assert client.get("/api/v1/documents/999999").status_code == 404
    assert _checked_out(app) == before


def test_a_span_saved_in_one_request_is_read_back_in_the_next(app, client, auth):
    with app.app_context():
        ids = make_world()
    auth.login("alice")
    url = f"/api/v1/documents/{ids['document']}"
    payload = client.get(url).get_json()
    label, text = payload["labels"][3]["id"], payload["document"]["text"]
    body = {"label_id": label, "start": 0, "end": 7, "text": text[:7]}
    created = client.post(f"{url}/spans", json=body)
    assert created.status_code == 201
    assert [s["id"] for s in client.get(url).get_json()["spans"]] == [created.get_json()["id"]]


def test_on_postgresql_the_article_read_runs_without_a_transaction(app, client, auth):
    """No BEGIN before and no ROLLBACK after its statements (autocommit). A span save runs in
    autocommit too, its writes one statement (its own transaction); a span update keeps its
    transaction: the pool hands the next request a connection in the default mode."""
    from sqlalchemy import event

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite reads on their own connection")
        ids = make_world()
        engine = db.engine
    modes: list[tuple[str, bool]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        modes.append((statement.split()[0], conn.connection.dbapi_connection.autocommit))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        auth.login("alice")
        url = f"/api/v1/documents/{ids['document']}"
        modes.clear()
        payload = client.get(url).get_json()
        read = list(modes)
        label, text = payload["labels"][3]["id"], payload["document"]["text"]
        modes.clear()
        body = {"label_id": label, "start": 0, "end": 7, "text": text[:7]}
        created = client.post(f"{url}/spans", json=body)
        assert created.status_code == 201
        write = list(modes)
        modes.clear()
        change = {"version": 1, "note": "n"}
        assert (
            client.patch(f"/api/v1/spans/{created.get_json()['id']}", json=change).status_code
            == 200
        )
        update = list(modes)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert read and all(autocommit for _, autocommit in read), read
    assert write == [("SELECT", True), ("WITH", True)], write  # WITH: span, audit row, start
    assert update and not any(autocommit for _, autocommit in update), update
    assert "UPDATE" in {verb for verb, _ in update}
