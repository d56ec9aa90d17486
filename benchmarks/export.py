"""Benchmark: stream 1,000,000 synthetic spans through the native JSONL writer.

Prints spans/second, output size and peak memory at 250k / 500k / 1M spans (memory should stay
flat: the writer holds one document at a time). Target: >= 200,000 spans/s.

    python benchmarks/export.py [--spans N] [--out PATH] [--soft-labels] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.formats.jsonl import write_jsonl  # noqa: E402
from annotator.records import DocumentRecord, SpanRecord  # noqa: E402

LABELS = ("Loaded language", "Framing", "Claim", "Quote", "Source", "Cue", "Appeal to fear")
WORDS = "the a leaders met “bold” move to restore U.S. leadership claimed over one million lives " \
    "highly productive unrealistic said officials — critics président naïve 🤝".split()  # fmt: skip


def synthetic_documents(n_spans: int = 1_000_000, seed: int = 7) -> Iterator[DocumentRecord]:
    """Seeded documents (~30 spans each, 3-5 annotators, ~1,500 characters, texts drawn from a
    pool of 256) until ``n_spans`` spans have been made."""
    rng = random.Random(seed)
    texts = [" ".join(rng.choices(WORDS, k=200)) for _ in range(256)]
    made, k = 0, 0
    while made < n_spans:
        k += 1
        doc_id = f"doc-{k:06d}"
        text = texts[k % 256]
        people = [f"annotator{j}" for j in rng.sample(range(12), rng.randint(3, 5))]
        count = min(rng.randint(20, 40), n_spans - made)
        spans = []
        n = len(text)
        rand = rng.random
        for i in range(count):
            start = int(rand() * (n - 60))
            end = start + 1 + int(rand() * 60)
            attrs = {"intensity": "high"} if i % 5 == 0 else {}
            spans.append(
                SpanRecord(doc_id, people[i % len(people)], LABELS[i % 7], start, end,
                           text[start:end], attrs, "", 3, str(made + i))
            )  # fmt: skip
        made += count
        yield DocumentRecord(
            doc_id, text, title=f"Article {k}", outlet=f"outlet{k % 20}", url=f"https://x/{k}",
            published="2024-05-01", spans=tuple(spans),
        )  # fmt: skip


def _rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) in MiB of this process (Linux: VmHWM, which unlike ru_maxrss
    does not carry over the parent's peak across fork and exec)."""
    try:
        with open("/proc/self/status") as fh:
            status = dict(line.split(":", 1) for line in fh if line.startswith(("VmRSS", "VmHWM")))
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError):
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak_kb / 1024, peak_kb / 1024


def time_export(
    records: Iterable[DocumentRecord],
    out_path: str | os.PathLike,
    *,
    checkpoints: tuple[int, ...] = (250_000, 500_000, 1_000_000),
    soft_labels: bool = False,
) -> dict[str, float]:
    """Write ``records`` through the JSONL writer to ``out_path``; print figures at checkpoints.

    Time spent producing the records (the generator, or later a database query) is measured
    separately from the total, so the writer's own rate is shown too.
    """
    state = {"spans": 0, "source_s": 0.0, "source_cpu": 0.0}

    def counted() -> Iterator[DocumentRecord]:
        it = iter(records)
        while True:
            t, c = time.perf_counter(), time.process_time()
            try:
                doc = next(it)
            except StopIteration:
                return
            state["source_s"] += time.perf_counter() - t
            state["source_cpu"] += time.process_time() - c
            state["spans"] += len(doc.spans) + len(doc.gold)
            yield doc

    pending = list(checkpoints)
    start, cpu_start = time.perf_counter(), time.process_time()
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        for chunk in write_jsonl(counted(), soft_labels=soft_labels):
            fh.write(chunk)
            if pending and state["spans"] >= pending[0]:
                pending.pop(0)
                _report(state, time.perf_counter() - start, time.process_time() - cpu_start,
                        fh.tell())  # fmt: skip
    total, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    size = os.path.getsize(out_path)
    if pending:
        _report(state, total, cpu, size)
    return {"spans": state["spans"], "seconds": total, "cpu_seconds": cpu,
            "writer_seconds": total - state["source_s"],
            "writer_cpu_seconds": cpu - state["source_cpu"], "bytes": size}  # fmt: skip


def _report(state: dict, elapsed: float, cpu: float, size: int) -> None:
    n = state["spans"]
    current, peak = _rss_mb()
    traced = ""
    if tracemalloc.is_tracing():
        traced = f"  traced peak {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB"
    writer_s = max(elapsed - state["source_s"], 1e-9)
    writer_cpu = max(cpu - state["source_cpu"], 1e-9)
    print(
        f"{n:>9,} spans {elapsed:6.1f} s: {n / elapsed:>8,.0f} spans/s ({n / cpu:>8,.0f}/CPU s);"
        f" writer alone {n / writer_s:>8,.0f}/s ({n / writer_cpu:>8,.0f}/CPU s);"
        f" output {size / 2**20:6.1f} MiB; RSS {current:5.1f} MiB, peak {peak:5.1f} MiB{traced}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--spans", type=int, default=1_000_000)
    p.add_argument("--out", default=None, help="output file (default: a temporary file)")
    p.add_argument("--soft-labels", action="store_true")
    p.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations")
    args = p.parse_args(argv)
    if args.tracemalloc:
        tracemalloc.start()
    marks = tuple(sorted({args.spans // 4, args.spans // 2, args.spans}))
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or os.path.join(tmp, "export.jsonl")
        res = time_export(synthetic_documents(args.spans), out, checkpoints=marks,
                          soft_labels=args.soft_labels)  # fmt: skip
    print(
        f"total: {res['spans']:,} spans in {res['seconds']:.2f} s = "
        f"{res['spans'] / res['seconds']:,.0f} spans/s end to end "
        f"({res['spans'] / res['cpu_seconds']:,.0f} per CPU second); writer alone "
        f"{res['spans'] / res['writer_seconds']:,.0f} spans/s "
        f"({res['spans'] / res['writer_cpu_seconds']:,.0f} per CPU second); "
        f"{res['bytes'] / 2**20:.1f} MiB"
    )


if __name__ == "__main__":
    main()
