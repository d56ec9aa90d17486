"""Training feedback: each gold and own span in exactly one difference, and the score."""

from __future__ import annotations

import pytest

from annotator.agreement import span_prf
from annotator.agreement.feedback import compare
from annotator.records import SpanRecord

TEXT = "Leaders 🤝 met in Geneva. “A new chapter,” they said."


def spans(*items):
    out = []
    for label, fragment in items:
        start = TEXT.index(fragment)
        out.append(SpanRecord("d", "x", label, start, start + len(fragment)))
    return out


GOLD = spans(
    ("Framing", "Leaders"), ("Source", "Geneva"), ("Quote", "A new chapter"), ("Claim", "they said")
)
OWN = spans(
    ("Source", "Geneva"), ("Quote", "new chapter"), ("Framing", "they said"), ("Claim", "met")
)


def test_every_kind_of_difference_is_found():
    result = compare(GOLD, OWN)
    kinds = {
        (d["kind"], TEXT[(d["gold"] or d["own"])["start"] : (d["gold"] or d["own"])["end"]])
        for d in result.differences
    }
    assert kinds == {
        ("missed", "Leaders"),
        ("match", "Geneva"),
        ("boundary", "A new chapter"),
        ("label", "they said"),
        ("extra", "met"),
    }
    assert result.counts() == {"match": 1, "label": 1, "boundary": 1, "missed": 1, "extra": 1}
    # code-point offsets: "Geneva" comes after the emoji, one code point wide
    match = next(d for d in result.differences if d["kind"] == "match")
    assert match["own"]["start"] == TEXT.index("Geneva") == 17


def test_score_is_partial_f1_and_answer_agreement():
    result = compare(GOLD, OWN, {"one-sided": "2", "tone": "calm"}, {"one-sided": "2"})
    expected = span_prf(
        [(s.start, s.end, s.label) for s in GOLD],
        [(s.start, s.end, s.label) for s in OWN],
        match="partial",
    ).f1
    assert result.span_f1 == pytest.approx(expected)
    assert result.answer_agreement == 0.5
    assert result.score == pytest.approx((expected + 0.5) / 2)
    assert [a["same"] for a in result.answers] == [True, False]


def test_perfect_and_empty_items():
    assert compare(GOLD, GOLD).score == 1.0
    assert compare([], []).score == 1.0  # nothing to mark, nothing marked
    assert compare(GOLD, []).score == 0.0
    assert compare([], OWN).counts()["extra"] == 4


def test_a_span_pairs_only_once():
    gold = spans(("Quote", "A new chapter"))
    own = spans(("Quote", "A new"), ("Quote", "new chapter"))
    result = compare(gold, own)
    assert result.counts() == {"match": 0, "label": 0, "boundary": 1, "missed": 0, "extra": 1}
