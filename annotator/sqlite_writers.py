"""Queue SQLite writers on a blocking file lock instead of SQLite's sleep-and-retry.

SQLite lets one connection write at a time. A connection that finds the write lock taken
sleeps in SQLite's busy handler — 1, 2, 5, 10, ... up to 100 ms between retries — so with many
concurrent writers (gunicorn workers and threads) most of the tail latency of a span save is
sleeping while the lock is already free. Here a connection takes an exclusive ``flock`` on
``<database>.writers`` before its first write statement and gives it back when the connection
returns to the pool (after its commit or rollback). Waiters are queued by the kernel and woken
the moment the lock is released; SQLite's own locking and busy timeout stay in place behind it.
A process that dies drops its lock with its descriptors. PostgreSQL needs none of this.

Inside one process, writers first queue on a plain lock shared by every engine on the same file.
Under gevent (``threading.Lock`` is cooperative there) this matters: ``flock`` blocks the whole
process, so a greenlet that waited on it while another greenlet of the same process held it
would never let the holder run again.
"""

from __future__ import annotations

import fcntl
import os
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")
LOCK = "annotator.writer_lock"
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.Lock())


def install(engine: Engine) -> None:
    """Attach the writer queue to ``engine`` if it is a file-backed SQLite database."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = os.path.abspath(database) + ".writers"
    in_process = _process_lock(path)

    @event.listens_for(engine, "before_cursor_execute")
    def take(conn, cursor, statement, parameters, context, executemany):
        record = conn.connection._connection_record
        if record is None or LOCK in record.info:
            return
        if statement.lstrip()[:7].upper().startswith(WRITES):
            in_process.acquire()
            fd = None
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                if fd is not None:
                    os.close(fd)
                in_process.release()
                raise
            record.info[LOCK] = (fd, in_process)

    @event.listens_for(engine, "checkin")
    def give_back(dbapi_connection, record):
        release(record)

    @event.listens_for(engine, "close")
    def on_close(dbapi_connection, record):
        release(record)


def release(record) -> None:
    held = record.info.pop(LOCK, None)
    if held is not None:
        fd, in_process = held
        os.close(fd)  # closing the descriptor drops its flock
        in_process.release()
