"""What one span create and one article read cost, in process (prints figures; not a test).

    python benchmarks/request_cost.py [--database-url URL] [--requests 400] [--rounds 5]
    python benchmarks/request_cost.py --instructions [--requests 200]   # under callgrind

The project is load.py's (its CLI set-up, 2,000 imported articles, two annotators per
article); the app runs in this process behind Flask's test client, so gunicorn, the sockets
and the load generator are not in the figures. Per request it prints:
- the process's CPU time (``time.process_time``: the app's own work; on SQLite the database's
  work too), median and range of the rounds;
- on PostgreSQL, the CPU of the database's server processes (from /proc) and the round trips
  (ReadyForQuery messages in libpq's protocol trace);
- the SQL statements sent.
Every create is a new span with its own ``client_key``, as the browser sends it.

CPU time still grows when other processes share the cores (caches, frequency), so on a busy
machine compare two trees run one after the other. ``--instructions`` counts instructions
instead, which do not depend on the load: it runs this script under valgrind's callgrind
twice, without and with the requests, and prints the difference per request (slow: minutes).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import (  # noqa: E402
    PASSWORD,
    cli,
    environment,
    fresh_database,
    span_payload,
    words_of,
)
from benchmarks.load import _backend_cpu, setup, write_articles  # noqa: E402


def _login(client, username: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    form = {"username": username, "password": PASSWORD, "csrf_token": csrf}
    assert client.post("/login", data=form).status_code == 302
    page = client.get("/").get_data(as_text=True)
    client.environ_base["HTTP_X_CSRFTOKEN"] = re.search(
        r'name="csrf-token" content="([^"]+)"', page
    ).group(1)


class Counters:
    """Statements (SQLAlchemy) and, on PostgreSQL, round trips (libpq trace) of the engine."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements = 0
        self.trips = None
        event.listen(engine, "before_cursor_execute", self._statement)
        if engine.dialect.name == "postgresql":
            from tests.web.test_query_counts import RoundTrips

            self.trips = RoundTrips(engine)

    def _statement(self, *args) -> None:
        self.statements += 1

    def snapshot(self) -> tuple[int, int]:
        return self.statements, self.trips.count() if self.trips else 0


def measure(
    url: str, requests: int, rounds: int, articles: int, seed: int, profile: str | None = None
) -> dict:
    """The figures; ``profile``: cProfile the first round of each kind into PROFILE.create
    and PROFILE.read (that round's CPU figure then includes the profiler)."""
    rng = random.Random(seed)
    with fresh_database(url) as (database_url, instance):
        env = environment(database_url, instance)
        setup(env)
        path = Path(instance) / "articles.jsonl"
        write_articles(path, 0, articles, 1)
        cli(env, "import", "Bench", str(path))
        cli(env, "assign", "Bench", "--per-doc", "2")
        os.environ.update(env)
        from annotator import create_app
        from annotator.extensions import db

        app = create_app()
        client = app.test_client()
        _login(client, "ann1")
        docs = [
            d["id"]
            for d in client.get("/api/v1/projects/1/documents?limit=500").get_json()["documents"]
        ][:25]
        cache = {}
        for doc in docs:
            payload = client.get(f"/api/v1/documents/{doc}").get_json()
            text = payload["document"]["text"]
            cache[doc] = (text, payload["labels"], words_of(text))
        with app.app_context():
            counters = Counters(db.engine)
        out = {}
        for kind in ("create", "read"):
            if not requests:
                out[kind] = None
                continue
            cpu, backend, statements, trips = [], [], [], []
            for _ in range(rounds):
                jobs = []
                for _ in range(requests):
                    doc = rng.choice(docs)
                    body = span_payload(rng, *cache[doc]) | {"client_key": str(uuid.uuid4())}
                    jobs.append((doc, body))
                before_db = _backend_cpu(database_url)
                s0, t0 = counters.snapshot()
                profiler = cProfile.Profile() if profile and not cpu else None
                began = time.process_time()
                if profiler:
                    profiler.enable()
                for doc, body in jobs:
                    if kind == "create":
                        status = client.post(f"/api/v1/documents/{doc}/spans", json=body)
                        assert status.status_code == 201, status.get_json()
                    else:
                        assert client.get(f"/api/v1/documents/{doc}").status_code == 200
                if profiler:
                    profiler.disable()
                    profiler.dump_stats(f"{profile}.{kind}")
                used = time.process_time() - began
                s1, t1 = counters.snapshot()  # the trace's flush is outside the clock
                cpu.append(1000 * used / requests)
                statements.append((s1 - s0) / requests)
                trips.append((t1 - t0) / requests)
                if database_url.startswith("postgres"):
                    now = _backend_cpu(database_url)
                    backend.append(
                        1000 * sum(c - before_db.get(p, 0.0) for p, c in now.items()) / requests
                    )
            out[kind] = {
                "cpu_ms": cpu,
                "database_cpu_ms": backend or None,
                "statements": statistics.median(statements),
                "round_trips": statistics.median(trips) if counters.trips else None,
            }
        with app.app_context():
            db.engine.dispose()
    return out


def _range(values: list[float]) -> str:
    return (
        f"{statistics.median(values):.3f} ms (range {min(values):.3f}-{max(values):.3f}, "
        f"{len(values)} rounds)"
    )


def instructions(args) -> None:
    """Instructions per request under callgrind: a run without requests, one with them."""
    totals = {}
    for n in (0, args.requests):
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "callgrind.out"
            cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
            cmd += [sys.executable, __file__, "--requests", str(n), "--rounds", "1"]
            cmd += ["--articles", str(args.articles), "--kinds-json", str(Path(folder) / "k")]
            if args.database_url:
                cmd += ["--database-url", args.database_url]
            subprocess.run(cmd, check=True, capture_output=True)
            summary = next(
                line for line in out.read_text().splitlines() if line.startswith("summary:")
            )
            totals[n] = int(summary.split()[1])
    per = (totals[args.requests] - totals[0]) / (2 * args.requests)
    print(
        f"instructions per request (one create and one read, averaged, in process): "
        f"{per / 1e6:.2f} million ({args.requests} of each; callgrind)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=400, help="per round and kind")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--instructions", action="store_true", help="count under callgrind")
    parser.add_argument("--profile", default=None, help="cProfile round 1 into PROFILE.<kind>")
    parser.add_argument("--kinds-json", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions:
        instructions(args)
        return
    url = args.database_url or ""
    result = measure(url, args.requests, args.rounds, args.articles, args.seed, args.profile)
    if args.kinds_json:
        Path(args.kinds_json).write_text(json.dumps(result))
        return
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    print(f"\nrequest cost in process — {database}, load {os.getloadavg()[0]:.2f}")
    for kind, name in (("create", "span create"), ("read", "article read")):
        r = result[kind]
        print(f"{name}: CPU {_range(r['cpu_ms'])}; {r['statements']:.1f} statements")
        if r["database_cpu_ms"]:
            print(f"  PostgreSQL CPU {_range(r['database_cpu_ms'])}")
        if r["round_trips"] is not None:
            print(f"  round trips {r['round_trips']:.2f}")


if __name__ == "__main__":
    main()
