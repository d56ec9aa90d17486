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


GREENLETS = """
from gevent import monkey

monkey.patch_all()

import sys

import gevent
from sqlalchemy import create_engine, text

from annotator import sqlite_writers

url = "sqlite:///" + sys.argv[1]
# Two engines on one file, as the web app and a background job's own app would have.
web, job = (create_engine(url, connect_args={"timeout": 0}) for _ in range(2))
for engine in (web, job):
    sqlite_writers.install(engine)
with web.begin() as conn:
    conn.execute(text("CREATE TABLE t (n INTEGER)"))
order = []


def holder():
    with job.connect() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        gevent.sleep(0.2)  # yields to the other greenlet while holding the write lock
        order.append("holder commits")
        conn.commit()


def waiter():
    gevent.sleep(0.05)
    with web.connect() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
        order.append("waiter wrote")
        conn.commit()


gevent.joinall([gevent.spawn(holder), gevent.spawn(waiter)], raise_error=True)
print(order)
"""


def test_greenlets_of_one_process_wait_their_turn_without_deadlock(tmp_path):
    # flock blocks the whole process: a greenlet waiting in it while another greenlet of the
    # same process held the lock would hang forever. The in-process lock queues it
    # cooperatively instead.
    import subprocess
    import sys

    script = tmp_path / "greenlets.py"
    script.write_text(GREENLETS)
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "g.sqlite")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['holder commits', 'waiter wrote']"
