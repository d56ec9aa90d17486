"""Benchmark: the cost of the session check on the read path, in process.

Builds the app on a temporary SQLite database, logs an annotator in and reads one article
(``GET /api/v1/documents/<id>``, the annotate page's call) many times through the test client,
then ``GET /api/v1/projects`` (a light read). Prints the median of several rounds in µs per
request. Run it on two trees to compare (the session generation is read by the same query
that loads the user, so the difference should be within noise). No assertions.

    python benchmarks/session_read.py [--reads 2000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.extensions import db  # noqa: E402
from tests.conftest import make_app  # noqa: E402
from tests.factories import make_world  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="session-read-")
    app = make_app("sqlite:///" + folder + "/bench.sqlite", folder + "/instance")
    with app.app_context():
        db.create_all()
        world = make_world()
    client = app.test_client()
    client.post("/login", data={"username": "alice", "password": "correct-horse-1"})
    for name, url in (
        ("article read", f"/api/v1/documents/{world['document']}"),
        ("project list", "/api/v1/projects"),
    ):
        assert client.get(url).status_code == 200
        rounds = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            for _ in range(args.reads):
                client.get(url)
            rounds.append((time.perf_counter() - start) / args.reads * 1e6)
        print(
            f"{name}: {statistics.median(rounds):.0f} µs per request, best round "
            f"{min(rounds):.0f} (worst {max(rounds):.0f})"
        )
    _user_loader(app, world, args)


def _user_loader(app, world, args) -> None:
    """The session check alone: Flask-Login's user loader, as each request calls it."""
    from flask import session

    from annotator.auth.session_user import load_session_user

    with app.test_request_context("/"):
        session["_gen"] = 0
        rounds = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            for _ in range(args.reads):
                assert load_session_user(str(world["alice"])) is not None
            rounds.append((time.perf_counter() - start) / args.reads * 1e6)
    print(f"user loader: {statistics.median(rounds):.1f} µs, best round {min(rounds):.1f}")


if __name__ == "__main__":
    main()
