"""Ratio estimates over articles, their bootstrap intervals, permutation tests and Holm.

Every figure is a ratio of sums over articles, ``R = sum(x) / sum(d)``: spans per article
(d = 1), spans per 1,000 characters (d = characters / 1000), covered share (d = characters),
a question's mean (x = the article's value, d = 1 where answered). Intervals resample
articles with replacement; tests shuffle articles between groups. Both use a fixed seed.
"""

from __future__ import annotations

import numpy as np

SEED = 20
BOOTSTRAP = 1000
PERMUTATIONS = 999
_CHUNK = 128


def ratios(x: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Column-wise sum(x) / sum(d); NaN where the denominator sums to zero."""
    num, den = x.sum(axis=0), d.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _unique_columns(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns (most measures share a few denominators, and a count per article
    and per 1,000 characters one numerator) and each column's index among them.

    Columns are told apart by their bytes (a dictionary, not ``np.unique(axis=1)``, which
    sorts every row of the matrix and was a third of the report's time)."""
    first: dict[bytes, int] = {}
    which = np.empty(d.shape[1], dtype=np.intp)
    keep: list[int] = []
    columns = np.ascontiguousarray(d.T)
    for j in range(d.shape[1]):
        key = columns[j].tobytes()
        if key not in first:
            first[key] = len(keep)
            keep.append(j)
        which[j] = first[key]
    return d[:, keep], which


def bootstrap_sums(
    x: np.ndarray, d: np.ndarray, *, n_boot: int = BOOTSTRAP, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator sums (resamples x columns) of ``n_boot`` resamples of the
    rows (articles) with replacement. Each resample is a row of multiplicities, so all
    columns come from one matrix product."""
    n = x.shape[0]
    if n == 0 or n_boot == 0:
        return np.zeros((n_boot, x.shape[1])), np.zeros((n_boot, x.shape[1]))
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n, size=(n_boot, n))
    weights = np.bincount(
        (np.arange(n_boot)[:, None] * n + draws).ravel(), minlength=n_boot * n
    ).reshape(n_boot, n)
    weights = weights.astype(np.float64)
    nums, of_x = _unique_columns(x)  # per article and per 1,000 characters share numerators
    dens, of_d = _unique_columns(d)
    return (weights @ nums)[:, of_x], (weights @ dens)[:, of_d]


def percentile_intervals(num: np.ndarray, den: np.ndarray, level: float = 0.95) -> np.ndarray:
    """Percentile intervals (columns x 2) of the resampled ratios ``num / den``."""
    out = np.full((num.shape[1], 2), np.nan)
    if num.shape[0] == 0:
        return out
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    tail = (1 - level) / 2 * 100
    valid = ~np.all(np.isnan(values), axis=0)
    if valid.any():
        out[valid] = np.nanpercentile(values[:, valid], [tail, 100 - tail], axis=0).T
    return out


def bootstrap_intervals(
    x: np.ndarray, d: np.ndarray, *, n_boot: int = BOOTSTRAP, seed: int = SEED, level=0.95
) -> np.ndarray:
    """Percentile intervals (columns x 2) of the ratios, resampling rows (articles)."""
    if x.shape[1] == 0:
        return np.full((0, 2), np.nan)
    return percentile_intervals(*bootstrap_sums(x, d, n_boot=n_boot, seed=seed), level)


def between_statistic(x: np.ndarray, d: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    """Per column, sum over groups of D_g * (R_g - R)^2: how far group ratios spread."""
    onehot = np.zeros((k, x.shape[0]))
    onehot[groups, np.arange(x.shape[0])] = 1
    return _spread(onehot @ x, onehot @ d)


def _spread(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num`` and ``den``: (..., groups, columns) sums; the statistic over the groups axis."""
    total_num, total_den = num.sum(axis=-2, keepdims=True), den.sum(axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(total_den > 0, total_num / np.where(total_den > 0, total_den, 1), 0)
        group = np.where(den > 0, num / np.where(den > 0, den, 1), overall)
    return (den * (group - overall) ** 2).sum(axis=-2)


def permutation_pvalues(
    x: np.ndarray,
    d: np.ndarray,
    groups: np.ndarray,
    k: int,
    *,
    n_perm: int = PERMUTATIONS,
    seed: int = SEED,
) -> tuple[np.ndarray, np.ndarray]:
    """Observed statistics and p-values ``(1 + #{perm >= observed}) / (1 + n_perm)``.

    The group labels are shuffled over articles; ``x`` and ``d`` rows move together. The
    last group's sums are the totals minus the others', so k - 1 groups are summed.
    """
    observed = between_statistic(x, d, groups, k)
    exceed = np.zeros(x.shape[1])
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    nums, of_x = _unique_columns(x)
    dens, of_d = _unique_columns(d)
    # single precision halves the cost of the sums; the tolerance absorbs its rounding
    both = np.hstack([nums, dens]).astype(np.float32)
    total = both.sum(axis=0, dtype=np.float64)
    tolerance = 1e-4 * np.abs(observed) + 1e-9
    for start in range(0, n_perm, _CHUNK):
        size = min(_CHUNK, n_perm - start)
        shuffled = rng.permuted(np.broadcast_to(groups, (size, n)), axis=1)
        onehot = (shuffled[:, None, :] == np.arange(k - 1)[None, :, None]).astype(np.float32)
        sums = (onehot.reshape(size * (k - 1), n) @ both).reshape(size, k - 1, -1)
        sums = sums.astype(np.float64)
        sums = np.concatenate([sums, (total - sums.sum(axis=1))[:, None, :]], axis=1)
        m = nums.shape[1]
        stats = _spread(sums[..., :m][..., of_x], sums[..., m:][..., of_d])
        exceed += (stats >= observed - tolerance).sum(axis=0)
    return observed, (1 + exceed) / (1 + n_perm)


def holm(pvalues: list[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (step-down, monotone, capped at 1)."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted
