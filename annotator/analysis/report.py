"""The analysis report: per group (outlet or leaning) every measure with its interval, and a
between-group test per measure with Holm-corrected p-values."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from annotator.analysis import statistics
from annotator.analysis.articles import Article
from annotator.analysis.measures import build

BY = ("outlet", "leaning")
CORRECTION = (
    "Holm-Bonferroni over all {tests} between-group tests of this report (family-wise error "
    "rate 0.05)"
)
METHOD = (
    "permutation test over articles ({permutations} shuffles of the {by} labels, seed {seed}); "
    "statistic: sum over groups of D_g (R_g - R)^2, R_g the group's ratio of sums"
)


def analyse(
    articles: Sequence[Article],
    *,
    by: str = "outlet",
    labels: Sequence[str] = (),
    attributes: Mapping[str, set[str]] | None = None,
    questions: Mapping[str, tuple[bool, Sequence[str]]] | None = None,
    left_out: Mapping[str, int] | None = None,
    n_boot: int = statistics.BOOTSTRAP,
    n_perm: int = statistics.PERMUTATIONS,
    seed: int = statistics.SEED,
) -> dict:
    """The report as plain JSON-ready values (see ``table_rows`` for its flat form).

    BLAS runs on one thread here: its products are small (resamples x articles x a few dozen
    columns), and extra BLAS threads mostly spin, which on a loaded server costs more CPU than
    they save (benchmarks/analysis.py: 1.33 s CPU with two threads, 0.75 s with one)."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    with threadpool_limits(limits=1, user_api="blas"):
        return _analyse(articles, by, labels, attributes, questions, left_out, n_boot, n_perm, seed)


def _analyse(articles, by, labels, attributes, questions, left_out, n_boot, n_perm, seed) -> dict:
    excluded = dict(left_out or {})
    grouped: list[Article] = []
    for article in articles:
        name = article.outlet if by == "outlet" else article.leaning
        if name:
            grouped.append(article)
        else:
            reason = "no outlet" if by == "outlet" or not article.outlet else "no leaning"
            excluded[reason] = excluded.get(reason, 0) + 1
    names = sorted({a.outlet if by == "outlet" else a.leaning for a in grouped})
    index = {name: i for i, name in enumerate(names)}
    groups = np.array(
        [index[a.outlet if by == "outlet" else a.leaning] for a in grouped], dtype=np.intp
    )
    measures, x, d = build(grouped, labels, attributes, questions or {})
    leanings = {}
    for a in grouped:
        leanings.setdefault(a.outlet, a.leaning)
    result_groups = []
    per_group = []
    # the overall interval adds up the groups' resamples: a bootstrap stratified by group
    all_num, all_den = np.zeros((n_boot, len(measures))), np.zeros((n_boot, len(measures)))
    for i, name in enumerate(names):
        rows = groups == i
        xg, dg = x[rows], d[rows]
        estimates = statistics.ratios(xg, dg)
        num, den = statistics.bootstrap_sums(xg, dg, n_boot=n_boot, seed=seed + i)
        all_num += num
        all_den += den
        intervals = statistics.percentile_intervals(num, den)
        per_group.append((estimates, intervals, (dg > 0).sum(axis=0), xg.sum(axis=0)))
        entry = {"name": name, "articles": int(rows.sum()), "characters": int(dg[:, 2].sum())}
        if by == "outlet":
            entry["leaning"] = leanings.get(name, "")
        else:
            entry["outlets"] = sorted(
                {a.outlet for a, g in zip(grouped, groups, strict=True) if g == i}
            )
        result_groups.append(entry)
    overall = statistics.ratios(x, d)
    overall_ci = statistics.percentile_intervals(all_num, all_den)
    testable = len(names) >= 2
    observed = pvalues = np.zeros(len(measures))
    if testable and measures:
        observed, pvalues = statistics.permutation_pvalues(
            x, d, groups, len(names), n_perm=n_perm, seed=seed
        )
    tested = [
        j
        for j in range(len(measures))
        if testable and sum(1 for g in per_group if g[2][j] > 0) >= 2
    ]
    adjusted = dict(zip(tested, statistics.holm([float(pvalues[j]) for j in tested]), strict=True))
    out_measures = []
    for j, measure in enumerate(measures):
        entry = measure.as_dict()
        entry["groups"] = {
            names[i]: {
                "estimate": _num(est[j]),
                "ci": [_num(ci[j, 0]), _num(ci[j, 1])],
                "articles": int(n[j]),
                "total": _num(tot[j]),
            }
            for i, (est, ci, n, tot) in enumerate(per_group)
        }
        entry["overall"] = {
            "estimate": _num(overall[j]),
            "ci": [_num(overall_ci[j, 0]), _num(overall_ci[j, 1])],
            "articles": int((d[:, j] > 0).sum()),
        }
        if j in adjusted:
            entry["test"] = {
                "statistic": _num(observed[j]),
                "p": _num(pvalues[j]),
                "p_holm": _num(adjusted[j]),
            }
        else:
            entry["test"] = None
        out_measures.append(entry)
    return {
        "by": by,
        "articles": len(grouped),
        "excluded": excluded,
        "groups": result_groups,
        "measures": out_measures,
        "bootstrap": {
            "resamples": n_boot,
            "level": 0.95,
            "seed": seed,
            "over": "articles, within each group (group i uses seed + i); the overall "
            "interval adds up the groups' resamples (stratified by group)",
        },
        "test": {
            "method": METHOD.format(permutations=n_perm, by=by, seed=seed),
            "correction": CORRECTION.format(tests=len(tested)),
            "tests": len(tested),
            "note": None if testable else f"fewer than two {by} groups: no between-group tests",
        },
    }


def _num(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


COLUMNS = (
    "measure",
    "kind",
    "unit",
    "label",
    "attribute",
    "value",
    "question",
    "group",
    "articles",
    "estimate",
    "ci_low",
    "ci_high",
    "p",
    "p_holm",
)


def table_rows(report: dict) -> list[dict]:
    """One row per measure and group (and ``(all)``), with the test on every row of it."""
    rows = []
    for m in report["measures"]:
        test = m["test"] or {}
        cells = [*m["groups"].items(), ("(all)", m["overall"])]
        for group, figures in cells:
            rows.append(
                {
                    "measure": m["name"],
                    "kind": m["kind"],
                    "unit": m["unit"],
                    "label": m["label"],
                    "attribute": m["attribute"],
                    "value": m["value"],
                    "question": m["question"],
                    "group": group,
                    "articles": figures["articles"],
                    "estimate": figures["estimate"],
                    "ci_low": figures["ci"][0],
                    "ci_high": figures["ci"][1],
                    "p": test.get("p"),
                    "p_holm": test.get("p_holm"),
                }
            )
    return rows
