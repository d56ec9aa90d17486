"""Character- and token-level agreement."""

import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.agreement import token_agreement


def test_character_level_against_oracles():
    spans = [("a", 0, 4, "X"), ("a", 6, 9, "Y"), ("b", 1, 4, "X"), ("b", 6, 10, "X")]
    r = token_agreement(spans, 12)
    a = [1, 1, 1, 1, 0, 0, 2, 2, 2, 0, 0, 0]
    b = [0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0]
    assert r["unit"] == "character" and r["positions"] == 12
    assert r["kappa"] == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    expected = krippendorff.alpha(
        reliability_data=np.array([a, b], float), level_of_measurement="nominal"
    )
    assert r["alpha"] == pytest.approx(expected, abs=1e-12)


def test_token_level_and_overlapping_labels():
    text = "The senator said, “we will win.”"
    spans = [("a", 4, 11, "Source"), ("b", 0, 11, "Source"), ("a", 18, 32, "Content"),
             ("b", 18, 32, "Content"), ("b", 18, 20, "Cue")]  # fmt: skip
    r = token_agreement(spans, text=text, unit="token")
    tokens = ["The", "senator", "said", ",", "“", "we", "will", "win", ".", "”"]
    assert r["positions"] == len(tokens)
    a = [0, 1, 0, 0, 2, 2, 2, 2, 2, 2]
    b = [1, 1, 0, 0, 3, 3, 2, 2, 2, 2]  # "“" and "we" are Content+Cue: a combined value
    assert r["kappa"] == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_three_annotators_missing_and_not_enough():
    r = token_agreement([("a", 0, 2, "X"), ("b", 0, 2, "X"), ("c", 0, 3, "X")], 5)
    assert len(r["pairwise_kappa"]) == 3 and r["alpha"] < 1
    r = token_agreement([("a", 0, 2, "X")], 5)
    assert math.isnan(r["alpha"]) and "not enough data" in r["reason"]
    with pytest.raises(ValueError):
        token_agreement([], 5, unit="sentence")
