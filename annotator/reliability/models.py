"""``aggregate``: majority vote, Dawid-Skene and MACE over ``(item, annotator, label)``."""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

METHODS = ("majority", "dawid_skene", "mace")


@dataclass
class Aggregation:
    method: str
    labels: dict[Hashable, str] = field(default_factory=dict)  # item -> estimated label
    probabilities: dict[Hashable, dict[str, float]] = field(default_factory=dict)
    competence: dict[str, float] = field(default_factory=dict)  # annotator -> 0..1
    items: int = 0
    annotations: int = 0

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "items": self.items,
            "annotations": self.annotations,
            "competence": dict(sorted(self.competence.items())),
        }


def aggregate(
    triples: Iterable[tuple[Hashable, str, str]],
    method: str = "majority",
    *,
    seed: int = 0,
    n_iter: int | None = None,
    restarts: int = 10,
) -> Aggregation:
    """Estimate item labels and annotator competence with ``method`` (one of ``METHODS``).

    An annotator's repeated label on one item counts once (the last one given wins).
    ``n_iter`` and ``restarts`` default to crowd-kit's (Dawid-Skene 100 iterations; MACE 10
    restarts of 50)."""
    if method not in METHODS:
        raise ValueError(f"unknown aggregation {method!r}; choose one of {', '.join(METHODS)}")
    latest: dict[tuple[Hashable, str], str] = {}
    for item, annotator, label in triples:
        latest[(item, str(annotator))] = str(label)
    out = Aggregation(method, items=len({i for i, _ in latest}), annotations=len(latest))
    if not latest:
        return out
    if method == "majority":
        return _majority(latest, out)
    values = set(latest.values())
    if len(values) == 1:  # one value only: every item has it; competence is not identifiable
        (only,) = values
        for item, _ in latest:
            out.labels[item], out.probabilities[item] = only, {only: 1.0}
        return out
    with warnings.catch_warnings():  # crowd-kit 1.4 uses pandas keywords pandas 3 deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return _crowdkit(latest, method, out, seed=seed, n_iter=n_iter, restarts=restarts)


def _majority(latest: dict, out: Aggregation) -> Aggregation:
    votes: dict[Hashable, Counter] = defaultdict(Counter)
    for (item, _), label in latest.items():
        votes[item][label] += 1
    for item, counts in votes.items():
        total = sum(counts.values())
        top = max(counts.values())
        out.labels[item] = min(label for label, n in counts.items() if n == top)
        out.probabilities[item] = {label: n / total for label, n in sorted(counts.items())}
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (item, who), label in latest.items():
        hits[who][0] += label == out.labels[item]
        hits[who][1] += 1
    out.competence = {who: agree / n for who, (agree, n) in hits.items()}
    return out


def _frame(latest: dict):
    import pandas as pd

    # crowd-kit wants string-like task ids; items are mapped to positions and back.
    items = sorted({item for item, _ in latest}, key=repr)
    index = {item: f"t{i}" for i, item in enumerate(items)}
    rows = [(index[item], who, label) for (item, who), label in latest.items()]
    return pd.DataFrame(rows, columns=["task", "worker", "label"]), {v: k for k, v in index.items()}


def _crowdkit(latest: dict, method: str, out: Aggregation, *, seed, n_iter, restarts):
    from crowdkit.aggregation import MACE, DawidSkene

    frame, items = _frame(latest)
    if method == "dawid_skene":
        model = DawidSkene(n_iter=n_iter or 100)
        model.fit(frame)
        errors = model.errors_  # index (worker, observed label), columns: true label
        priors = model.priors_
        for who in frame["worker"].unique():
            worker = errors.xs(who, level="worker")
            out.competence[who] = float(
                sum(priors[t] * worker.at[t, t] for t in priors.index if t in worker.index)
            )
    else:
        model = MACE(n_restarts=restarts, n_iter=n_iter or 50, random_state=seed)
        model.fit(frame)
        # Rows of spamming_ follow pandas.factorize (first appearance); column 1 is the
        # probability that the annotator is not spamming, i.e. gives the true label.
        for position, who in enumerate(pd_unique(frame["worker"])):
            out.competence[who] = float(model.spamming_[position, 1])
    for task, label in model.labels_.items():
        out.labels[items[task]] = str(label)
    for task, row in model.probas_.iterrows():
        out.probabilities[items[task]] = {
            str(label): float(p) for label, p in row.items() if p == p
        }
    return out


def pd_unique(values):
    return list(dict.fromkeys(values))
