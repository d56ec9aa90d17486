"""Coding agreement for fixed units: Cohen's kappa and Fleiss' kappa.

Conventions
-----------
* ``cohen_kappa`` takes two equally long sequences of labels (one per unit). ``None`` and float
  NaN mark a missing rating; units where either rater is missing are dropped.
* ``weights`` is ``None`` (nominal), ``"linear"`` (|i-j|) or ``"quadratic"`` ((i-j)^2) over the
  category *positions* in ``labels`` (default: the sorted observed labels), exactly as
  ``sklearn.metrics.cohen_kappa_score``.
* ``fleiss_kappa`` takes a units x categories count table with the same number of ratings per
  unit (Fleiss 1971; ``statsmodels.stats.inter_rater.fleiss_kappa(method="fleiss")``).
* Undefined statistics are NaN, never an exception: no (pairable) units, or chance agreement
  of 1 (every rating in one category), where kappa is 0/0.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

import numpy as np


def is_missing(value: object) -> bool:
    """``None`` or a float NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _weight_matrix(k: int, weights: str | None) -> np.ndarray:
    idx = np.arange(k, dtype=float)
    if weights is None:
        return 1.0 - np.eye(k)
    if weights == "linear":
        return np.abs(idx[:, None] - idx[None, :])
    if weights == "quadratic":
        return (idx[:, None] - idx[None, :]) ** 2
    raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")


def kappa_from_confusion(confusion: np.ndarray, weights: str | None = None) -> float:
    """Cohen's kappa from a k x k confusion matrix (rows rater A, columns rater B)."""
    confusion = np.asarray(confusion, dtype=float)
    total = confusion.sum()
    if total <= 0:
        return math.nan
    w = _weight_matrix(confusion.shape[0], weights)
    expected = np.outer(confusion.sum(1), confusion.sum(0)) / total
    denominator = float((w * expected).sum())
    if denominator <= 0:  # chance disagreement is zero: both raters use one category
        return math.nan
    return 1.0 - float((w * confusion).sum()) / denominator


def cohen_kappa(
    rater_a: Sequence[Hashable],
    rater_b: Sequence[Hashable],
    weights: str | None = None,
    labels: Sequence[Hashable] | None = None,
) -> float:
    """Cohen's (1960) kappa, optionally weighted (Cohen 1968), for two raters.

    NaN when no unit has both ratings or when both raters use a single, shared category.
    Ratings outside ``labels`` (when given) are dropped, as sklearn does.
    """
    if len(rater_a) != len(rater_b):
        raise ValueError("rater_a and rater_b must have the same length")
    pairs = [(a, b) for a, b in zip(rater_a, rater_b, strict=True)]
    pairs = [(a, b) for a, b in pairs if not is_missing(a) and not is_missing(b)]
    if labels is None:
        labels = sorted({v for pair in pairs for v in pair}, key=_sort_key)
    index = {label: i for i, label in enumerate(labels)}
    k = len(index)
    codes = [(index[a], index[b]) for a, b in pairs if a in index and b in index]
    if not codes or k == 0:
        return math.nan
    arr = np.asarray(codes, dtype=np.int64)
    confusion = np.bincount(arr[:, 0] * k + arr[:, 1], minlength=k * k).reshape(k, k)
    return kappa_from_confusion(confusion, weights)


def _sort_key(value: object) -> tuple[int, object]:
    """Sort numbers numerically and everything else by its string form."""
    if isinstance(value, int | float | np.integer | np.floating):
        return (0, float(value))
    return (1, str(value))


def fleiss_kappa(table: np.ndarray | Sequence[Sequence[float]]) -> float:
    """Fleiss' (1971) kappa from a units x categories count table.

    Every row must hold the same number of ratings (at least 2). NaN for an empty table or
    when all ratings fall in one category (chance agreement 1).
    """
    table = np.asarray(table, dtype=float)
    if table.ndim != 2 or table.shape[0] == 0:
        return math.nan
    per_unit = table.sum(1)
    n = per_unit[0]
    if not np.allclose(per_unit, n):
        raise ValueError("fleiss_kappa needs the same number of ratings for every unit")
    if n < 2:
        return math.nan
    p_j = table.sum(0) / table.sum()
    p_i = ((table**2).sum(1) - n) / (n * (n - 1))
    p_bar, p_e = p_i.mean(), float((p_j**2).sum())
    if p_e >= 1.0:
        return math.nan
    return float((p_bar - p_e) / (1.0 - p_e))


def ratings_to_table(
    unit_ratings: Iterable[Iterable[Hashable]], categories: Sequence[Hashable] | None = None
) -> tuple[np.ndarray, list[Hashable]]:
    """Turn per-unit rating lists into a units x categories count table.

    ``unit_ratings`` holds one iterable of ratings per unit (missing ratings skipped).
    Returns ``(table, categories)``; categories default to the sorted observed values.
    """
    units = [[r for r in ratings if not is_missing(r)] for ratings in unit_ratings]
    if categories is None:
        categories = sorted({r for unit in units for r in unit}, key=_sort_key)
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(units), len(categories)), dtype=float)
    for row, unit in enumerate(units):
        for rating in unit:
            table[row, index[rating]] += 1
    return table, list(categories)
