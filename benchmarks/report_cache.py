"""Benchmark: the agreement page of a big project, first view (built and stored) against
repeated views (from the report cache), and the view after one write (built again).

Seeds a temporary SQLite database (or the PostgreSQL database ``--database-url`` names; it
is emptied) with 4 annotators x 2,000 articles x 20 spans (160,000 spans, as in issue #23),
logs in as the lead with Flask's test client and times ``GET /projects/<id>/agreement``.
Prints median and range (seconds, wall) of the repeated views. No assertions.

    python benchmarks/report_cache.py [--articles 2000] [--annotators 4] [--spans 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select, update  # noqa: E402

from annotator.extensions import db  # noqa: E402
from annotator.models import Assignment, Document, Label, Span  # noqa: E402
from annotator.services.projects.assigning import assign  # noqa: E402
from tests.conftest import TEST_PASSWORD, make_app  # noqa: E402
from tests.factories import make_project, make_user  # noqa: E402

WORDS = "leaders met in Geneva officials said critics claimed the plan would fail".split()


def seed(app, articles: int, annotators: int, spans: int) -> int:
    rng = random.Random(23)
    with app.app_context():
        db.drop_all()
        db.create_all()
        people = [make_user(f"ann{i}") for i in range(annotators)]
        project = make_project("Big", lead=make_user("lena"), annotators=people, per_doc=annotators)
        labels = db.session.scalars(select(Label.id).where(Label.project_id == project.id)).all()
        texts = [" ".join(rng.choice(WORDS) for _ in range(500)) for _ in range(articles)]
        db.session.execute(
            insert(Document),
            [
                {"project_id": project.id, "external_id": f"a{i}", "title": f"Article {i}",
                 "text": t, "outlet": rng.choice(["Wire", "Ledger"]), "sha256": f"{i:064x}",
                 "meta": {}}
                for i, t in enumerate(texts)
            ],
        )  # fmt: skip
        db.session.commit()
        assign(project)
        db.session.execute(update(Assignment).values(status="done"))
        docs = db.session.execute(select(Document.id, Document.text)).all()
        rows = []
        for doc_id, text in docs:
            slot = len(text) // spans
            for k in range(spans):
                true_start = k * slot + rng.randrange(0, slot // 2)
                label = rng.choice(labels)
                for person in people:
                    start = max(0, true_start + rng.randint(-3, 3))
                    end = start + rng.randint(5, slot // 2)
                    rows.append({"document_id": doc_id, "user_id": person.id,
                                 "label_id": label if rng.random() > 0.1 else rng.choice(labels),
                                 "start": start, "end": end, "text": text[start:end],
                                 "attributes": {}})  # fmt: skip
        db.session.execute(insert(Span), rows)
        db.session.commit()
        return project.id


def timed(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--annotators", type=int, default=4)
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = make_app(url, os.path.join(tmp, "instance"))
        started = time.perf_counter()
        pid = seed(app, args.articles, args.annotators, args.spans)
        dialect = url.split(":")[0]
        print(
            f"seeded {args.articles * args.annotators * args.spans:,} spans in "
            f"{time.perf_counter() - started:.1f} s ({dialect}, "
            f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        client = app.test_client()
        client.post("/login", data={"username": "lena", "password": TEST_PASSWORD})
        page = f"/projects/{pid}/agreement"
        firsts, repeats, after_write = [], [], []
        for _ in range(args.runs):
            with app.app_context():  # a write: one span moves (as an annotator's edit would)
                moved = {"end": Span.end + 1, "version": Span.version + 1}
                db.session.execute(update(Span).where(Span.id == 1).values(**moved))
                db.session.commit()
            firsts.append(timed(client, page))
            repeats.extend(timed(client, page) for _ in range(3))
        app.config["REPORT_CACHE"] = False
        after_write = [timed(client, page) for _ in range(2)]

        def figure(values):
            middle, low, high = statistics.median(values), min(values), max(values)
            return f"median {middle:.3f} s (range {low:.3f}-{high:.3f}, {len(values)} views)"

        print(f"agreement page, first view after a write (built, stored): {figure(firsts)}")
        print(f"agreement page, repeated view (from the cache):          {figure(repeats)}")
        print(f"agreement page, cache switched off (built every time):   {figure(after_write)}")


if __name__ == "__main__":
    main()
