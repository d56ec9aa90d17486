"""Cohen's and Fleiss' kappa against published examples and reference implementations."""

import math

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from annotator.agreement import cohen_kappa, fleiss_kappa, ratings_to_table


def _expand(cells):
    a, b = [], []
    for count, x, y in cells:
        a += [x] * count
        b += [y] * count
    return a, b


def test_cohen_1960_example_2():
    # Cohen (1960: p. 45): p_o = .70, p_c = .41, kappa = .492
    a, b = _expand(
        [(88, 1, 1), (14, 1, 2), (18, 1, 3), (10, 2, 1), (40, 2, 2), (10, 2, 3),
         (2, 3, 1), (6, 3, 2), (12, 3, 3)]
    )  # fmt: skip
    assert cohen_kappa(a, b) == pytest.approx(0.492, abs=0.001)


def test_cohen_1960_example_1_below_chance():
    # Cohen (1960: p. 37): p_o = .29, p_c = .35 -> kappa about -0.09
    a, b = _expand(
        [(25, 1, 1), (12, 1, 2), (3, 1, 3), (13, 2, 1), (2, 2, 2), (15, 2, 3),
         (12, 3, 1), (16, 3, 2), (2, 3, 3)]
    )  # fmt: skip
    assert cohen_kappa(a, b) == pytest.approx((0.29 - 0.35) / (1 - 0.35), abs=0.01)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
@pytest.mark.parametrize("seed", range(5))
def test_cohen_matches_sklearn(weights, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 5, 300)
    b = np.where(rng.random(300) < 0.6, a, rng.integers(0, 5, 300))
    expected = cohen_kappa_score(a, b, weights=weights)
    assert cohen_kappa(a.tolist(), b.tolist(), weights=weights) == pytest.approx(expected, abs=1e-9)


def test_cohen_labels_fix_weight_order():
    a = ["low", "mid", "high", "mid", "low", "high"]
    b = ["mid", "mid", "high", "low", "low", "mid"]
    order = ["low", "mid", "high"]
    expected = cohen_kappa_score(a, b, weights="linear", labels=order)
    assert cohen_kappa(a, b, weights="linear", labels=order) == pytest.approx(expected, abs=1e-12)


def test_cohen_undefined_and_missing():
    assert math.isnan(cohen_kappa(["x", "x"], ["x", "x"]))
    assert math.isnan(cohen_kappa([], []))
    assert cohen_kappa([1, None, 2, 1], [1, 2, 2, float("nan")]) == pytest.approx(1.0)


WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


def test_fleiss_wikipedia_worked_example():
    assert fleiss_kappa(WIKIPEDIA_FLEISS) == pytest.approx(0.210, abs=0.001)


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    table = rng.multinomial(6, rng.dirichlet(np.ones(4)), size=40)
    assert fleiss_kappa(table) == pytest.approx(sm_fleiss(table, method="fleiss"), abs=1e-9)


def test_fleiss_undefined_and_ratings_to_table():
    assert math.isnan(fleiss_kappa([[3, 0], [3, 0]]))
    assert math.isnan(fleiss_kappa(np.zeros((0, 2))))
    with pytest.raises(ValueError):
        fleiss_kappa([[2, 1], [1, 1]])
    table, cats = ratings_to_table([["a", "b", "a"], ["b", "b", None, "b"]])
    assert cats == ["a", "b"]
    assert table.tolist() == [[2, 1], [0, 3]]
