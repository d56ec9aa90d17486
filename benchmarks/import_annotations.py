"""Benchmark: import 400,000 spans (``annotator import-annotations``'s path) into SQLite.

Writes the seeded synthetic documents of ``benchmarks/export.py`` (about 30 spans each, 3-5
annotators) once as native JSONL, then in a fresh process per run: a fresh database with the
app's schema and an empty project, and the timed import as the CLI does it (the file streamed
into ``import_annotations`` a batch of articles at a time, commit: one transaction). Prints
spans/s by wall clock (and per CPU second: the machine may be shared) and the peak RSS of the
run's process, then the median and range over the runs. Target: >= 100,000 spans/s.

    python benchmarks/import_annotations.py [--spans N] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.export import _rss_mb, synthetic_documents  # noqa: E402


def write_input(path: str, n_spans: int) -> None:
    from annotator.formats import write_jsonl

    with open(path, "w", encoding="utf-8") as fh:
        for chunk in write_jsonl(synthetic_documents(n_spans)):
            fh.write(chunk)


def import_once(data: str, workdir: str) -> dict:
    from annotator import create_app
    from annotator.extensions import db
    from annotator.services.projects.projects import create_project
    from annotator.services.transfer.annotation_import import (
        import_annotations,
        iter_annotation_files,
    )

    path = os.path.join(workdir, "bench.db")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "INSTANCE_PATH": workdir})  # fmt: skip
    with app.app_context():
        db.create_all()
        project = create_project("Bench", preset="empty")
        db.session.commit()
        began = time.perf_counter()
        cpu = time.process_time()
        documents = iter_annotation_files("jsonl", [data])  # streamed, as the CLI does
        report = import_annotations(project, documents)
        db.session.commit()
        seconds = time.perf_counter() - began
        cpu = time.process_time() - cpu
    _, peak = _rss_mb()
    return {
        "spans": report.spans,
        "seconds": seconds,
        "cpu_s": cpu,
        "spans_per_s": report.spans / seconds,
        "peak_rss_mb": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spans", type=int, default=400_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--once", nargs=2, metavar=("DATA", "WORKDIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(json.dumps(import_once(*args.once)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "input.jsonl")
        write_input(data, args.spans)
        size = os.path.getsize(data)
        print(f"input: {args.spans:,} spans, native JSONL, {size / 2**20:.1f} MiB")
        results = []
        for run in range(1, args.runs + 1):
            workdir = tempfile.mkdtemp(dir=tmp)
            out = subprocess.run(
                [sys.executable, __file__, "--once", data, workdir],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            results.append(r)
            print(
                f"run {run}: {r['spans']:,} spans in {r['seconds']:.2f} s "
                f"(CPU {r['cpu_s']:.2f} s, {r['spans'] / r['cpu_s']:,.0f} spans per CPU second): "
                f"{r['spans_per_s']:,.0f} spans/s, peak RSS {r['peak_rss_mb']:.0f} MiB"
            )
        rates = [r["spans_per_s"] for r in results]
        peaks = [r["peak_rss_mb"] for r in results]
        print(
            f"spans/s: median {statistics.median(rates):,.0f} "
            f"(range {min(rates):,.0f}-{max(rates):,.0f}); peak RSS: median "
            f"{statistics.median(peaks):.0f} MiB (range {min(peaks):.0f}-{max(peaks):.0f}); "
            "target >= 100,000 spans/s"
        )


if __name__ == "__main__":
    main()
