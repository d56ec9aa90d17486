"""Building blocks of the project report: overlap pairs, boundaries, merging, tallies."""

import itertools

import numpy as np
import pytest

from annotator.agreement.corpus import Corpus
from annotator.agreement.merged import Merged
from annotator.agreement.overlaps import overlap_chunks, tally
from annotator.agreement.segments import boundaries
from annotator.agreement.table import read_spans


def _intervals(seed, n=300, line=2_000):
    rng = np.random.default_rng(seed)
    s = np.sort(rng.integers(0, line, n))
    e = s + rng.integers(1, rng.choice([5, 60, 900]), n)
    return s, e


@pytest.mark.parametrize("seed,chunk", [(0, 1), (1, 7), (2, 1 << 16), (3, 50)])
def test_overlap_chunks_yield_every_overlapping_pair_once(seed, chunk):
    s, e = _intervals(seed)
    later = np.searchsorted(s, e, side="left") - np.arange(1, s.size + 1)
    got = []
    for a, cnt, jj in overlap_chunks(later, chunk):
        ii = np.repeat(np.arange(a, a + cnt.size), cnt)
        got += list(zip(ii.tolist(), jj.tolist(), strict=True))
    expected = [
        (i, j) for i, j in itertools.combinations(range(s.size), 2) if s[j] < e[i] and s[i] < e[j]
    ]
    assert sorted(got) == expected and len(got) == len(set(got))


def test_boundaries_rank_every_point():
    rng = np.random.default_rng(4)
    parts = [np.sort(rng.integers(0, 500, 80)), rng.integers(0, 500, 90), np.array([0, 250, 500])]
    bounds, ranks = boundaries(parts)
    assert np.array_equal(bounds, np.unique(np.concatenate(parts)))
    for p, r in zip(parts, ranks, strict=True):
        assert np.array_equal(bounds[r], p)


def _corpus(rows, lengths):
    return Corpus(read_spans(rows), lengths)


def test_merged_spans_and_tallies():
    rows = [
        ("d", "a", 0, 10, "X"),
        ("d", "a", 5, 12, "X"),  # merges with the span before: a has X on [0, 12)
        ("d", "a", 12, 14, "X"),  # touching: stays apart
        ("d", "b", 0, 12, "X"),  # identical to a's merged span
        ("d", "b", 11, 13, "Y"),
        ("e", "a", 1, 4, "Y"),
        ("e", "b", 1, 4, "Y"),
    ]
    c = _corpus(rows, {"d": 20, "e": 10})
    m = Merged(c)
    assert m.merged_any
    spans = sorted(zip(m.s.tolist(), m.e.tolist(), m.ann.tolist(), m.lab.tolist(), strict=True))
    expected = [(0, 12, 0, 0), (0, 12, 1, 0), (11, 13, 1, 1), (12, 14, 0, 0)]
    assert spans == [*expected, (21, 24, 0, 1), (21, 24, 1, 1)]  # e starts at offset 20
    assert m.doc.tolist() == [0, 0, 0, 0, 1, 1]
    t = tally(m)
    # pairs of different annotators: (a X 0-12, b X 0-12), (a X 0-12, b Y 11-13),
    # (b Y 11-13, a X 12-14), (a Y, b Y) in e
    assert t.count[0, :, 1, :].sum() + t.count[1, :, 0, :].sum() == 4
    assert t.exact.sum() == 2
    assert t.sq.tolist() == [0.0, 0.0]
    assert t.lonely.tolist() == [0, 0, 1, 1, 0, 0]  # b's Y 11-13, a's X 12-14: alone


def test_unsorted_input_order_does_not_matter():
    rng = np.random.default_rng(9)
    rows = []
    for s in rng.integers(0, 170, 200).tolist():
        doc, who, label = f"d{rng.integers(4)}", f"p{rng.integers(3)}", "XY"[rng.integers(2)]
        rows.append((doc, who, s, s + int(rng.integers(1, 30)), label))
    lengths = {f"d{i}": 200 for i in range(4)}
    a, b = Merged(_corpus(rows, lengths)), Merged(_corpus(rows[::-1], lengths))
    for name in ("s", "e", "code", "doc", "later"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
