"""Time the outlet analysis on 10,000 articles x 30 spans (target: <= 1 s).

Run: python benchmarks/analysis.py [articles] [spans per article] [runs]

Prints the median and range of the runs, CPU and wall seconds (the CPU figure is the one
to compare on a shared machine).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

from annotator.analysis import Article, analyse, stories
from annotator.records import AnswerRecord, SpanRecord

LABELS = ("Loaded language", "Framing", "Opinion", "Source", "Omission")
FRAMES = ("economic", "morality", "security", "fairness")
OUTLETS = ("Fox News", "New York Times", "HuffPost")


def corpus(n_articles: int, n_spans: int, seed: int = 1) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for i in range(n_articles):
        doc = f"d{i}"
        chars = rng.randint(2000, 6000)
        spans = []
        for _ in range(n_spans):
            start = rng.randrange(0, chars - 50)
            spans.append(
                SpanRecord(
                    doc,
                    "gold",
                    rng.choice(LABELS),
                    start,
                    start + rng.randint(5, 50),
                    attributes={"frame": rng.choice(FRAMES)},
                )
            )
        outlet = OUTLETS[i % 3]
        articles.append(
            Article(
                doc,
                chars,
                outlet,
                ("right", "centre", "left")[i % 3],
                f"s{i // 3}",
                1,
                tuple(spans),
                (AnswerRecord(doc, "gold", "one-sidedness", str(rng.randint(1, 5))),),
            )
        )
    return articles


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    articles = corpus(n, k)
    questions = {"one-sidedness": (True, ("1", "2", "3", "4", "5"))}
    walls, cpus, story_walls = [], [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        report = analyse(
            articles,
            labels=LABELS,
            attributes={lab: {"frame"} for lab in LABELS},
            questions=questions,
        )
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        middle = time.perf_counter()
        listed = stories(articles)
        story_walls.append(time.perf_counter() - middle)

    def figure(values: list[float]) -> str:
        return (
            f"median {statistics.median(values):.3f} s (range {min(values):.3f}-{max(values):.3f})"
        )

    print(
        f"analyse: {n} articles x {k} spans, {len(report['measures'])} measures, "
        f"{report['test']['tests']} tests, {runs} runs: CPU {figure(cpus)}, wall {figure(walls)} "
        f"(target <= 1 s; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})"
    )
    print(f"stories: {len(listed)} stories: wall {figure(story_walls)}")


if __name__ == "__main__":
    main()
