"""Unitizing alpha against DKPro Agreement's tests and hand computations."""

import math

import pytest

from annotator.agreement import unitizing_alpha
from annotator.records import SpanRecord

# Krippendorff (2004: p. 254), DKPro Krippendorff2004Test: continuum [150, 450)
K2004 = [
    (0, 225, 295, "c"), (0, 370, 400, "c"), (1, 220, 300, "c"), (1, 355, 375, "c"),
    (1, 400, 420, "c"), (0, 180, 240, "k"), (0, 300, 350, "k"), (1, 180, 240, "k"),
    (1, 300, 350, "k"),
]  # fmt: skip


def test_krippendorff_2004_example():
    r = unitizing_alpha(K2004, 150, 300)
    assert r.overall == pytest.approx(0.8591, abs=0.0005)
    assert r.observed["c"] == pytest.approx(0.0144, abs=0.0001)
    assert r.expected["c"] == pytest.approx(0.0532, abs=0.0001)
    assert r.per_label["c"] == pytest.approx(0.7286, abs=0.0001)
    assert r.expected["k"] == pytest.approx(0.0490, abs=0.0001)
    assert r.per_label["k"] == 1.0


def test_hand_computed_two_raters():
    # r0: -11111111-  r1: --1-1-1---  (DKPro UnitizingAgreementTest)
    # D_o = 2 * (37 + 25 + 29) / (2 * 1 * 10^2) = 0.91
    # D_e = 2/10 * (840 + 3 * 9) / (2*10*19 - 56) = 173.4 / 324
    r = unitizing_alpha([(0, 1, 9, "A"), (1, 2, 3, "A"), (1, 4, 5, "A"), (1, 6, 7, "A")], 0, 10)
    assert r.observed["A"] == pytest.approx(0.91)
    assert r.expected["A"] == pytest.approx(173.4 / 324)
    assert r.overall == pytest.approx(1 - 0.91 / (173.4 / 324))


def _k1995(stretch):
    rows = [
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"), (0, 18, 0, "B"),
        (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"), (5, 1, 1, "B"),
        (6, 3, 1, "B"), (9, 1, 1, "B"), (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"),
        (20, 2, 0, "C"), (0, 2, 1, "C"), (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"),
        (20, 2, 1, "C"), (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"),
        (20, 4, 0, "D"), (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"),
        (17, 7, 1, "D"),
    ]  # fmt: skip
    units = [(r, int(o * stretch), int(o * stretch) + int(n * stretch), c) for o, n, r, c in rows]
    return unitizing_alpha(units, 0, int(24 * stretch))


def test_krippendorff_1995_observed():
    r = _k1995(1)
    for label, d_o in {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}.items():
        assert r.observed[label] == pytest.approx(d_o, abs=0.00001)


def test_krippendorff_1995_expected_and_alpha_stretched():
    r = _k1995(1_200_000 / 24)
    for label, d_e in {"A": 0.06990, "B": 1.17731, "C": 0.08642, "D": 0.41445}.items():
        assert r.expected[label] == pytest.approx(d_e, abs=0.005)
    for label, alpha in {"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}.items():
        assert r.per_label[label] == pytest.approx(alpha, abs=0.02)


def test_krippendorff_1995_varying_length():
    r = _k1995(12 / 24)
    assert r.observed["C"] == pytest.approx(0.02777, abs=0.00001)
    assert r.expected["C"] == pytest.approx(0.05494, abs=0.00001)


def test_single_unit_and_empty():
    r = unitizing_alpha([(0, 0, 1, "X")], 0, 20, raters=[0, 1, 2])
    assert r.overall == pytest.approx(0.0, abs=1e-12)  # DKPro: D_o == D_e -> 0.0
    r = unitizing_alpha([], 0, 20, raters=[0, 1, 2])
    assert math.isnan(r.overall) and "no units" in r.reason
    assert math.isnan(unitizing_alpha([(0, 0, 5, "X")], 0, 20).overall)


def test_identical_raters_and_records():
    units = [SpanRecord("d", a, "X", s, e) for a in ("p", "q") for s, e in ((2, 5), (9, 14))]
    r = unitizing_alpha(units, 0, 20)
    assert r.overall == 1.0 and r.as_dict()["per_label"] == {"X": 1.0}


def test_overlapping_units_of_one_rater_are_merged():
    a = unitizing_alpha([(0, 2, 6, "X"), (0, 4, 9, "X"), (1, 2, 9, "X")], 0, 20)
    assert a.overall == 1.0
