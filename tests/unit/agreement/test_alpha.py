"""Krippendorff's alpha: Krippendorff (2011) worked example, package oracle, bootstrap."""

import math
import subprocess
import sys

import krippendorff
import numpy as np
import pytest

from annotator.agreement import bootstrap_ci, krippendorff_alpha

N = None
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


@pytest.mark.parametrize(
    "level,expected",
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level, expected):
    assert round(krippendorff_alpha(K2011, level), 3) == expected


def _random_data(seed, raters=5, units=200, values=6, missing=0.2):
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, values + 1, units)
    data = np.where(
        rng.random((raters, units)) < 0.6, truth, rng.integers(1, values + 1, (raters, units))
    )
    data = data.astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(4))
def test_matches_krippendorff_package(level, seed):
    data = _random_data(seed)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-9)


def test_string_values_and_single_value_units():
    data = [["a", "b", "a", None], ["a", "b", "b", "c"], [None, "b", "a", None]]
    codes = {"a": 1.0, "b": 2.0, "c": 3.0}
    numeric = np.array([[codes.get(v, np.nan) for v in row] for row in data])
    expected = krippendorff.alpha(reliability_data=numeric, level_of_measurement="nominal")
    assert krippendorff_alpha(data) == pytest.approx(expected, abs=1e-12)


def test_undefined_alpha_is_nan():
    assert math.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]]))  # one value only
    assert math.isnan(krippendorff_alpha([[1, N], [N, 2]]))  # nothing pairable
    with pytest.raises(ValueError):
        krippendorff_alpha(K2011, "cardinal")


def test_many_values_and_units_fit():
    rng = np.random.default_rng(1)
    data = rng.integers(0, 100, (3, 100_000)).astype(float)
    data[1] = np.where(rng.random(100_000) < 0.5, data[0], data[1])
    data[2, ::7] = np.nan
    small = data[:, :1000]  # the package's units x values x values array must stay small
    expected = krippendorff.alpha(reliability_data=small, level_of_measurement="nominal")
    assert krippendorff_alpha(small) == pytest.approx(expected, abs=1e-9)  # rater-pair path
    assert 0.1 < krippendorff_alpha(data, "nominal") < 0.25  # one pair of three agrees half


def test_bootstrap_is_seeded_and_brackets_alpha():
    data = _random_data(7, units=300)
    a = krippendorff_alpha(data)
    ci = bootstrap_ci(data, n_boot=500, seed=3)
    assert ci == bootstrap_ci(data, n_boot=500, seed=3)
    assert ci != bootstrap_ci(data, n_boot=500, seed=4)
    assert ci[0] < a < ci[1]
    assert ci[1] - ci[0] < 0.2


def test_bootstrap_groups_resample_whole_groups():
    data = _random_data(8, units=300)
    groups = np.arange(300) // 10
    low, high = bootstrap_ci(data, n_boot=300, seed=0, groups=groups)
    assert low < krippendorff_alpha(data) < high


def test_import_does_not_pull_flask():
    code = (
        "import sys, annotator.agreement; "
        "print('flask' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_percentiles_equal_numpy_bit_for_bit():
    from annotator.agreement.alpha import percentiles

    rng = np.random.default_rng(3)
    for n in [1, 2, 3, 7, 40, 999, 1000]:
        a = rng.normal(size=n) * 10.0 ** rng.integers(-3, 7)
        for q in ([2.5, 97.5], [0, 100], [50, 50], [50 * (1 - 0.9), 50 * (1 + 0.9)]):
            assert np.array_equal(percentiles(a, q), np.percentile(a, q))
