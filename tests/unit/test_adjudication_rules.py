"""Auto-merge rules on hand-built cases: votes, ties, overlapping candidates, attributes,
answers and idempotence."""

from __future__ import annotations

import pytest

from annotator.adjudication import MergeRule, merge_attributes, merge_document
from annotator.records import AnswerRecord, SpanRecord


def sp(who, label, start, end, **attrs):
    return SpanRecord("d", who, label, start, end, attributes=attrs)


def keys(result):
    return [(c.label, c.start, c.end, tuple(c.provenance)) for c in result.spans]


def test_exact_majority_of_three():
    spans = [sp("a", "Claim", 0, 5), sp("b", "Claim", 0, 5), sp("c", "Claim", 0, 6)]
    result = merge_document(spans, {"a", "b", "c"})
    assert keys(result) == [("Claim", 0, 5, ("a", "b"))]


def test_default_majority_counts_annotators_without_spans():
    # Two of four annotators is not a strict majority: the silent ones count too.
    spans = [sp("a", "Claim", 0, 5), sp("b", "Claim", 0, 5)]
    assert merge_document(spans, {"a", "b", "c", "d"}).spans == []
    assert keys(merge_document(spans, {"a", "b", "c", "d"}, MergeRule(min_votes=2))) == [
        ("Claim", 0, 5, ("a", "b"))
    ]


def test_a_tie_between_overlapping_boundaries_is_left_open_with_exact_matching():
    spans = [sp("a", "Claim", 0, 5), sp("b", "Claim", 0, 5), sp("c", "Claim", 0, 9)]
    spans.append(sp("d", "Claim", 0, 9))
    assert merge_document(spans, "abcd", MergeRule(min_votes=2)).spans == []
    # With a third vote one boundary wins; a separate span of the label is unaffected.
    spans += [sp("e", "Claim", 0, 9), sp("a", "Claim", 20, 25), sp("b", "Claim", 20, 25)]
    result = merge_document(spans, "abcde", MergeRule(min_votes=2))
    assert keys(result) == [("Claim", 0, 9, ("c", "d", "e")), ("Claim", 20, 25, ("a", "b"))]


def test_same_label_is_required():
    spans = [sp("a", "Claim", 0, 5), sp("b", "Quote", 0, 5)]
    assert merge_document(spans, {"a", "b"}, MergeRule(min_votes=2)).spans == []
    assert merge_document(spans, {"a", "b"}, MergeRule(2, "overlap")).spans == []


def test_an_annotator_votes_once():
    spans = [sp("a", "Claim", 0, 5), sp("a", "Claim", 0, 5), sp("b", "Claim", 10, 12)]
    assert merge_document(spans, {"a", "b"}, MergeRule(min_votes=2)).spans == []


def test_overlap_picks_the_boundary_most_drawn():
    spans = [sp("a", "Claim", 0, 10), sp("b", "Claim", 2, 10), sp("c", "Claim", 0, 10)]
    result = merge_document(spans, {"a", "b", "c"}, MergeRule(match="overlap"))
    assert keys(result) == [("Claim", 0, 10, ("a", "b", "c"))]


def test_overlapping_candidates_never_both_become_gold():
    # Two boundaries with two exact copies each, all overlapping: one wins (earliest).
    spans = [sp("a", "Claim", 0, 10), sp("b", "Claim", 0, 10)]
    spans += [sp("c", "Claim", 5, 15), sp("d", "Claim", 5, 15)]
    result = merge_document(spans, "abcd", MergeRule(min_votes=3, match="overlap"))
    assert keys(result) == [("Claim", 0, 10, ("a", "b", "c", "d"))]


def test_overlap_keeps_separate_clusters_apart():
    spans = [sp("a", "Claim", 0, 4), sp("b", "Claim", 1, 4), sp("a", "Claim", 20, 30)]
    spans.append(sp("b", "Claim", 22, 30))
    result = merge_document(spans, {"a", "b"}, MergeRule(match="overlap"))
    assert [(c.start, c.end) for c in result.spans] == [(0, 4), (20, 30)]


