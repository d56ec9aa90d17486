from annotator.formats import filter_annotators, filter_labels, gold_only, majority_vote, raw
from tests.unit.formats.cases import documents


def test_raw_and_gold_only():
    assert list(raw(documents())) == documents()
    gold = list(gold_only(documents()))
    assert [len(d.spans) for d in gold] == [0, 0] and len(gold[0].gold) == 1
    assert gold[0].answers == ()


def test_majority_vote():
    a, b = majority_vote(documents())
    # art-1: 3 annotators; "Leaders 🤝 met" Claim marked by all 3, everything else by 1.
    assert [(s.label, s.start, s.end, s.annotator, s.text) for s in a.spans] == [
        ("Claim", 0, 13, "majority", "Leaders 🤝 met")
    ]
    assert a.gold == documents()[0].gold
    # art-2: 2 annotators who never mark the same span: with two, both must agree.
    assert b.spans == ()


def test_majority_vote_thresholds():
    from annotator.records import DocumentRecord, SpanRecord

    def doc(*marks):
        spans = [SpanRecord("d", who, "L", 0, 2) for who in marks]
        spans += [SpanRecord("d", w, "M", 3, 4) for w in ("p", "q", "r", "s")[: len(set(marks))]]
        return DocumentRecord("d", "ab cd", spans=tuple(spans))

    def kept(d, **kw):
        return [s.label for s in next(majority_vote([d], **kw)).spans]

    assert kept(doc("p")) == ["L", "M"]  # a single annotator is their own majority
    assert kept(doc("p", "q")) == ["L", "M"]  # two of two
    two = DocumentRecord("d", "ab", spans=(SpanRecord("d", "p", "L", 0, 2),
                                           SpanRecord("d", "q", "L", 0, 1)))  # fmt: skip
    assert kept(two) == []  # one of two is not a majority
    four = DocumentRecord(
        "d",
        "ab",
        spans=tuple(SpanRecord("d", w, "L", 0, 2) for w in "pq")
        + (SpanRecord("d", "r", "X", 0, 1), SpanRecord("d", "s", "X", 0, 1)),
    )
    assert kept(four) == []  # two of four is not a strict majority
    three = DocumentRecord("d", "ab", spans=tuple(SpanRecord("d", w, "L", 0, 2) for w in "pqr")
                           + (SpanRecord("d", "s", "X", 0, 1),))  # fmt: skip
    assert kept(three) == ["L"]  # three of four
    assert kept(three, min_share=0.75) == []


def test_filters():
    docs = list(filter_labels(documents(), {"Quote"}))
    assert {s.label for d in docs for s in d.spans} == {"Quote"} and docs[0].gold == ()
    docs = list(filter_annotators(documents(), ["bob"]))
    assert {s.annotator for d in docs for s in d.spans} == {"bob"}
    assert docs[0].answers == () and len(docs[0].gold) == 1


def test_annotators_who_finished_without_marks_vote_against():
    from annotator.records import DocumentRecord, SpanRecord

    marked = (SpanRecord("d", "a", "L", 0, 2), SpanRecord("d", "b", "L", 0, 2))
    only_markers = DocumentRecord("d", "ab cd", spans=marked)
    assert len(next(majority_vote([only_markers])).spans) == 1  # 2 of 2
    with_silent = DocumentRecord("d", "ab cd", spans=marked, annotators=("a", "b", "c", "e"))
    assert next(majority_vote([with_silent])).spans == ()  # 2 of 4 is no strict majority
    three = DocumentRecord("d", "ab cd", spans=marked, annotators=("a", "b", "c"))
    assert len(next(majority_vote([three])).spans) == 1  # 2 of 3
    kept = next(filter_annotators([with_silent], {"a", "b", "c"}))
    assert kept.annotators == ("a", "b", "c")
    assert len(next(majority_vote([kept])).spans) == 1
