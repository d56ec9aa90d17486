"""Auto-merge keeps what annotators agree on (attributes, links, notes), returns what they do
not as disputes, and accounts for every candidate that does not become gold."""

from __future__ import annotations

from annotator.adjudication import MergeRule, merge_document
from annotator.records import SpanRecord

TEXT = "The minister said taxes will rise. Critics call it a 🎉 plan for the rich."


def sp(who, label, start, end, span_id=None, note="", **attrs):
    return SpanRecord(
        "d", who, label, start, end, TEXT[start:end], attributes=attrs, note=note, id=span_id
    )


def test_agreed_attributes_are_kept_and_split_votes_are_disputes():
    spans = [
        sp("alice", "Framing", 35, 60, frame="Political", tone="negative"),
        sp("bob", "Framing", 35, 60, frame="Policy prescription", tone="negative"),
    ]
    (cand,) = merge_document(spans, {"alice", "bob"}).spans
    assert cand.attributes == {"tone": "negative"}
    assert cand.disputes == {"frame": {"alice": "Political", "bob": "Policy prescription"}}


def test_a_value_only_one_of_two_gave_is_a_dispute_too():
    spans = [sp("alice", "Framing", 35, 60, frame="Political"), sp("bob", "Framing", 35, 60)]
    (cand,) = merge_document(spans, {"alice", "bob"}).spans
    assert cand.attributes == {}
    assert cand.disputes == {"frame": {"alice": "Political", "bob": None}}


LINKS = {"Quote": ["speaker"]}


def test_links_are_retargeted_at_the_gold_span_of_the_linked_span():
    spans = [
        sp("alice", "Source", 4, 12, "T1"),
        sp("bob", "Source", 4, 12, "T2"),
        sp("alice", "Quote", 18, 33, "T3", speaker="T1"),
        sp("bob", "Quote", 18, 33, "T4", speaker="T2"),
    ]
    result = merge_document(spans, {"alice", "bob"}, links=LINKS)
    quote = next(c for c in result.spans if c.label == "Quote")
    assert quote.links == {"speaker": ("Source", 4, 12)}
    assert quote.attributes == {} and quote.disputes == {}


def test_links_to_existing_gold_and_split_links():
    spans = [
        sp("alice", "Source", 4, 12, "T1"),
        sp("bob", "Source", 4, 12, "T2"),
        sp("bob", "Source", 0, 3, "T5"),
        sp("alice", "Quote", 18, 33, "T3", speaker="T1"),
        sp("bob", "Quote", 18, 33, "T4", speaker="T5"),
    ]
    result = merge_document(spans, {"alice", "bob"}, links=LINKS, existing=[("Source", 4, 12)])
    quote = next(c for c in result.spans if c.label == "Quote")
    assert quote.links == {}
    assert quote.disputes == {
        "speaker": {
            "alice": 'Source "minister" 4-12',
            "bob": 'Source "The" 0-3 (not in gold)',
        }
    }
    # Both linking the span that is already gold: the link points at that gold span.
    spans[4] = sp("bob", "Quote", 18, 33, "T4", speaker="T2")
    result = merge_document(spans, {"alice", "bob"}, links=LINKS, existing=[("Source", 4, 12)])
    (quote,) = [c for c in result.spans if c.label == "Quote"]
    assert quote.links == {"speaker": ("Source", 4, 12)}


def test_notes_are_kept_per_annotator():
    spans = [sp("alice", "Claim", 0, 33, note="hedged?"), sp("bob", "Claim", 0, 33)]
    (cand,) = merge_document(spans, {"alice", "bob"}).spans
    assert cand.notes == {"alice": "hedged?"}


def test_nested_same_label_spans_both_annotators_drew_both_become_gold():
    spans = []
    for who in ("alice", "bob"):
        spans += [sp(who, "Claim", 0, 33), sp(who, "Claim", 4, 12)]
    for match in ("exact", "overlap"):
        result = merge_document(spans, {"alice", "bob"}, MergeRule(2, match))
        assert [(c.start, c.end) for c in result.spans] == [(0, 33), (4, 12)], match
        assert result.unmerged == []


def test_every_candidate_not_merged_is_counted_by_reason():
    spans = []
    for who in ("alice", "bob"):  # two identical copies, one span twice in each
        spans += [sp(who, "Claim", 0, 33), sp(who, "Claim", 0, 33), sp(who, "Claim", 35, 40)]
        spans += [sp(who, "Claim", 4, 12), sp(who, "Quote", 41, 41)]
    spans += [sp("alice", "Claim", 50, 60), sp("bob", "Claim", 52, 60)]  # a rival pair
    spans += [sp("carol", "Claim", 50, 60), sp("dave", "Claim", 52, 60)]
    result = merge_document(
        spans, "alice bob carol dave".split(), MergeRule(2), existing=[("Claim", 35, 40)]
    )
    assert [(c.start, c.end) for c in result.spans] == [(0, 33), (4, 12)]
    assert result.reasons() == {"already_gold": 1, "duplicate": 1, "empty": 2, "tie": 2}
    dup = next(u for u in result.unmerged if u.reason == "duplicate")
    assert (dup.start, dup.end, dup.annotators) == (0, 33, ["alice", "bob"])
    # Each distinct (label, start, end) drawn is either gold or unmerged (and a duplicate
    # is a second copy of one that is gold).
    drawn = {(s.label, s.start, s.end) for s in spans}
    accounted = {c.key for c in result.spans} | {(u.label, u.start, u.end) for u in result.unmerged}
    assert drawn == accounted
    below = merge_document(spans[:5], {"alice", "bob", "carol"}, MergeRule(3))
    assert below.spans == [] and below.reasons() == {
        "below_min_votes": 3,
        "duplicate": 1,
        "empty": 1,
    }


def test_outvoted_and_rejected():
    spans = [sp(w, "Claim", 0, 10) for w in "abc"] + [sp("d", "Claim", 0, 12)]
    spans.append(sp("e", "Claim", 0, 12))
    result = merge_document(spans, "abcde", MergeRule(2))
    assert result.reasons() == {"outvoted": 1}
    result = merge_document(spans, "abcde", MergeRule(2), rejected={("Claim", 0, 10)})
    assert result.reasons() == {"outvoted": 1, "rejected": 1}