def test_overlap_below_threshold_gives_nothing():
    spans = [sp("a", "Claim", 0, 4), sp("b", "Claim", 10, 14), sp("c", "Claim", 20, 24)]
    assert merge_document(spans, "abc", MergeRule(match="overlap")).spans == []


def test_attributes_by_majority_of_supporters():
    spans = [
        sp("a", "Claim", 0, 5, type="opinion", **{"check-worthy": True}),
        sp("b", "Claim", 0, 5, type="opinion"),
        sp("c", "Claim", 0, 5, type="factual", **{"check-worthy": True}),
    ]
    (cand,) = merge_document(spans, "abc").spans
    assert cand.attributes == {"type": "opinion", "check-worthy": True}


def test_attribute_ties_and_minorities_stay_unset():
    a = sp("a", "Quote", 0, 5, form="direct", speaker=7)
    b = sp("b", "Quote", 0, 5, form="indirect", speaker=9)
    assert merge_attributes([a, b]) == {}  # a tie; links are never merged
    c = sp("c", "Quote", 0, 5)
    d = sp("d", "Quote", 0, 5)
    assert merge_attributes([a, c, d]) == {}  # one of three is no majority


def test_running_again_adds_nothing():
    spans = [sp("a", "Claim", 0, 5), sp("b", "Claim", 0, 5), sp("a", "Quote", 6, 9)]
    spans.append(sp("b", "Quote", 6, 9))
    first = merge_document(spans, {"a", "b"})
    existing = [c.key for c in first.spans]
    assert len(existing) == 2
    assert merge_document(spans, {"a", "b"}, existing=existing).spans == []
    # An edited gold span (other boundaries) still blocks the candidate it overlaps.
    assert (
        merge_document(spans, {"a", "b"}, existing=[("Claim", 0, 4), ("Quote", 6, 9)]).spans == []
    )


def test_rejected_candidates_are_not_proposed_again():
    spans = [sp("a", "Claim", 0, 5), sp("b", "Claim", 0, 5)]
    assert merge_document(spans, {"a", "b"}, rejected={("Claim", 0, 5)}).spans == []


def test_answers_by_majority_with_ties_left_open():
    answers = [
        AnswerRecord("d", "a", "one-sided", "4"),
        AnswerRecord("d", "b", "one-sided", "4"),
        AnswerRecord("d", "c", "one-sided", "2"),
        AnswerRecord("d", "a", "topic", "x"),
        AnswerRecord("d", "b", "topic", "y"),
    ]
    result = merge_document([], {"a", "b", "c"}, answers=answers)
    assert [(a.question, a.value, a.provenance) for a in result.answers] == [
        ("one-sided", "4", ["a", "b"])
    ]
    assert result.open_questions == ["topic"]
    again = merge_document([], {"a", "b", "c"}, answers=answers, gold_questions={"one-sided"})
    assert again.answers == [] and again.open_questions == ["topic"]


def test_bad_rules_are_refused():
    with pytest.raises(ValueError):
        MergeRule(match="fuzzy")
    with pytest.raises(ValueError):
        MergeRule(min_votes=0)
    assert MergeRule().needed(5) == 3 and MergeRule().needed(2) == 2


CURATION_JS = ["bounds.test.mjs", "compact.test.mjs", "votes.test.mjs"]


@pytest.mark.parametrize("name", CURATION_JS)
def test_curation_javascript(name):
    """static/js/curation/*.test.mjs: the per-stretch "k of n annotators" overlay, the compact
    view's folds and the boundary handles' moves."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is required for the JavaScript unit tests", pytrace=False)
        pytest.skip("node is not installed")
    folder = Path(__file__).resolve().parents[2] / "static" / "js" / "curation"
    assert sorted(p.name for p in folder.glob("*.test.mjs")) == CURATION_JS, "list it here"
    result = subprocess.run(
        [node, "--test", name], capture_output=True, text=True, timeout=120, cwd=folder
    )
    assert result.returncode == 0 and "# fail 0" in result.stdout, result.stdout + result.stderr
