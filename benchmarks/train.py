"""Training time and cross-validated figures of the two baselines on the shared data.

    python benchmarks/train.py [--folds 5] [--seed 0] [--only babe|ptc]
        [--tagger sgd|transformer] [--epochs 2] [--lr 8e-5] [--max-length 128] [--max-folds N]

BABE (final_labels_SG2.csv): the sentence pipeline as a binary Biased / Non-biased classifier,
stratified 5-fold CV, F1 of the Biased class beside majority and random baselines.
PTC (ptc-train): the span tagger, CV grouped by article, exact and partial (SemEval-2020 Task 11)
span F1 per technique and overall beside a majority baseline (every sentence tagged with the
most common technique) and a whole-sentence baseline (every sentence tagged with every
technique), with the label-agnostic span-identification F1 (SemEval-2020 Task 11 SI) and the
number and median length of predicted against gold spans. The tagger's outside bias and
threshold are chosen on an inner split of each fold's training articles (printed).
``--tagger transformer`` cross-validates the fine-tuned all-MiniLM-L6-v2 tagger
(:class:`~annotator.classifier.transformer_tagger.TransformerTagger`, needs the ``transformer``
extra) instead, with the same table, figures per fold as each fold ends, and no fit on all
articles; ``--epochs``, ``--lr`` and ``--max-length`` are its hyper-parameters.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.classifier import (  # noqa: E402
    SpanTagger,
    cross_validate_sentences,
    cross_validate_spans,
    sentence_pipeline,
)
from annotator.formats.ptc import read_ptc  # noqa: E402
from tests.shared import SHARED_DATA  # noqa: E402


class Timer:
    """Wall-clock and CPU seconds of a block (the CPU figure is steadier on a busy machine)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU"


def bar(done: int, total: int) -> None:
    print(f"\r  fold {done}/{total}", end="\n" if done == total else "", flush=True)


def babe(folds: int, seed: int) -> None:
    with open(SHARED_DATA / "babe" / "final_labels_SG2.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["label_bias"] in ("Biased", "Non-biased")]
    texts, labels = [r["text"] for r in rows], [r["label_bias"] for r in rows]
    print(f"BABE SG2: {len(texts)} sentences, {labels.count('Biased')} Biased")
    with Timer() as t:
        sentence_pipeline(seed=seed).fit(texts, labels)
    print(f"  fit on all sentences: {t}")
    with Timer() as t:
        res = cross_validate_sentences(texts, labels, n_splits=folds, seed=seed, progress=bar)
    print(f"  {folds}-fold stratified CV: {t}")
    for system in ("model", "majority", "random"):
        s = res[system]["per_label"]["Biased"]
        print(
            f"  {system:9s} Biased P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}"
            f"   macro-F1 {res[system]['macro_f1']:.3f}"
        )
    print(f"  confusion (rows true {res['labels']}, columns predicted): {res['confusion']}")


def fold_line(done: int, scores: dict) -> None:
    """One fold's labelled partial and SI figures, span counts and median lengths."""
    m, si = scores["model"]["partial"], scores["model"]["si"]
    print(
        f"  fold {done}: labelled partial P/R/F1 {m['precision']:.3f}/{m['recall']:.3f}"
        f"/{m['f1']:.3f}, SI F1 {si['f1']:.3f}, majority F1"
        f" {scores['majority']['partial']['f1']:.3f}, sentence F1"
        f" {scores['sentence']['partial']['f1']:.3f}; spans gold {scores['gold']['n_spans']}"
        f" (median {scores['gold']['median_length']:.0f}), predicted"
        f" {scores['model']['n_spans']} (median {scores['model']['median_length']:.0f});"
        f" tuned {scores['tuned']}",
        flush=True,
    )


def ptc(
    folds: int, seed: int, tagger: str = "sgd", max_folds: int | None = None, **options
) -> None:
    docs = read_ptc(SHARED_DATA / "ptc-train")
    data = [(d.id, d.text, [(s.start, s.end, s.label) for s in d.gold]) for d in docs]
    print(f"PTC train: {len(data)} articles, {sum(len(s) for _, _, s in data)} spans")
    if tagger == "transformer":
        from annotator.classifier.transformer_tagger import TransformerTagger

        print(f"  transformer tagger: {options}")
        with Timer() as t:
            res = cross_validate_spans(
                data,
                n_splits=folds,
                seed=seed,
                make_model=lambda: TransformerTagger(seed=seed, threads=2, verbose=True, **options),
                on_fold=fold_line,
                max_folds=max_folds,
            )
    else:
        with Timer() as t:
            SpanTagger(seed=seed).fit([text for _, text, _ in data], [s for _, _, s in data])
        print(f"  fit on all articles: {t}")
        with Timer() as t:
            res = cross_validate_spans(data, n_splits=folds, seed=seed, progress=bar)
    ran = f" (first {res['folds_run']} folds only)" if res["folds_run"] < folds else ""
    print(f"  {folds}-fold CV grouped by article{ran}: {t}")
    model, base, whole = (res[k]["partial"] for k in ("model", "majority", "sentence"))
    print(f"  tuned on inner splits of the training folds: {res['tuned']}")
    header = f"  {'technique':40s} {'tagger P/R/F1 (partial)':>24s}"
    print(f"{header} {'majority':>9s} {'sentence':>9s}  exact F1")
    for label in sorted(model["per_label"]):
        m = model["per_label"][label]
        b, w = (x["per_label"].get(label, {"f1": 0.0})["f1"] for x in (base, whole))
        exact = res["model"]["exact"]["per_label"].get(label, {"f1": 0.0})["f1"]
        print(
            f"  {label:40s} {m['precision']:.3f}/{m['recall']:.3f}/{m['f1']:.3f}"
            f"{b:>11.3f}{w:>10.3f}{exact:>10.3f}"
        )
    print(
        f"  {'overall (technique-labelled)':40s}"
        f" {model['precision']:.3f}/{model['recall']:.3f}/{model['f1']:.3f}"
        f"{base['f1']:>11.3f}{whole['f1']:>10.3f}{res['model']['exact']['f1']:>10.3f}"
    )
    si = {k: res[k]["si"] for k in ("model", "majority", "sentence")}
    print(
        f"  {'span identification (SemEval-2020 SI)':40s}"
        f" {si['model']['precision']:.3f}/{si['model']['recall']:.3f}/{si['model']['f1']:.3f}"
        f"{si['majority']['f1']:>11.3f}{si['sentence']['f1']:>10.3f}"
    )
    print(
        f"  spans: gold {res['gold']['n_spans']} (median {res['gold']['median_length']:.0f} chars),"
        f" predicted {res['model']['n_spans']} (median {res['model']['median_length']:.0f} chars)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=("babe", "ptc"))
    parser.add_argument("--tagger", choices=("sgd", "transformer"), default="sgd")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--max-folds", type=int, help="transformer: run only the first folds")
    args = parser.parse_args()
    if args.only in (None, "babe"):
        babe(args.folds, args.seed)
    if args.only in (None, "ptc"):
        options = {}
        if args.tagger == "transformer":
            options = {"epochs": args.epochs, "lr": args.lr, "max_length": args.max_length}
        ptc(args.folds, args.seed, args.tagger, args.max_folds, **options)


if __name__ == "__main__":
    main()
