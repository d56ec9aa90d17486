"""Benchmark of annotator.agreement (prints figures; no assertions).

Synthetic, seeded project: 10 annotators x 5,000 articles x 30 spans per annotator and
article, articles of about 3,000 characters, 4 labels; annotators perturb shared "true"
spans (boundary jitter, label swaps, misses, extra spans). Prints the seconds for the full
``project_report`` (1,000 bootstrap draws; on span tuples, then on the same spans as
columns of int arrays, which skips reading Python objects) and ``krippendorff_alpha`` against
``krippendorff.alpha`` on the same reliability data (raters x characters of the first
``--alpha-articles`` articles; best of three, CPU seconds). Wall and CPU seconds are both
printed because a shared machine can starve the process.

    python benchmarks/agreement.py [--articles N] [--annotators N] [--spans N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.agreement import krippendorff_alpha, project_report  # noqa: E402

LABELS = ["Framing", "Claim", "Quote", "Loaded"]


def synthetic_columns(articles: int, annotators: int, spans: int, seed: int = 0):
    """Integer-coded span columns (a ``project_report`` column mapping) and document lengths."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2_700, 3_300, articles)
    slot = lengths // spans  # one true span per slot keeps each annotator's spans apart
    doc = np.repeat(np.arange(articles), spans)
    k = np.tile(np.arange(spans), articles)
    true_len = rng.integers(5, 60, doc.size)
    true_start = k * slot[doc] + rng.integers(0, np.maximum(slot[doc] - true_len - 4, 1))
    true_lab = rng.integers(0, len(LABELS), doc.size)
    cols = {"doc": [], "ann": [], "start": [], "end": [], "lab": []}
    for a in range(annotators):
        jitter_s = np.where(rng.random(doc.size) < 0.3, rng.integers(-2, 3, doc.size), 0)
        jitter_e = np.where(rng.random(doc.size) < 0.3, rng.integers(-2, 3, doc.size), 0)
        lab = np.where(rng.random(doc.size) < 0.1, rng.integers(0, len(LABELS), doc.size), true_lab)
        extra = rng.random(doc.size) < 0.1  # replace a true span by a spurious one in its slot
        start = np.where(extra, k * slot[doc] + 1, true_start + jitter_s)
        end = np.where(
            extra, start + rng.integers(3, 20, doc.size), true_start + true_len + jitter_e
        )
        start = np.clip(start, 0, None)
        cols["doc"].append(doc)
        cols["ann"].append(np.full(doc.size, a))
        cols["start"].append(start)
        cols["end"].append(np.maximum(end, start + 1))
        cols["lab"].append(lab)
    c = {key: np.concatenate(v) for key, v in cols.items()}
    fields = ("document_id", "annotator", "start", "end", "label")
    return dict(zip(fields, c.values(), strict=True)), dict(enumerate(lengths.tolist()))


def synthetic(articles: int, annotators: int, spans: int, seed: int = 0):
    """Span tuples ``(doc, annotator, start, end, label)`` and document lengths."""
    c, lengths = synthetic_columns(articles, annotators, spans, seed)
    names = [f"article{i:05d}" for i in range(articles)]
    people = [f"annotator{i:02d}" for i in range(annotators)]
    rows = list(
        zip(
            [names[i] for i in c["document_id"].tolist()],
            [people[i] for i in c["annotator"].tolist()],
            c["start"].tolist(),
            c["end"].tolist(),
            [LABELS[i] for i in c["label"].tolist()],
            strict=True,
        )
    )
    return rows, dict(zip(names, lengths.values(), strict=True))


def alpha_input(rows, lengths, articles: int):
    """Raters x characters label codes for the first ``articles`` documents."""
    names = list(lengths)[:articles]
    offsets = dict(zip(names, np.cumsum([0] + [lengths[n] for n in names])[:-1], strict=True))
    people = sorted({r[1] for r in rows})
    data = np.zeros((len(people), sum(lengths[n] for n in names)))
    for doc, ann, start, end, label in rows:
        if doc in offsets:
            o = offsets[doc]
            data[people.index(ann), o + start : o + end] = LABELS.index(label) + 1
    return data


def _figures(report: dict) -> str:
    o = report["overall"]
    return (
        f"  character alpha {o['character_alpha']:.3f}, unitizing alpha "
        f"{o['unitizing_alpha']:.3f}, F1 exact {o['span_f1_exact']:.3f}, "
        f"partial {o['span_f1_partial']:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--annotators", type=int, default=10)
    parser.add_argument("--spans", type=int, default=30)
    parser.add_argument("--alpha-articles", type=int, default=100)
    args = parser.parse_args()
    rows, lengths = synthetic(args.articles, args.annotators, args.spans)
    print(f"{len(rows):,} spans, {len(lengths):,} articles, {sum(lengths.values()):,} characters")
    t, cpu = time.perf_counter(), time.process_time()
    report = project_report(rows, lengths, n_boot=1000, seed=0)
    full, full_cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"project_report: {full:.2f} s wall, {full_cpu:.2f} s CPU")
    print(_figures(report))
    columns, int_lengths = synthetic_columns(args.articles, args.annotators, args.spans)
    t, cpu = time.perf_counter(), time.process_time()
    report = project_report(columns, int_lengths, n_boot=1000, seed=0)
    full, full_cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"project_report, columns of int arrays: {full:.2f} s wall, {full_cpu:.2f} s CPU")
    print(_figures(report))

    import krippendorff  # test-only oracle

    data = alpha_input(rows, lengths, args.alpha_articles)
    timings = {}
    for name, fn in {
        "annotator.agreement.krippendorff_alpha": lambda: krippendorff_alpha(data, "nominal"),
        "krippendorff.alpha": lambda: krippendorff.alpha(
            reliability_data=data, level_of_measurement="nominal"
        ),
    }.items():
        best = float("inf")
        for _ in range(3):
            t = time.process_time()
            value = fn()
            best = min(best, time.process_time() - t)
        timings[name] = best
        print(
            f"{name}: {best:.3f} s CPU (alpha {value:.6f}) on {data.shape[0]} x {data.shape[1]:,}"
        )
    ours, theirs = timings.values()
    print(f"ratio ours / krippendorff.alpha: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
