"""span_prf: hand-computed cases, documents, records and Hypothesis properties."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement import span_prf
from annotator.records import SpanRecord

REF = [(0, 10, "A"), (5, 15, "A"), (20, 30, "B")]
CAND = [(0, 10, "A"), (22, 28, "B"), (40, 50, "A")]


def test_exact():
    s = span_prf(REF, CAND, "exact")
    assert (s.precision, s.recall) == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    assert s.per_label["A"].precision == 0.5 and s.per_label["B"].f1 == 0.0


def test_overlap():
    s = span_prf(REF, CAND, "overlap")
    assert s.precision == pytest.approx(2 / 3) and s.recall == 1.0


def test_partial_semeval():
    # reference A spans merge into [0, 15); P = (10/10 + 6/6 + 0) / 3, R = (10/15 + 6/10) / 2
    s = span_prf(REF, CAND, "partial")
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx((10 / 15 + 6 / 10) / 2)
    assert s.per_label["B"].recall == pytest.approx(0.6)
    assert s.n_reference == 2 and s.n_candidate == 3


def test_empty_sides():
    assert span_prf([], []).f1 == 1.0
    s = span_prf([], [(0, 3, "A")], "partial")
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_documents_never_match_across():
    ref = [("d1", 0, 5, "A")]
    assert span_prf(ref, [("d2", 0, 5, "A")]).f1 == 0.0
    assert span_prf(ref, [("d2", 0, 5, "A")], "partial").f1 == 0.0
    assert span_prf(ref, [("d1", 0, 5, "A")]).f1 == 1.0


def test_records_and_by_label():
    ref = [SpanRecord("d", "x", "A", 0, 5)]
    cand = [SpanRecord("d", "y", "B", 0, 5)]
    assert span_prf(ref, cand).f1 == 0.0
    assert span_prf(ref, cand, by_label=False).f1 == 1.0
    assert span_prf(ref, cand).as_dict()["per_label"]["A"]["recall"] == 0.0


spans = st.lists(
    st.tuples(st.integers(0, 60), st.integers(1, 20), st.sampled_from("AB")).map(
        lambda t: (t[0], t[0] + t[1], t[2])
    ),
    max_size=8,
)


@settings(max_examples=80, deadline=None)
@given(spans, spans, st.sampled_from(["exact", "overlap", "partial"]))
def test_symmetry_and_bounds(a, b, match):
    ab, ba = span_prf(a, b, match), span_prf(b, a, match)
    assert ab.precision == pytest.approx(ba.recall)
    assert ab.f1 == pytest.approx(ba.f1)
    for s in (ab, *ab.per_label.values()):
        assert 0.0 <= s.precision <= 1.0 + 1e-12 and 0.0 <= s.recall <= 1.0 + 1e-12


@settings(max_examples=60, deadline=None)
@given(spans, st.sampled_from(["exact", "overlap", "partial"]))
def test_identity_is_perfect(a, match):
    assert span_prf(a, a, match).f1 == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(spans, spans)
def test_partial_credit_at_least_exact(a, b):
    assert span_prf(a, b, "overlap").f1 >= span_prf(a, b, "exact").f1 - 1e-12
