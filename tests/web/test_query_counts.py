"""SQL statements per request for the two hot calls: creating a span and reading an article.

The counts must not grow with the number of spans (no N+1). Create: the user with the article,
its project, membership and assignment (one join), then the span and its audit row, plus the
assignment's start on the first span (on PostgreSQL the three writes are one statement). Read:
that user-and-article join, and the spans with the answers (one UNION ALL); the label schema
comes from the per-process cache."""

import pytest
from sqlalchemy import event

from annotator.extensions import db
from tests.factories import make_world

CREATE_MAX = 4
READ_MAX = 2


@pytest.fixture
def counted(app):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        ids = make_world()
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield ids, statements
    event.remove(engine, "before_cursor_execute", count)


def test_span_create_and_article_read_use_a_fixed_number_of_statements(client, auth, counted):
    ids, statements = counted
    auth.login("alice")
    url = f"/api/v1/documents/{ids['document']}"
    label = client.get(url).get_json()["labels"][3]["id"]
    body = {"label_id": label, "start": 0, "end": 7, "text": "Leaders"}
    per_create = []
    for _ in range(20):
        statements.clear()
        assert client.post(f"{url}/spans", json=body).status_code == 201
        per_create.append(len(statements))
    assert per_create[0] <= CREATE_MAX  # the first span also starts the assignment
    assert max(per_create[1:]) <= CREATE_MAX - 1
    assert per_create[1] == per_create[-1]
    statements.clear()
    data = client.get(url).get_json()
    assert len(data["spans"]) == 20
    assert len(statements) <= READ_MAX


# PostgreSQL round trips (each a wait for the server: BEGIN and COMMIT count, a statement sent
# in autocommit is one). Span create: the user with the article's context, then the span, its
# audit row and the assignment's start in one autocommitted statement. Read: the user with the
# context, then the spans and answers.
CREATE_ROUND_TRIPS = 2
READ_ROUND_TRIPS = 2


class RoundTrips:
    """Counts the ReadyForQuery messages PostgreSQL sends (one per round trip) on every
    connection the engine opens, from libpq's own protocol trace (PQtrace)."""

    def __init__(self, engine):
        self.traced: list[tuple[object, object]] = []
        self.done = 0
        self.engine = engine
        engine.dispose()  # every connection from now on is a traced one
        event.listen(engine, "connect", self._trace)

    def _trace(self, dbapi_connection, _record) -> None:
        import tempfile

        log = tempfile.TemporaryFile("w+b")
        self.traced.append((dbapi_connection.pgconn, log))
        self._start(dbapi_connection.pgconn, log)

    @staticmethod
    def _start(pgconn, log) -> None:
        import os

        from psycopg import pq

        pgconn.trace(os.dup(log.fileno()))  # libpq's FILE owns the duplicate
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    def count(self) -> int:
        """Round trips so far (flushes each trace by stopping and restarting it)."""
        total = 0
        for pgconn, log in self.traced:
            pgconn.untrace()  # flushes libpq's buffer
            log.seek(0)
            total += sum(
                line.startswith(b"B") and b"\tReadyForQuery" in line for line in log.readlines()
            )
            log.seek(0, 2)
            if pgconn.status == 0:  # CONNECTION_OK: still in use
                self._start(pgconn, log)
        return total

    def close(self) -> None:
        event.remove(self.engine, "connect", self._trace)
        for pgconn, log in self.traced:
            pgconn.untrace()
            log.close()


def test_span_create_and_article_read_round_trips_on_postgresql(app, client, auth):
    """Counted from the wire (libpq's trace), so BEGIN, COMMIT and the pool's resets count."""
    with app.app_context():
        ids = make_world()
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("round trips are a PostgreSQL measure (ANNOTATOR_TEST_DATABASE_URL)")
    auth.login("alice")
    url = f"/api/v1/documents/{ids['document']}"
    label = client.get(url).get_json()["labels"][3]["id"]
    trips = RoundTrips(engine)
    try:
        per_create = []
        for n in range(12):
            body = {
                "label_id": label,
                "start": 0,
                "end": 7,
                "text": "Leaders",
                "client_key": f"k{n}",
            }
            before = trips.count()
            assert client.post(f"{url}/spans", json=body).status_code == 201
            per_create.append(trips.count() - before)
        before = trips.count()
        assert len(client.get(url).get_json()["spans"]) == 12
        per_read = trips.count() - before
        before = trips.count()  # a retry: the INSERT finds the key, then the span is read back
        assert client.post(f"{url}/spans", json=body).status_code == 200
        per_retry = trips.count() - before
    finally:
        trips.close()
    assert per_create[0] >= 1 and per_read >= 1  # the trace sees the wire
    # psycopg prepares a statement on its 5th run on a connection (prepare_threshold): that one
    # request pays the PREPAREs' round trips, every later one runs the prepared statements
    assert max(per_create[6:]) <= CREATE_ROUND_TRIPS, per_create
    assert per_read <= READ_ROUND_TRIPS
    assert per_retry <= CREATE_ROUND_TRIPS + 1
