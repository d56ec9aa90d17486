"""Agreement on questions, attributes and links, checked against ``krippendorff`` and
``sklearn`` on the same data to 1e-9."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.agreement.decisions import (
    alpha_with_reason,
    question_agreement,
    span_decision_agreement,
)
from annotator.records import AnswerRecord, AttributeDef, LabelRecord, SpanRecord

QUESTIONS = {
    "one-sided": {"kind": "likert", "values": [str(i) for i in range(1, 11)]},
    "stance": {"kind": "choice", "values": ["against", "neutral", "for"]},
}
LIKERT = {  # annotator -> document -> answer ("10" above "9", as the scale says)
    "alice": {"d1": "1", "d2": "9", "d3": "10", "d4": "4", "d5": "2"},
    "bob": {"d1": "2", "d2": "10", "d3": "9", "d4": "4"},
    "carol": {"d1": "1", "d2": "10", "d3": "10", "d5": "3"},
}
STANCE = {
    "alice": {"d1": "for", "d2": "against", "d3": "neutral", "d4": "for"},
    "bob": {"d1": "for", "d2": "neutral", "d3": "neutral", "d4": "against"},
}


def answers():
    out = [AnswerRecord(d, who, "one-sided", v) for who, m in LIKERT.items() for d, v in m.items()]
    out += [AnswerRecord(d, who, "stance", v) for who, m in STANCE.items() for d, v in m.items()]
    out.append(AnswerRecord("d1", "gold", "stance", "against"))  # gold is no annotator
    return out


def reliability(table, order, docs):
    pos = {v: i for i, v in enumerate(order)}
    return np.array(
        [[pos[table[p][d]] if d in table[p] else np.nan for d in docs] for p in sorted(table)],
        dtype=float,
    )


def test_question_alpha_and_kappa_match_the_reference_packages():
    report = question_agreement(answers(), QUESTIONS)
    likert, stance = report["one-sided"], report["stance"]
    docs = ["d1", "d2", "d3", "d4", "d5"]
    data = reliability(LIKERT, QUESTIONS["one-sided"]["values"], docs)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
    assert likert["level"] == "ordinal" and likert["alpha"] == pytest.approx(expected, abs=1e-9)
    # Alphabetical order ("10" < "2") would give another figure.
    alphabetical = reliability(LIKERT, sorted(QUESTIONS["one-sided"]["values"]), docs)
    wrong = krippendorff.alpha(reliability_data=alphabetical, level_of_measurement="ordinal")
    assert abs(wrong - likert["alpha"]) > 1e-3
    data = reliability(STANCE, QUESTIONS["stance"]["values"], ["d1", "d2", "d3", "d4"])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert stance["level"] == "nominal" and stance["alpha"] == pytest.approx(expected, abs=1e-9)
    pairs = {(p["a"], p["b"]): p for p in likert["pairs"]}
    both = sorted(set(LIKERT["alice"]) & set(LIKERT["bob"]))
    expected = cohen_kappa_score(
        [int(LIKERT["alice"][d]) - 1 for d in both],
        [int(LIKERT["bob"][d]) - 1 for d in both],
        weights="quadratic",
        labels=list(range(10)),
    )
    assert pairs[("alice", "bob")]["kappa"] == pytest.approx(expected, abs=1e-9)
    assert pairs[("alice", "bob")]["documents"] == 4
    assert likert["kappa"] == pytest.approx(np.mean([p["kappa"] for p in likert["pairs"]]))
    (pair,) = stance["pairs"]
    expected = cohen_kappa_score(
        [STANCE["alice"][d] for d in sorted(STANCE["bob"])],
        [STANCE["bob"][d] for d in sorted(STANCE["bob"])],
    )
    assert pair["kappa"] == pytest.approx(expected, abs=1e-9) and stance["weights"] == "none"


def test_uncomputable_values_say_why():
    same = [AnswerRecord(d, w, "stance", "for") for d in ("d1", "d2") for w in ("a", "b")]
    entry = question_agreement(same, QUESTIONS)["stance"]
    assert entry["alpha"] is None and "every rating is the same" in entry["reason"]
    assert entry["pairs"][0]["kappa"] is None and entry["pairs"][0]["reason"]
    alone = question_agreement([AnswerRecord("d1", "a", "stance", "for")], QUESTIONS)["stance"]
    assert alone["alpha"] is None and alone["reason"] == "fewer than two annotators answered it"
    apart = [AnswerRecord("d1", "a", "stance", "for"), AnswerRecord("d2", "b", "stance", "for")]
    entry = question_agreement(apart, QUESTIONS)["stance"]
    assert entry["reason"] == "no unit was rated by two annotators"
    assert entry["kappa"] is None and entry["kappa_reason"]
    assert alpha_with_reason([[1.0, math.nan]])[1] == "no unit was rated by two annotators"


LABELS = [
    LabelRecord(
        "Framing", attributes=(AttributeDef("frame", "choice", ("Political", "Economic")),)
    ),
    LabelRecord("Quote", attributes=(AttributeDef("speaker", "link"),)),
    LabelRecord("Source"),
]


def sp(doc, who, label, start, end, span_id, **attrs):
    return SpanRecord(doc, who, label, start, end, attributes=attrs, id=span_id)


def test_attribute_and_link_agreement_on_matched_spans():
    frames = [("Political", "Political"), ("Political", "Economic"), ("Economic", "Economic")]
    frames += [("Economic", None), (None, None)]
    spans = []
    for k, (fa, fb) in enumerate(frames):
        doc = f"d{k}"
        spans.append(sp(doc, "alice", "Framing", 0, 5, "T1", **({"frame": fa} if fa else {})))
        spans.append(sp(doc, "bob", "Framing", 0, 5, "T1", **({"frame": fb} if fb else {})))
    spans.append(sp("d0", "bob", "Framing", 6, 9, "T2", frame="Political"))  # unmatched
    # Quotes: same speaker in d0, another speaker in d1, only alice linked in d2.
    for doc, target_b in (("d0", "T8"), ("d1", "T9"), ("d2", None)):
        spans += [sp(doc, w, "Source", 10, 14, "T8") for w in ("alice", "bob")]
        spans.append(sp(doc, "bob", "Source", 20, 24, "T9"))
        spans.append(sp(doc, "alice", "Quote", 30, 40, "T5", speaker="T8"))
        b_attrs = {"speaker": target_b} if target_b else {}
        spans.append(sp(doc, "bob", "Quote", 30, 40, "T5", **b_attrs))
    report = span_decision_agreement(spans, LABELS)
    frame = report["attributes"]["Framing"]["frame"]
    assert (frame["matched_pairs"], frame["pairs"], frame["pairs_both_unset"]) == (5, 4, 1)
    codes = {"Political": 0, "Economic": 1, None: 2}
    data = np.array([[codes[a] for a, _ in frames[:4]], [codes[b] for _, b in frames[:4]]])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert frame["alpha"] == pytest.approx(expected, abs=1e-9)
    assert frame["agreement"] == pytest.approx(2 / 4)
    speaker = report["links"]["Quote"]["speaker"]
    assert speaker["pairs"] == 3 and speaker["agreement"] == pytest.approx(1 / 3)
    data = np.array([[0, 0, 0], [0, 1, 2]])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert speaker["alpha"] == pytest.approx(expected, abs=1e-9)
    assert report["links"]["Quote"]["speaker"]["type"] == "link"
    nothing = span_decision_agreement([], LABELS)["attributes"]["Framing"]["frame"]
    assert nothing["alpha"] is None and nothing["reason"] == "no spans matched between annotators"


def test_undefined_report_figures_carry_a_reason():
    from annotator.agreement import project_report

    spans = [("d1", "alice", 0, 5, "Claim"), ("d2", "bob", 0, 5, "Claim")]
    report = project_report(spans, {"d1": 20, "d2": 20}, n_boot=0)
    assert report["status"] == "ok"
    overall = report["overall"]
    assert overall["character_alpha"] is None
    assert overall["reasons"]["character_alpha"] == "no article was annotated by two annotators"
    assert overall["reasons"]["unitizing_alpha"].endswith("annotated by every annotator")
    assert "span_f1_exact" in overall["reasons"]
    assert report["per_label"]["Claim"]["reasons"]["character_alpha"]
