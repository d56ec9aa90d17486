"""Queue SQLite writers on a blocking file lock instead of SQLite's sleep-and-retry.

SQLite lets one connection write at a time. A connection that finds the write lock taken
sleeps in SQLite's busy handler — 1, 2, 5, 10, ... up to 100 ms between retries — so with many
concurrent writers (gunicorn workers and threads) most of the tail latency of a span save is
sleeping while the lock is already free. Here a connection takes an exclusive ``flock`` on
``<database>.writers`` before its first write statement and gives it back when the connection
returns to the pool (after its commit or rollback). Waiters are queued by the kernel and woken
the moment the lock is released; SQLite's own locking and busy timeout stay in place behind it.
A process that dies drops its lock with its descriptors. PostgreSQL needs none of this.
"""

from __future__ import annotations

import fcntl
import os

from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
LOCK = "annotator.writer_lock"


def install(engine: Engine) -> None:
    """Attach the writer queue to ``engine`` if it is a file-backed SQLite database."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = os.path.abspath(database) + ".writers"

    @event.listens_for(engine, "before_cursor_execute")
    def take(conn, cursor, statement, parameters, context, executemany):
        record = conn.connection._connection_record
        if record is None or LOCK in record.info:
            return
        if statement.lstrip()[:7].upper().startswith(WRITES):
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            record.info[LOCK] = fd

    @event.listens_for(engine, "checkin")
    def give_back(dbapi_connection, record):
        release(record)

    @event.listens_for(engine, "close")
    def on_close(dbapi_connection, record):
        release(record)


def release(record) -> None:
    fd = record.info.pop(LOCK, None)
    if fd is not None:
        os.close(fd)  # closing the descriptor drops its flock
