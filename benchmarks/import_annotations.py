"""Benchmark: import 400,000 spans (``annotator import-annotations``'s path) into SQLite.

Writes the seeded synthetic documents of ``benchmarks/export.py`` (about 30 spans each, 3-5
annotators) once in the chosen format (native JSONL; a Label Studio JSON export or a brat zip,
both streamed by the import), then in a fresh process per run: a fresh database with the
app's schema and an empty project, and the timed import as the CLI does it
(``import_annotation_files``: the file read and prepared a batch at a time in a reader process
while the importing process writes, commit: one transaction; ``--one-process`` reads it in the
importing process instead). Prints spans/s by wall clock and per CPU second of both processes
(robust when the machine is shared), and the importing process's peak RSS (and its RSS before
the import: the app and its imports) and the reader's, then the median and range over the
runs, with the load average. Target: >= 100,000 spans/s.

    python benchmarks/import_annotations.py [--spans N] [--runs 3] [--format jsonl|labelstudio|brat]
        [--one-process]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.export import _rss_mb, synthetic_documents  # noqa: E402


def write_input(path: str, n_spans: int, fmt: str = "jsonl") -> None:
    from annotator.formats import write_brat, write_jsonl, write_labelstudio
    from annotator.formats.ziputil import stream_zip

    documents = synthetic_documents(n_spans)
    if fmt == "brat":
        with open(path, "wb") as fh:
            for chunk in stream_zip(write_brat(documents)):
                fh.write(chunk)
        return
    writer = write_labelstudio if fmt == "labelstudio" else write_jsonl
    with open(path, "w", encoding="utf-8") as fh:
        for chunk in writer(documents):
            fh.write(chunk)


def import_once(data: str, workdir: str, fmt: str = "jsonl", reader: bool = True) -> dict:
    from annotator import create_app
    from annotator.extensions import db
    from annotator.services.projects.projects import create_project
    from annotator.services.transfer.annotation_import import import_annotation_files

    path = os.path.join(workdir, "bench.db")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "INSTANCE_PATH": workdir})  # fmt: skip
    with app.app_context():
        db.create_all()
        project = create_project("Bench", preset="empty")
        db.session.commit()
        before, _ = _rss_mb()
        began = time.perf_counter()
        cpu = time.process_time()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        # streamed, as the CLI does: read in a reader process while this one writes
        report = import_annotation_files(project, fmt, [data], reader_process=reader)
        db.session.commit()
        seconds = time.perf_counter() - began
        cpu = time.process_time() - cpu
        done = resource.getrusage(resource.RUSAGE_CHILDREN)  # the reader process, ended
        reader_cpu = done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime
    _, peak = _rss_mb()
    return {
        "spans": report.spans,
        "seconds": seconds,
        "cpu_s": cpu + reader_cpu,
        "reader_cpu_s": reader_cpu,
        "reader_peak_rss_mb": done.ru_maxrss / 1024 if reader else 0.0,
        "spans_per_s": report.spans / seconds,
        "peak_rss_mb": peak,
        "rss_before_mb": before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spans", type=int, default=400_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=("jsonl", "labelstudio", "brat"), default="jsonl")
    parser.add_argument(
        "--once", nargs=3, metavar=("DATA", "WORKDIR", "FMT"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--one-process",
        action="store_true",
        help="read the files in the importing process (no reader process), for comparison",
    )
    args = parser.parse_args()
    if args.once:
        print(json.dumps(import_once(*args.once, reader=not args.one_process)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(
            tmp, {"jsonl": "in.jsonl", "labelstudio": "in.json", "brat": "in.zip"}[args.format]
        )
        write_input(data, args.spans, args.format)
        size = os.path.getsize(data)
        print(f"input: {args.spans:,} spans, {args.format}, {size / 2**20:.1f} MiB")
        results = []
        for run in range(1, args.runs + 1):
            workdir = tempfile.mkdtemp(dir=tmp)
            out = subprocess.run(
                [sys.executable, __file__, "--once", data, workdir, args.format]
                + (["--one-process"] if args.one_process else []),
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            results.append(r)
            print(
                f"run {run}: {r['spans']:,} spans in {r['seconds']:.2f} s "
                f"(CPU {r['cpu_s']:.2f} s, {r['spans'] / r['cpu_s']:,.0f} spans per CPU second): "
                f"{r['spans_per_s']:,.0f} spans/s, peak RSS {r['peak_rss_mb']:.0f} MiB "
                f"(before the import {r['rss_before_mb']:.0f} MiB; reader process: CPU "
                f"{r['reader_cpu_s']:.2f} s, peak RSS {r['reader_peak_rss_mb']:.0f} MiB, pages "
                "shared with the importer since the fork included); load average "
                f"{os.getloadavg()[0]:.2f}"
            )
        rates = [r["spans_per_s"] for r in results]
        cpu = [r["spans"] / r["cpu_s"] for r in results]
        peaks = [r["peak_rss_mb"] for r in results]
        print(
            f"spans/s: median {statistics.median(rates):,.0f} "
            f"(range {min(rates):,.0f}-{max(rates):,.0f}); per CPU second: median "
            f"{statistics.median(cpu):,.0f} (range {min(cpu):,.0f}-{max(cpu):,.0f}); peak RSS: "
            f"median {statistics.median(peaks):.0f} MiB (range {min(peaks):.0f}-{max(peaks):.0f}); "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
            "target >= 100,000 spans/s"
        )


if __name__ == "__main__":
    main()
