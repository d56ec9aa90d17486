"""One Core connection per request for the hottest reads: the logged-in user, the article's
context and the annotate page's data.

These reads need no ORM session, and creating one per request, checking its connection out
and closing it again was a fifth of an article read. The connection is opened on first use and
closed when the request ends. It sees committed data only, so only reads that start a request
use it; anything that reads back its own writes stays on ``db.session``.

That is SQLite, where a connection is a cheap handle in this process. On PostgreSQL a second
connection costs round trips (its transaction's start, its reset on return to the pool) that a
span save would pay on top of the session's: there the session's own connection is used.

On PostgreSQL the article read (``READ_ONLY_ENDPOINTS``) runs that connection in autocommit:
its statements write nothing, and under READ COMMITTED each of them sees its own snapshot
inside a transaction too, so the transaction's BEGIN and the ROLLBACK on return to the pool
were two round trips of five that changed nothing. The span create (``ONE_STATEMENT_WRITES``)
runs in autocommit too: its reads are checks, and its writes are one statement on PostgreSQL
(``span_create``), which autocommit makes its own transaction; nothing else in that request
writes.
"""

from __future__ import annotations

from flask import Flask, g, request
from sqlalchemy.engine import Connection

from annotator.extensions import db

_KEY = "_annotator_read_connection"
READ_ONLY_ENDPOINTS = frozenset({"api.get_document"})
ONE_STATEMENT_WRITES = frozenset({"api.post_span"})


def read_connection() -> Connection:
    connection = g.get(_KEY)
    if connection is None:
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return db.session.connection()
        connection = engine.connect()
        setattr(g, _KEY, connection)
    return connection


def _close(_exc: BaseException | None = None) -> None:
    connection = g.pop(_KEY, None)
    if connection is not None:
        connection.close()


def _autocommit_reads() -> None:
    endpoint = request.endpoint
    if (endpoint in READ_ONLY_ENDPOINTS and request.method in ("GET", "HEAD")) or (
        endpoint in ONE_STATEMENT_WRITES and request.method == "POST"
    ):
        if db.engine.dialect.name == "postgresql":
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def init_app(app: Flask) -> None:
    app.before_request(_autocommit_reads)  # before the user loader's query
    app.teardown_appcontext(_close)
