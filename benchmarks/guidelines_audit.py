"""Benchmark: the guidelines preview and diff, and the audit log API (issue 22).

In-process (Flask test client, temporary SQLite file). Prints process CPU milliseconds per
request (robust to load; wall time and the load average too), median and range of the runs:

- POST /projects/<id>/guidelines/preview with Markdown of 10,000 / 50,000 / 100,000 characters
  (the form's limit), each text new (the renderer's cache never answers);
- GET /projects/<id>/guidelines/diff between two versions of ~2,000 lines, 5% of them edited;
- GET /api/v1/projects/<id>/audit over --events span events: the first JSON page and the last
  one (offset paging), limit 500, and the whole log as CSV.

No assertions.

    python benchmarks/guidelines_audit.py [--events 50000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from annotator.extensions import db  # noqa: E402
from annotator.models import SpanEvent  # noqa: E402
from tests.conftest import TEST_PASSWORD, make_app  # noqa: E402
from tests.factories import make_document, make_project, make_user  # noqa: E402

SENTENCE = (
    "Label a **quote** only when the speaker is named; see [the handbook](https://example.org) "
    "and `Source` for attributions, *not* paraphrases."
)


def markdown(chars: int, rng: random.Random) -> str:
    out, size, n = [], 0, 0
    while size < chars:
        n += 1
        block = [f"## Rule {n} ({rng.random():.6f})", "", SENTENCE, "", f"- item {n}", ""]
        text = "\n".join(block) + "\n"
        out.append(text)
        size += len(text)
    return "".join(out)[:chars]


def measure(fn, runs: int) -> tuple[list[float], list[float]]:
    cpu, wall = [], []
    for i in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        fn(i)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return cpu, wall


def report(name: str, cpu: list[float], wall: list[float]) -> None:
    print(
        f"{name:<44} CPU ms median {statistics.median(cpu):8.1f} "
        f"(range {min(cpu):.1f}-{max(cpu):.1f}); wall median {statistics.median(wall):8.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(22)
    folder = tempfile.mkdtemp(prefix="bench-guidelines-")
    app = make_app("sqlite:///" + os.path.join(folder, "bench.sqlite"), folder)
    with app.app_context():
        db.create_all()
        lena, alice = make_user("lena"), make_user("alice")
        project = make_project("Bench", lead=lena, annotators=[alice])
        docs = [
            make_document(project, f"Article {i} text.", external_id=f"d{i}") for i in range(50)
        ]
        lines = [f"Rule {i}: {SENTENCE}" for i in range(2000)]
        from annotator.services.projects.guideline_versions import save_guidelines

        save_guidelines(project, "\n".join(lines), lena)
        for i in rng.sample(range(2000), 100):
            lines[i] = lines[i].replace("quote", "direct quote")
        save_guidelines(project, "\n".join(lines), lena)
        start = datetime(2026, 1, 1, tzinfo=UTC)
        rows = [
            {
                "span_id": i // 3 + 1,
                "document_id": docs[i % 50].id,
                "user_id": alice.id if i % 2 else lena.id,
                "action": ("create", "update", "delete")[i % 3],
                "before": None if i % 3 == 0 else {"start": 0, "end": 4, "text": "Arti"},
                "after": None if i % 3 == 2 else {"start": 0, "end": 7, "text": "Article"},
                "at": start + timedelta(seconds=i),
            }
            for i in range(args.events)
        ]
        db.session.execute(insert(SpanEvent), rows)
        db.session.commit()
        pid = project.id
    client = app.test_client()
    client.post("/login", data={"username": "lena", "password": TEST_PASSWORD})
    print(f"load average {os.getloadavg()[0]:.2f}; {args.runs} runs each; {args.events:,} events")
    for chars in (10_000, 50_000, 100_000):
        texts = [markdown(chars, rng) for _ in range(args.runs)]
        url = f"/projects/{pid}/guidelines/preview"

        def preview(i, texts=texts, url=url):
            assert client.post(url, json={"markdown": texts[i]}).status_code == 200

        report(f"preview {chars:,} chars", *measure(preview, args.runs))

    def diff(_):
        response = client.get(f"/projects/{pid}/guidelines/diff?from=2&to=3")
        assert response.status_code == 200 and b"100 lines added" in response.data

    report("diff 2,000 lines, 100 edited", *measure(diff, args.runs))
    api = f"/api/v1/projects/{pid}/audit"
    last = max(0, args.events - 500)
    pages = (
        ("audit JSON first page (500)", "?limit=500"),
        (f"audit JSON page at offset {last:,}", f"?limit=500&offset={last}"),
        ("audit JSON, one annotator, first page", "?limit=500&annotator=alice"),
    )
    for name, query in pages:

        def page(_, query=query):
            assert client.get(api + query).status_code == 200

        report(name, *measure(page, args.runs))

    def whole_csv(_):
        body = client.get(api + "?format=csv").data
        assert body.count(b"\n") == args.events + 1

    report(f"audit CSV, all {args.events:,} events", *measure(whole_csv, max(2, args.runs // 2)))
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
