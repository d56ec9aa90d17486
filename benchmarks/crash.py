"""Crash safety: kill -9 the server mid-load and check that no acknowledged span is lost.

    python benchmarks/crash.py [--seconds 10] [--database-url URL]

Starts ``gunicorn wsgi:app`` (2 workers) on 127.0.0.1 with a fresh database (SQLite in WAL mode
by default), lets 16 browser-like clients create spans, sends SIGKILL to the whole server
half-way, restarts it, and checks every span whose create returned 2xx is in the database (and,
on SQLite, ``PRAGMA integrity_check``). Prints acknowledged / found / lost; exits 1 if any is lost.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import sqlite3
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import (  # noqa: E402
    PASSWORD,
    Client,
    article,
    cli,
    environment,
    fresh_database,
    gunicorn,
    span_payload,
)


def setup(env: dict, workdir: Path) -> None:
    cli(env, "init-db")
    cli(env, "create-user", "lead", "--password-stdin", stdin=PASSWORD + "\n")
    cli(env, "create-project", "Crash", "--preset", "media-bias", "--lead", "lead")
    for n in range(4):
        cli(env, "create-user", f"ann{n}", "--password-stdin", stdin=PASSWORD + "\n")
        cli(env, "add-member", "Crash", f"ann{n}")
    rng = random.Random(3)
    path = workdir / "articles.jsonl"
    path.write_text("".join(json.dumps(article(rng, n, 1500)) + "\n" for n in range(40)))
    cli(env, "import", "Crash", str(path))
    cli(env, "assign", "Crash", "--per-doc", "4")


def client_loop(port: int, username: str, seed: int, stop: threading.Event, acked: list):
    rng = random.Random(seed)
    client = Client(port)
    client.login(username)
    _, data = client.request("GET", "/api/v1/projects/1/documents?limit=500")
    docs = [d["id"] for d in json.loads(data)["documents"]]
    cache = {}
    while not stop.is_set():
        doc = rng.choice(docs)
        try:
            if doc not in cache:
                payload = json.loads(client.request("GET", f"/api/v1/documents/{doc}")[1])
                cache[doc] = (payload["document"]["text"], payload["labels"])
            status, body = client.post_json(
                f"/api/v1/documents/{doc}/spans", span_payload(rng, *cache[doc])
            )
        except (OSError, http.client.HTTPException):
            return  # the server is gone
        if 200 <= status < 300:
            acked.append(json.loads(body)["id"])


def stored_ids(env: dict) -> set[int]:
    from sqlalchemy import create_engine, text

    url = env["ANNOTATOR_DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = set(conn.execute(text("SELECT id FROM span")).scalars())
    engine.dispose()
    return ids


def run(args) -> int:
    with fresh_database(args.database_url) as (url, instance):
        env = environment(url, instance)
        setup(env, Path(instance))
        acked: list[int] = []
        stop = threading.Event()
        with gunicorn(env, workers=2) as (port, proc):
            threads = [
                threading.Thread(
                    target=client_loop, args=(port, f"ann{i % 4}", i, stop, acked), daemon=True
                )
                for i in range(16)
            ]
            for t in threads:
                t.start()
            warm = time.monotonic() + 60
            while not acked and time.monotonic() < warm:
                time.sleep(0.05)
            time.sleep(args.seconds / 2)
            before_kill = len(acked)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            stop.set()
            for t in threads:
                t.join(10)
        with gunicorn(env, workers=2) as (port, _):
            client = Client(port)
            client.login("ann0")  # the restarted server answers
        found = stored_ids(env) & set(acked)
        lost = len(set(acked)) - len(found)
        integrity = "n/a (PostgreSQL)"
        if url.startswith("sqlite"):
            path = url[len("sqlite:///") :]
            integrity = sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0]
        print(f"database: {'sqlite (WAL)' if url.startswith('sqlite') else 'postgresql'}")
        print(f"acknowledged before kill: {before_kill}; acknowledged in all: {len(acked)}")
        print(f"acknowledged {len(set(acked))} / found {len(found)} / lost {lost}")
        print(f"integrity_check: {integrity}")
        return 0 if lost == 0 and integrity in ("ok", "n/a (PostgreSQL)") else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--database-url", default=None)
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
