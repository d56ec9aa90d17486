"""Character- and token-level agreement: every position gets a value per annotator.

Conventions
-----------
* An annotator's value at a position is the set of labels of its spans covering it, or
  "none" (an outside position is a real, agreeable value). Overlapping spans of one label
  by one annotator count once. A position covered by two labels of one annotator gets the
  combined value (e.g. ``"A+B"``), a category of its own.
* Token level: tokens are ``\\w+`` runs and single punctuation marks (or ``tokens`` given as
  ``(start, end)``); a token takes the labels of every span overlapping it.
* Annotators absent from a document are missing there (Krippendorff's alpha handles missing
  values); Cohen's kappa is computed per annotator pair and averaged (mean pairwise kappa).
* Corpus level (``corpus_counts``) run-length encodes positions: documents are laid end to
  end, cut at every span boundary, and each piece (all its characters share every
  annotator's value) becomes one weighted unit of the units x values count matrix. This is
  exactly character-level alpha, at a cost proportional to the number of spans.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from .alpha import krippendorff_alpha
from .coding import cohen_kappa
from .spans import merge_intervals, sort_intervals
from .unitizing import unit_tuple

TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def token_agreement(
    spans: Iterable,
    length: int | None = None,
    *,
    text: str | None = None,
    unit: str = "character",
    annotators: Sequence | None = None,
    tokens: Sequence[tuple[int, int]] | None = None,
) -> dict:
    """Character- or token-level kappa and alpha over one document.

    ``spans`` are ``(annotator, start, end, label)`` tuples or records of one document.
    Returns ``{"unit", "positions", "annotators", "alpha", "kappa", "pairwise_kappa"}``.
    """
    rows = [unit_tuple(s) for s in spans]
    names = list(dict.fromkeys(annotators if annotators is not None else [r[0] for r in rows]))
    if unit == "character":
        if length is None:
            if text is None:
                raise ValueError("give length or text")
            length = len(text)
        cuts = []
    elif unit == "token":
        if tokens is None:
            if text is None:
                raise ValueError("token level needs text or tokens")
            tokens = [m.span() for m in TOKEN_RE.finditer(text)]
        cuts = list(tokens)
    else:
        raise ValueError(f"unit must be 'character' or 'token', not {unit!r}")
    labels = list(dict.fromkeys(r[3] for r in rows))
    bit = {lab: 1 << i for i, lab in enumerate(labels)}
    n_pos = length if unit == "character" else len(cuts)
    codes = np.zeros((len(names), n_pos), dtype=np.int64)
    index = {a: i for i, a in enumerate(names)}
    starts = np.array([c[0] for c in cuts], dtype=np.int64)
    ends = np.array([c[1] for c in cuts], dtype=np.int64)
    for ann, s, e, lab in rows:
        if ann not in index or e <= s:
            continue
        row = codes[index[ann]]
        if unit == "character":
            row[max(s, 0) : min(e, n_pos)] |= bit[lab]
        else:
            hit = (starts < e) & (ends > s)
            row[hit] |= bit[lab]
    result = {"unit": unit, "positions": int(n_pos), "annotators": [str(a) for a in names]}
    if len(names) < 2 or n_pos == 0:
        reason = "not enough data: fewer than two annotators or no positions"
        return {
            **result,
            "alpha": math.nan,
            "kappa": math.nan,
            "pairwise_kappa": {},
            "reason": reason,
        }
    pairwise = {
        f"{names[i]}|{names[j]}": cohen_kappa(codes[i].tolist(), codes[j].tolist())
        for i, j in itertools.combinations(range(len(names)), 2)
    }
    kappas = [k for k in pairwise.values() if not math.isnan(k)]
    return {
        **result,
        "alpha": krippendorff_alpha(codes, "nominal"),
        "kappa": float(np.mean(kappas)) if kappas else math.nan,
        "pairwise_kappa": pairwise,
    }


def rank_points(points: np.ndarray):
    """Sorted distinct points and the index of each input point among them (one sort)."""
    n = points.size
    key = np.sort(points * n + np.arange(n))
    p, idx = key // n, key % n
    new = np.ones(n, dtype=bool)
    new[1:] = p[1:] != p[:-1]
    rank = np.empty(n, dtype=np.int64)
    rank[idx] = np.cumsum(new) - 1
    return p[new], rank


def _coverage(lines, seg_index_start, seg_index_end, n_rows, n_segments):
    """Rows x segments count of intervals covering each segment (difference arrays)."""
    width = n_segments + 1
    flat = np.concatenate([lines * width + seg_index_start, lines * width + seg_index_end])
    weights = np.concatenate([np.ones(lines.size), -np.ones(lines.size)])
    diff = np.bincount(flat, weights=weights, minlength=n_rows * width).reshape(n_rows, width)
    return np.cumsum(diff[:, :-1], axis=1)


def corpus_counts(ann, doc, lab, start, end, doc_len, present, n_labels):
    """Run-length encoded character values over a corpus.

    Integer-coded span arrays (``ann``, ``doc``, ``lab``, ``start``, ``end``), document
    lengths, and a bool annotators x documents ``present`` matrix (spans of absent annotators
    must already be dropped). Returns ``(counts, weights, seg_doc, values, n1)``: units x
    values counts (column 0 is "none", 1..k the labels, then label combinations as bitmask
    ints), the piece lengths, each piece's document, the value codes, and labels x pieces
    coverage counts.
    """
    n_ann = present.shape[0]
    offsets = np.concatenate([[0], np.cumsum(doc_len)]).astype(np.int64)
    total = int(offsets[-1]) + 1
    gpos_s, gpos_e = offsets[doc] + start, offsets[doc] + end
    key = ann.astype(np.int64) * n_labels + lab
    ms, me = merge_intervals(key * total + gpos_s, key * total + gpos_e)
    mkey = ms // total
    m_ann, m_lab = mkey // n_labels, mkey % n_labels
    ms, me = ms - mkey * total, me - mkey * total
    bounds, rank = rank_points(np.concatenate([ms, me, offsets]))
    n_seg = bounds.size - 1
    weights = np.diff(bounds).astype(float)
    seg_doc = np.repeat(np.arange(doc_len.size), np.diff(rank[-offsets.size :]))
    i0, i1 = rank[: ms.size], rank[ms.size : 2 * ms.size]
    n1 = _coverage(m_lab, i0, i1, n_labels, n_seg)
    line_s, line_e = sort_intervals(m_ann * total + ms, m_ann * total + me)
    if line_s.size > 1 and (line_s[1:] < np.maximum.accumulate(line_e)[:-1]).any():
        us, ue = merge_intervals(line_s, line_e)  # some annotator overlaps two labels
        u_ann = us // total
        u0 = np.searchsorted(bounds, us - u_ann * total)
        u1 = np.searchsorted(bounds, ue - u_ann * total)
        n_any = _coverage(np.zeros(us.size, dtype=np.int64), u0, u1, 1, n_seg)[0]
    else:
        n_any = n1.sum(0)
    m = present.sum(0)[seg_doc].astype(float)
    counts = np.zeros((n_seg, 1 + n_labels))
    counts[:, 0] = m - n_any
    counts[:, 1:] = n1.T
    values: list[int] = [0] + [1 << i for i in range(n_labels)]
    multi = np.flatnonzero(n1.sum(0) > n_any)
    if multi.size:
        counts, values = _combinations(counts, values, multi, m_ann, m_lab, i0, i1, n_ann)
    return counts, weights, seg_doc, values, n1


def _combinations(counts, values, multi, m_ann, m_lab, i0, i1, n_ann):
    """Exact values for pieces where one annotator has several labels."""
    j0, j1 = np.searchsorted(multi, i0), np.searchsorted(multi, i1)
    cnt = j1 - j0
    span = np.repeat(np.arange(cnt.size), cnt)
    j = j0[span] + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    code = np.bincount(
        m_ann[span] * multi.size + j,
        weights=(1 << m_lab[span]).astype(float),
        minlength=n_ann * multi.size,
    ).reshape(n_ann, multi.size)
    code = code.astype(np.int64)
    combos = sorted({int(c) for c in np.unique(code) if c and c & (c - 1)})
    values = values + combos
    col = {v: i for i, v in enumerate(values)}
    extra = np.zeros((counts.shape[0], len(combos)))
    counts = np.concatenate([counts, extra], axis=1)
    rows = counts[multi]
    rows[:, 1:] = 0
    rows[:, 0] = counts[multi, 0]
    for v in np.unique(code[code > 0]):
        rows[:, col[int(v)]] = (code == v).sum(0)
    counts[multi] = rows
    return counts, values
