"""Krippendorff's alpha from coincidence matrices, and its bootstrap confidence interval.

Conventions
-----------
* ``reliability_data`` is raters x units (the convention of the ``krippendorff`` package):
  ``None`` or NaN marks a missing value. Values may be numbers or (for nominal data) any
  hashable; non-numeric values are ordered by their string form for the ordinal metric.
* Units with fewer than two values are not pairable and are ignored (Krippendorff 2011).
* The coincidence matrix is ``C.T @ diag(w / (m_u - 1)) @ C - diag(...)`` where ``C`` is the
  units x values count matrix (built by ``bincount`` in chunks of units), so memory is
  O(units x values), never units x values x values. With few raters and many values it is
  built instead from one ``bincount`` per ordered pair of raters (O(raters^2 x units)).
  ``w`` are optional per-unit weights: a unit of weight 3 counts as three identical units
  (used for run-length encoded character positions).
* Metrics: nominal, ordinal (ranks from the coincidence marginals), interval, ratio.
* alpha is NaN when fewer than two pairable values exist or when the expected disagreement
  is zero (every pairable value is the same), where alpha is 0/0.
* ``bootstrap_ci`` resamples units (or, with ``groups``, whole groups such as documents)
  with replacement (Hayes & Krippendorff 2007 resample the data; we resample units).
  Each draw reuses the per-unit contributions to the observed disagreement and to the value
  marginals, so a draw costs one (draws x units) @ (units x values) product rather than a
  fresh alpha. The distance matrix is fixed at the full-sample one (this matters only for
  the ordinal metric). Draws whose alpha is undefined are dropped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .coding import _sort_key, is_missing

LEVELS = ("nominal", "ordinal", "interval", "ratio")
_CHUNK_CELLS = 1 << 23  # units x values cells per count-matrix chunk


def encode(reliability_data) -> tuple[np.ndarray, list]:
    """Map raters x units data to value indices (-1 = missing) and the sorted value list."""
    try:
        arr = np.asarray(reliability_data, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is not None:
        if arr.ndim != 2:
            raise ValueError("reliability_data must be 2-D: raters x units")
        present = ~np.isnan(arr)
        values = np.unique(arr[present])
        idx = np.full(arr.shape, -1, dtype=np.int64)
        idx[present] = np.searchsorted(values, arr[present])
        return idx, values.tolist()
    rows = [list(row) for row in reliability_data]
    values = sorted({v for row in rows for v in row if not is_missing(v)}, key=_sort_key)
    index = {v: i for i, v in enumerate(values)}
    idx = np.array([[-1 if is_missing(v) else index[v] for v in row] for row in rows])
    return idx.reshape(len(rows), -1).astype(np.int64), values


def count_matrix(idx: np.ndarray, n_values: int, start: int = 0, stop: int | None = None):
    """Units x values counts for units ``start:stop`` of a raters x units index array."""
    sub = idx[:, start:stop]
    n = sub.shape[1]
    valid = sub >= 0
    flat = (np.arange(n, dtype=np.int64)[None, :] * n_values + sub)[valid]
    return np.bincount(flat, minlength=n * n_values).reshape(n, n_values).astype(float)


def coincidences(counts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Values x values coincidence matrix of a units x values count matrix."""
    m = counts.sum(1)
    w = np.zeros_like(m)
    pairable = m >= 2
    w[pairable] = 1.0 / (m[pairable] - 1)
    if weights is not None:
        w = w * np.asarray(weights, dtype=float)
    weighted = counts * w[:, None]
    return counts.T @ weighted - np.diag(weighted.sum(0))


