"""Benchmark: one page of the lead's article list at 10,000 articles, in process.

Builds the app on a temporary SQLite database (or a fresh PostgreSQL database beside
``--database-url``), imports ``--articles`` synthetic articles of ~3,000 characters, gives
each to two of three annotators (a fifth of them done, with spans that differ on some), and
times ``GET /projects/<id>/documents`` (a late page, and each filter) through the test client.
Prints the median and range over ``--rounds`` requests each, in milliseconds. No assertions.

    python benchmarks/article_list.py [--articles 10000] [--rounds 9] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from annotator.extensions import db  # noqa: E402
from annotator.models import Assignment, Document, Label, Span  # noqa: E402
from benchmarks.harness import article, fresh_database  # noqa: E402
from tests.conftest import TEST_PASSWORD, make_app  # noqa: E402
from tests.factories import make_project, make_user  # noqa: E402


def build(app, n: int) -> int:
    rng = random.Random(22)
    with app.app_context():
        db.create_all()
        lead = make_user("lena")
        people = [make_user(name) for name in ("alice", "bob", "carol")]
        project = make_project("Bench", lead=lead, annotators=people)
        label = (
            db.session.execute(select(Label.id).where(Label.project_id == project.id))
            .scalars()
            .first()
        )
        from annotator.services.projects.outlets import match_outlets

        outlets = match_outlets(project.id, ["Courier", "Ledger", "Wire", "Times"])
        rows = []
        for i in range(n):
            a = article(rng, i)
            rows.append(
                {
                    "project_id": project.id,
                    "external_id": a["id"],
                    "title": a["title"],
                    "outlet": a["outlet"],
                    "outlet_id": outlets[a["outlet"]],
                    "text": a["text"],
                    "sha256": f"{i:064d}",
                    "meta": {},
                }
            )
        for chunk in range(0, n, 1000):
            db.session.execute(insert(Document), rows[chunk : chunk + 1000])
        ids = db.session.execute(select(Document.id).order_by(Document.id)).scalars().all()
        assignments, spans = [], []
        for k, doc in enumerate(ids):
            pair = rng.sample(people, 2)
            done = k % 5 == 0
            for who in pair:
                assignments.append(
                    {
                        "document_id": doc,
                        "user_id": who.id,
                        "project_id": project.id,
                        "status": "done" if done else "todo",
                    }
                )
                if done:
                    end = 10 if who is pair[0] or k % 10 else 12  # half of them disagree
                    spans.append(
                        {
                            "document_id": doc,
                            "user_id": who.id,
                            "label_id": label,
                            "start": 0,
                            "end": end,
                            "text": "x" * end,
                            "attributes": {},
                        }
                    )
        db.session.execute(insert(Assignment), assignments)
        db.session.execute(insert(Span), spans)
        db.session.commit()
        return project.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with fresh_database(args.database_url) as (url, instance):
        app = make_app(url, instance + "/instance")
        started = time.perf_counter()
        pid = build(app, args.articles)
        print(
            f"{args.articles:,} articles built in {time.perf_counter() - started:.0f} s "
            f"({url.split(':')[0]})"
        )
        client = app.test_client()
        client.post("/login", data={"username": "lena", "password": TEST_PASSWORD})
        base = f"/projects/{pid}/documents"
        last = -(-args.articles // 50)
        cases = (
            ("first page", ""),
            (f"page {last // 2}", f"?page={last // 2}"),
            (f"last page ({last})", f"?page={last}"),
            ("search (text)", "?q=unprecedented+budget"),
            ("outlet", "?outlet=Wire&page=20"),
            ("status done", "?status=done"),
            ("annotator", "?annotator=bob&page=10"),
            ("has disagreement", "?disagreement=1"),
            ("all filters", "?q=budget&outlet=Wire&status=done&annotator=bob&disagreement=1"),
        )
        for name, query in cases:
            response = client.get(base + query)
            assert response.status_code == 200, (query, response.status_code)
            times = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                client.get(base + query)
                times.append((time.perf_counter() - t) * 1000)
            print(
                f"{name:<22} median {statistics.median(times):7.1f} ms "
                f"(range {min(times):.1f}-{max(times):.1f}, {args.rounds} requests)"
            )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
