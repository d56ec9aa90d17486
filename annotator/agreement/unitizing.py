"""Krippendorff's unitizing alpha (_u-alpha; Krippendorff 1995, 2004), as in DKPro Agreement.

Reproduces ``KrippendorffAlphaUnitizingAgreement`` of dkpro-statistics, vectorised.

Conventions
-----------
* Units are ``(rater, start, end, label)`` tuples or objects with ``annotator``, ``start``,
  ``end``, ``label``. The continuum is ``[begin, begin + length)``; units are clipped to it
  and empty units dropped. ``raters`` lists every rater of the study (a rater without units
  marked nothing and still counts in R); by default, the raters that have units.
* Each label is a separate binary unitizing (label vs. gap); other labels are ignored.
  DKPro requires a rater's units of one label not to overlap: overlapping ones are merged
  here (touching units stay separate, as Jill's in Krippendorff 1995).
* Per label c, with R raters and continuum length L (DKPro's formulas):
  D_o = 2 / (R (R-1) L^2) * sum over rater pairs of: for overlapping units u, v of the two
  raters (b_u - b_v)^2 + (e_u - e_v)^2, plus l_u^2 for each unit lying wholly in a gap of
  the other rater. D_e = 2/L * sum_u [(N_c - 1) l(l-1)(2l-1)/3 + l^2 sum_{gaps g >= l}
  (g - l + 1)] / (R L (R L - 1) - sum_u l(l-1)), over all units u (length l) of label c,
  N_c of them, and all gaps g between them (every rater's, a rater without units having
  one gap of length L).
* alpha_c = 1 - D_o / D_e; overall = 1 - mean_c D_o / mean_c D_e over the labels present.
  NaN when undefined: fewer than two raters, no units, or D_e = 0 (DKPro returns 0.0 when
  D_o == D_e, including 0/0; we return NaN for 0/0 and the computed value otherwise).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .spans import merge_intervals, sort_intervals, unique_sorted


@dataclass(frozen=True)
class UnitizingResult:
    overall: float
    per_label: dict[str, float] = field(default_factory=dict)
    observed: dict[str, float] = field(default_factory=dict)
    expected: dict[str, float] = field(default_factory=dict)
    reason: str = ""

    def as_dict(self) -> dict:
        return {
            "overall": self.overall,
            "per_label": dict(self.per_label),
            "observed": dict(self.observed),
            "expected": dict(self.expected),
            "reason": self.reason,
        }


def unit_tuple(item) -> tuple:
    """``(rater, start, end, label)`` of a tuple or record."""
    if isinstance(item, tuple | list):
        rater, start, end, label = item
        return rater, int(start), int(end), label
    return item.annotator, int(item.start), int(item.end), item.label


def overlap_pairs(order_start: np.ndarray, order_end: np.ndarray):
    """Index pairs (i, j), i < j, of overlapping intervals sorted by start."""
    n = order_start.size
    itype = np.int32 if n < 2**31 - 1 else np.int64
    k = np.searchsorted(order_start, order_end, side="left").astype(itype)
    cnt = np.maximum(k - np.arange(n, dtype=itype) - 1, 0)
    ii = np.repeat(np.arange(n, dtype=itype), cnt)
    first = np.cumsum(cnt, dtype=np.int64) - cnt
    jj = np.arange(ii.size, dtype=np.int64) - np.repeat(first, cnt) + ii + 1
    return ii, jj.astype(itype)


def observed_sums(lab, rat, s, e, ii, jj, n_raters: int, n_labels: int, include=None, sq=None):
    """Per-label sums behind D_o, from overlapping pairs ``(ii, jj)`` of different raters.

    Units are merged per (rater, label). Each pair adds (b_u - b_v)^2 + (e_u - e_v)^2; each
    unit adds l^2 per other rater it does not overlap. ``include`` (bool per unit) limits the
    units considered; pairs must already be limited to included units.
    """
    if sq is None:  # per-pair squared boundary differences (callers may pass them)
        sq = (s[ii] - s[jj]).astype(float) ** 2 + (e[ii] - e[jj]).astype(float) ** 2
    sums = np.bincount(lab[ii], weights=sq, minlength=n_labels).astype(float)
    n = s.size
    hit = np.zeros(n * n_raters, dtype=bool)
    hit[ii.astype(np.int64) * n_raters + rat[jj]] = True
    hit[jj.astype(np.int64) * n_raters + rat[ii]] = True
    lonely = (n_raters - 1) - hit.reshape(n, n_raters).sum(1)
    weight = lonely * (e - s).astype(float) ** 2
    if include is not None:
        weight = weight * include
    return sums + np.bincount(lab, weights=weight, minlength=n_labels)


def expected_disagreement(
    lab, rat, s, e, n_raters: int, n_labels: int, begin: int, length: int, grouped: bool = False
):
    """Per-label D_e for units merged per (rater, label) on ``[begin, begin + length)``.

    ``grouped``: units are already contiguous per (rater, label) and sorted by start there.
    Sums over gaps g >= l are read from per-label histograms over the distinct unit lengths.
    """
    expected = np.zeros(n_labels)
    n = s.size
    if n == 0:
        return expected
    group = lab.astype(np.int64) * n_raters + rat
    if not grouped:
        width = begin + length + 1
        gs, ge = sort_intervals(group * width + s, group * width + e)
        group = gs // width
        s, e = gs - group * width, ge - group * width
        lab = group // n_raters
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(group[1:], group[:-1], out=first[1:])
    del group
    last = np.append(first[1:], True)
    gaps = np.empty_like(s)  # before each unit: from the previous unit's end (or begin)
    gaps[1:] = e[:-1]
    gaps[first] = begin
    np.subtract(s, gaps, out=gaps)
    tail, tail_lab = (begin + length) - e[last], lab[last]  # after each group's last unit
    raters_with = np.bincount(lab[first], minlength=n_labels)
    gaps = np.concatenate([gaps, tail])
    sizes, u_bin, g_bin = size_bins(e - s, gaps)
    nb = sizes.size
    cells = n_labels * nb
    units = np.bincount(lab * nb + u_bin, minlength=cells).reshape(n_labels, nb).astype(float)
    cell = np.concatenate([lab, tail_lab]).astype(np.int64) * nb + g_bin
    cell[g_bin < 0] = cells  # gaps shorter than every unit: no term
    g_cnt = np.bincount(cell, minlength=cells + 1)[:-1].reshape(n_labels, nb).astype(float)
    g_sum = np.bincount(cell, weights=gaps, minlength=cells + 1)
    g_sum = g_sum[:-1].reshape(n_labels, nb)
    g_cnt[:, -1] += n_raters - raters_with  # a rater without units: one gap of length L
    g_sum[:, -1] += (n_raters - raters_with) * float(length)
    g_cnt = np.cumsum(g_cnt[:, ::-1], axis=1)[:, ::-1]  # gaps >= each size
    g_sum = np.cumsum(g_sum[:, ::-1], axis=1)[:, ::-1]
    lc = sizes.astype(float)
    n_c = units.sum(1)
    sum2 = g_sum - (lc - 1) * g_cnt  # sum over gaps g >= l of (g - l + 1)
    sum1 = (n_c[:, None] - 1) * lc * (lc - 1) * (2 * lc - 1) / 3.0
    total = (units * (sum1 + lc**2 * sum2)).sum(1) * 2.0 / length
    rl = float(n_raters) * length
    present = n_c > 0
    expected[present] = total[present] / (rl * (rl - 1) - (units * (lc * (lc - 1))).sum(1))[present]
    return expected


def size_bins(ln: np.ndarray, gaps: np.ndarray):
    """Sorted distinct unit lengths, each unit's index among them, and for each gap the index
    of the largest length <= the gap (-1 if none); a lookup table when lengths are small."""
    top = int(ln.max())
    if top > 4 * ln.size + (1 << 16):
        sizes = unique_sorted(ln)
        return sizes, np.searchsorted(sizes, ln), np.searchsorted(sizes, gaps, side="right") - 1
    used = np.bincount(ln, minlength=top + 1) > 0
    floor = np.cumsum(used, dtype=np.int32 if top < 2**31 else np.int64) - 1  # largest <= x
    return np.flatnonzero(used), floor[ln], floor[np.minimum(gaps, top)]


def disagreements(rater, label, start, end, n_raters: int, n_labels: int, begin: int, length: int):
    """Per-label observed and expected disagreement for integer-coded units in the continuum."""
    width = begin + length + 1
    key = label.astype(np.int64) * n_raters + rater
    gs, ge = merge_intervals(key * width + start, key * width + end)
    key = gs // width
    lab, rat = key // n_raters, key % n_raters
    s, e = gs - key * width, ge - key * width
    ls, le = sort_intervals(lab * width + s, lab * width + e)  # by label, then start
    order = np.lexsort((e, s, lab))
    lab, rat, s, e = lab[order], rat[order], s[order], e[order]
    ii, jj = overlap_pairs(ls, le)
    observed = observed_sums(lab, rat, s, e, ii, jj, n_raters, n_labels)
    observed *= 2.0 / (n_raters * (n_raters - 1) * float(length) ** 2)
    return observed, expected_disagreement(lab, rat, s, e, n_raters, n_labels, begin, length)


def unitizing_alpha(
    units: Iterable, begin: int, length: int, raters: Sequence | None = None
) -> UnitizingResult:
    """Krippendorff's unitizing alpha over a continuum ``[begin, begin + length)``."""
    rows = [unit_tuple(u) for u in units]
    rater_ids = list(dict.fromkeys(raters if raters is not None else [r[0] for r in rows]))
    rows = [(r, max(s, begin), min(e, begin + length), lab) for r, s, e, lab in rows]
    rows = [row for row in rows if row[2] > row[1]]
    if len(rater_ids) < 2:
        return UnitizingResult(math.nan, reason="not enough data: fewer than two raters")
    if not rows or length <= 0:
        return UnitizingResult(math.nan, reason="not enough data: no units")
    rindex = {r: i for i, r in enumerate(rater_ids)}
    labels = list(dict.fromkeys(row[3] for row in rows))
    lindex = {lab: i for i, lab in enumerate(labels)}
    arr = np.array([(rindex[r], lindex[lab], s, e) for r, s, e, lab in rows], dtype=np.int64)
    d_o, d_e = disagreements(
        arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], len(rater_ids), len(labels), begin, length
    )
    return result_from(d_o, d_e, labels)


def result_from(d_o: np.ndarray, d_e: np.ndarray, labels: Sequence) -> UnitizingResult:
    """Assemble per-label and overall alpha from disagreement arrays."""
    per_label = {str(lab): _alpha(d_o[i], d_e[i]) for i, lab in enumerate(labels)}
    present = d_e > 0
    overall = _alpha(d_o.sum(), d_e.sum()) if present.any() else math.nan
    return UnitizingResult(
        overall,
        per_label,
        {str(lab): float(d_o[i]) for i, lab in enumerate(labels)},
        {str(lab): float(d_e[i]) for i, lab in enumerate(labels)},
        "" if present.any() else "undefined: no expected disagreement",
    )


def _alpha(d_o: float, d_e: float) -> float:
    return 1.0 - float(d_o) / float(d_e) if d_e > 0 else math.nan