def distance_matrix(values: Sequence, marginals: np.ndarray, level: str) -> np.ndarray:
    """Squared difference function delta(c, k) over the sorted values."""
    v = len(values)
    if level == "nominal":
        return 1.0 - np.eye(v)
    if level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(marginals)])
        i, k = np.meshgrid(np.arange(v), np.arange(v), indexing="ij")
        lo, hi = np.minimum(i, k), np.maximum(i, k)
        between = cum[hi + 1] - cum[lo]
        return (between - (marginals[i] + marginals[k]) / 2.0) ** 2
    x = np.asarray(values, dtype=float)
    if level == "interval":
        return (x[:, None] - x[None, :]) ** 2
    if level == "ratio":
        total = x[:, None] + x[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            d = ((x[:, None] - x[None, :]) / total) ** 2
        return np.where(total == 0, 0.0, d)
    raise ValueError(f"level must be one of {LEVELS}, not {level!r}")


def alpha_from_coincidences(o: np.ndarray, values: Sequence, level: str = "nominal") -> float:
    """alpha = 1 - D_o / D_e from a coincidence matrix."""
    marginals = o.sum(1)
    n = marginals.sum()
    if n <= 1:
        return math.nan
    delta = distance_matrix(values, marginals, level)
    expected = float(marginals @ delta @ marginals) / (n - 1)
    if expected <= 0:
        return math.nan
    return 1.0 - float((o * delta).sum()) / expected


def alpha_from_counts(
    counts: np.ndarray, values: Sequence, level: str = "nominal", weights=None
) -> float:
    """alpha from a units x values count matrix (optionally weighted units)."""
    return alpha_from_coincidences(coincidences(counts, weights), values, level)


def krippendorff_alpha(reliability_data, level: str = "nominal") -> float:
    """Krippendorff's alpha for raters x units data with missing values (None/NaN).

    NaN when fewer than two pairable values exist or only one value is used.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    idx, values = encode(reliability_data)
    v = len(values)
    if v == 0:
        return math.nan
    raters = idx.shape[0]
    if raters * (raters - 1) * 8 < v * v:
        return alpha_from_coincidences(pair_coincidences(idx, v), values, level)
    o = np.zeros((v, v))
    step = max(1, _CHUNK_CELLS // v)
    for start in range(0, idx.shape[1], step):
        o += coincidences(count_matrix(idx, v, start, start + step))
    return alpha_from_coincidences(o, values, level)


def pair_coincidences(idx: np.ndarray, n_values: int) -> np.ndarray:
    """Coincidences by one ``bincount`` per ordered rater pair (few raters, many values)."""
    present = idx >= 0
    m = present.sum(0)
    w = np.where(m >= 2, 1.0 / np.maximum(m - 1, 1), 0.0)
    o = np.zeros(n_values * n_values)
    for i in range(idx.shape[0]):
        for j in range(idx.shape[0]):
            if i != j:
                both = present[i] & present[j]
                flat = idx[i, both] * n_values + idx[j, both]
                o += np.bincount(flat, weights=w[both], minlength=n_values * n_values)
    return o.reshape(n_values, n_values)


def unit_contributions(counts: np.ndarray, delta: np.ndarray, weights=None):
    """Per-unit observed disagreement and value marginals (rows sum to alpha's inputs)."""
    m = counts.sum(1)
    w = np.zeros_like(m)
    pairable = m >= 2
    w[pairable] = 1.0 / (m[pairable] - 1)
    unit_w = np.ones_like(m) if weights is None else np.asarray(weights, dtype=float)
    disagreement = ((counts @ delta) * counts).sum(1) * w * unit_w
    marginals = counts * (pairable * unit_w)[:, None]
    return disagreement, marginals


def percentiles(a: np.ndarray, q) -> np.ndarray:
    """``np.percentile(a, q)`` (default "linear" method, 1-D ``a`` without NaN), computed
    the same way but without the import of ``numpy.ma`` that ``np.percentile`` triggers."""
    a = np.sort(a)
    n = a.size
    q = np.true_divide(q, 100)
    virtual = (n - 1) * q  # Hyndman & Fan method 7, as numpy
    prev = np.floor(virtual)
    nxt = prev + 1
    prev[virtual >= n - 1], nxt[virtual >= n - 1] = -1, -1
    prev[virtual < 0], nxt[virtual < 0] = 0, 0
    prev, nxt = prev.astype(np.intp), nxt.astype(np.intp)
    gamma = virtual - prev
    lo, hi = a[prev], a[nxt]
    diff = hi - lo
    out = lo + diff * gamma
    np.subtract(hi, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out


def bootstrap_alphas(stats, n_boot: int = 1000, seed: int = 0, confidence: float = 0.95):
    """Percentile CIs for several alphas sharing one resampling of the same units.

    ``stats`` is a list of ``(disagreement, marginals, delta)`` with the same number of rows
    (units or groups). Returns one ``(low, high)`` per statistic, NaN if undefined.
    """
    if not stats:
        return []
    g = len(stats[0][0])
    if g == 0:
        return [(math.nan, math.nan)] * len(stats)
    rng = np.random.default_rng(seed)
    widths = [marg.shape[1] for _, marg, _ in stats]
    table = np.concatenate(
        [np.column_stack([dis, marg]) for dis, marg, _ in stats], axis=1
    )  # groups x (1 + values) per statistic, so each draw is one matrix product
    draws = []
    chunk = max(1, min(n_boot, (1 << 20) // max(g, 1)))  # draws per block (same stream)
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        picks = rng.integers(0, g, size=(b, g))
        picks += np.arange(b, dtype=picks.dtype)[:, None] * g
        k = np.bincount(picks.ravel(), minlength=b * g).reshape(b, g)
        draws.append(k @ table)
        done += b
    sums = np.concatenate(draws, axis=0)
    result = []
    col = 0
    for width, (_, _, delta) in zip(widths, stats, strict=True):
        d_o, n_c = sums[:, col], sums[:, col + 1 : col + 1 + width]
        col += 1 + width
        n = n_c.sum(1)
        d_e = ((n_c @ delta) * n_c).sum(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = 1.0 - (n - 1) * d_o / d_e
        a = a[(d_e > 0) & (n > 1)]
        if a.size == 0:
            result.append((math.nan, math.nan))
        else:
            low, high = percentiles(a, [50 * (1 - confidence), 50 * (1 + confidence)])
            result.append((float(low), float(high)))
    return result


def bootstrap_ci(
    reliability_data,
    level: str = "nominal",
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    groups: Sequence | None = None,
) -> tuple[float, float]:
    """Percentile bootstrap CI ``(low, high)`` for Krippendorff's alpha.

    Resamples units (columns) with replacement, or whole groups when ``groups`` gives a
    group key per unit (e.g. the document of each character). Reproducible for a ``seed``.
    """
    idx, values = encode(reliability_data)
    if not values:
        return (math.nan, math.nan)
    counts = count_matrix(idx, len(values))
    delta = distance_matrix(values, coincidences(counts).sum(1), level)
    dis, marg = unit_contributions(counts, delta)
    if groups is not None:
        _, inverse = np.unique(np.asarray(groups), return_inverse=True)
        n_groups = int(inverse.max()) + 1 if inverse.size else 0
        dis = np.bincount(inverse, weights=dis, minlength=n_groups)
        marg = np.stack(
            [
                np.bincount(inverse, weights=marg[:, j], minlength=n_groups)
                for j in range(len(values))
            ],
            axis=1,
        )
    return bootstrap_alphas([(dis, marg, delta)], n_boot, seed, confidence)[0]
