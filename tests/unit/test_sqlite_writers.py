"""The SQLite writer queue: the first write statement of a connection takes the file lock,
reads never do, and the lock is given back when the connection returns to the pool."""

import threading
import time

from sqlalchemy import create_engine, text

from annotator import sqlite_writers


def _engine(tmp_path):
    # No busy timeout: without the queue a second writer would fail at once ("database is
    # locked"); with it, the writer waits in the file lock instead.
    engine = create_engine(f"sqlite:///{tmp_path / 'queue.sqlite'}", connect_args={"timeout": 0})
    sqlite_writers.install(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    return engine


def _holds_lock(conn) -> bool:
    return sqlite_writers.LOCK in conn.connection._connection_record.info


def test_reads_do_not_lock_and_writes_lock_until_commit(tmp_path):
    engine = _engine(tmp_path)
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM t")).scalar_one()
        assert not _holds_lock(conn)
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert _holds_lock(conn)
        conn.commit()
    with engine.connect() as conn:
        assert not _holds_lock(conn)


def test_a_second_writer_waits_for_the_first_to_commit(tmp_path):
    engine = _engine(tmp_path)
    order = []
    first_wrote = threading.Event()

    def first():
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            first_wrote.set()
            time.sleep(0.3)
            order.append("first commits")
            conn.commit()

    def second():
        first_wrote.wait()
        with engine.connect() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
            order.append("second wrote")
            conn.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert order == ["first commits", "second wrote"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 2


def test_a_rolled_back_writer_releases_the_lock(tmp_path):
    engine = _engine(tmp_path)
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        conn.rollback()
    done = threading.Event()

    def writer():
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    threading.Thread(target=writer).start()
    assert done.wait(5)


def test_postgres_and_memory_databases_are_left_alone():
    memory = create_engine("sqlite://")
    sqlite_writers.install(memory)
    with memory.connect() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
        assert not _holds_lock(conn)
