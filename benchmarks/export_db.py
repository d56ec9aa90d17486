"""Benchmark: export 1,000,000 spans from a real SQLite database to JSONL.

Fills a fresh database (the app's schema) with the seeded synthetic documents of
``benchmarks/export.py``, then streams the project out as the CLI and the download do
(``services.transfer.exporting.stream``: rows -> records -> JSONL writer) to a file, in a fresh
process per run. Prints spans/s by wall clock and per CPU second (``time.process_time``) and memory
at 25% / 50% / 100% of the spans, then best and median over the runs. Target: >= 200,000 spans/s.

    python benchmarks/export_db.py [--spans N] [--runs 3] [--db PATH]

``--db`` keeps the filled database (filled only if the file does not exist yet).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.export import _rss_mb, synthetic_documents  # noqa: E402


def _app(path: str):
    from annotator import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "bench",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                       "INSTANCE_PATH": os.path.dirname(path)})  # fmt: skip


def fill(path: str, n_spans: int) -> int:
    """The synthetic project: project, users and labels through the ORM (so every column gets
    its default), documents and spans with sqlite3's executemany (fast, one transaction)."""
    from annotator.extensions import db
    from annotator.models import Label, Project, User

    now = "2026-01-01 00:00:00"
    users, labels, spans, docs = {}, {}, [], []
    for k, doc in enumerate(synthetic_documents(n_spans), start=1):
        docs.append(
            (
                k,
                1,
                doc.id,
                doc.title,
                doc.text,
                doc.outlet,
                "",
                doc.url,
                "{}",
                hashlib.sha256(f"{k}{doc.text}".encode()).hexdigest(),
                now,
            )
        )
        for s in doc.spans:
            uid = users.setdefault(s.annotator, len(users) + 1)
            lid = labels.setdefault(s.label, len(labels) + 1)
            spans.append(
                (
                    k,
                    uid,
                    lid,
                    s.start,
                    s.end,
                    s.text,
                    json.dumps(s.attributes),
                    "",
                    3,
                    "manual",
                    1,
                    now,
                    now,
                )
            )
    with _app(path).app_context():
        db.create_all()
        db.session.add(Project(id=1, name="Bench", per_doc=3))
        db.session.add_all(User(id=i, username=name, password_hash="") for name, i in users.items())
        db.session.add_all(
            Label(id=i, project_id=1, name=name, order=i, attributes=[])
            for name, i in labels.items()
        )
        db.session.commit()
        db.engine.dispose()
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO document (id, project_id, external_id, title, text, outlet, "
        "author, url, meta, sha256, created_at, story) VALUES (?,?,?,?,?,?,?,?,?,?,?,'')",
        docs,
    )
    con.executemany(
        'INSERT INTO span (document_id, user_id, label_id, start, "end", text, '
        "attributes, note, guidelines_version, source, version, created_at, "
        "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        spans,
    )
    con.commit()
    con.close()
    return len(spans)


def export_once(path: str, n_spans: int, out: str, bundle: bool = False) -> dict:
    """One timed export of project 1 through ``services.transfer.exporting.stream``; prints
    memory at 25% / 50% / 100% of ``n_spans`` and returns the figures."""
    from annotator.extensions import db
    from annotator.models import Project
    from annotator.services.transfer import exporting

    state = {"spans": 0, "docs": 0}
    read = exporting.iter_documents

    def counted(*args, **kwargs):  # counts spans as the service reads them
        for doc in read(*args, **kwargs):
            state["spans"] += len(doc.spans) + len(doc.gold)
            yield doc

    exporting.iter_documents = counted
    pending = sorted({n_spans // 4, n_spans // 2, n_spans})
    with _app(path).app_context():
        project = db.session.get(Project, 1)
        began, cpu = time.perf_counter(), time.process_time()
        size = 0
        with open(out, "wb") as fh:
            request = exporting.ExportRequest("jsonl", bundle=bundle)
            for block in exporting.stream(project, request):
                fh.write(block)
                size += len(block)
                while pending and state["spans"] >= pending[0]:
                    pending.pop(0)
                    _mark(state["spans"], time.perf_counter() - began,
                          time.process_time() - cpu, size)  # fmt: skip
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    current, peak = _rss_mb()
    return {"spans": state["spans"], "wall": wall, "cpu": cpu, "bytes": size,
            "rss_mb": current, "peak_rss_mb": peak}  # fmt: skip


def _mark(spans: int, wall: float, cpu: float, size: int) -> None:
    current, peak = _rss_mb()
    print(f"  {spans:>9,} spans {wall:6.2f} s wall {cpu:6.2f} s CPU: {spans / wall:>9,.0f} "
          f"spans/s, {spans / cpu:>9,.0f} per CPU s; output {size / 2**20:6.1f} MiB; "
          f"RSS {current:5.1f} MiB, peak {peak:5.1f} MiB", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", help="database file to keep (filled if missing)")
    parser.add_argument("--bundle", action="store_true", help="a bundle with the dataset card")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or os.path.join(tmp, "bench.sqlite")
        out = os.path.join(tmp, "out.jsonl")
        if args.child:
            result = export_once(path, args.spans, out, args.bundle)
            print("RESULT " + json.dumps(result), flush=True)
            return
        if not os.path.exists(path):
            began = time.perf_counter()
            count = fill(path, args.spans)
            print(f"filled {count:,} spans in {time.perf_counter() - began:.1f} s")
        results = []
        for run in range(1, args.runs + 1):
            print(f"run {run}:", flush=True)
            child = subprocess.run(
                [sys.executable, __file__, "--child", "--db", path, "--spans", str(args.spans)]
                + ["--bundle"] * args.bundle,
                capture_output=True, text=True,
            )  # fmt: skip
            if child.returncode:
                sys.exit(child.stderr)
            for line in child.stdout.splitlines():
                if line.startswith("RESULT "):
                    results.append(json.loads(line[7:]))
                else:
                    print(line)
        _summary(results)


def _summary(results: list[dict]) -> None:
    spans = results[0]["spans"]
    walls = [spans / r["wall"] for r in results]
    cpus = [spans / r["cpu"] for r in results]
    peak = max(r["peak_rss_mb"] for r in results)
    print(
        f"SQLite -> records -> JSONL, {spans:,} spans ({results[0]['bytes'] / 2**20:.0f} MiB), "
        f"{len(results)} runs: wall best {max(walls):,.0f} / median {statistics.median(walls):,.0f}"
        f" spans/s ({min(r['wall'] for r in results):.2f} s best); CPU best {max(cpus):,.0f} / "
        f"median {statistics.median(cpus):,.0f} spans per CPU s; peak RSS {peak:.0f} MiB"
    )


if __name__ == "__main__":
    main()
