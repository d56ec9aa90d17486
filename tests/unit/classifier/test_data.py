from annotator.classifier import sentence_examples, training_hash, training_spans
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord


def span(doc, who, label, start, end):
    return SpanRecord(doc, who, label, start, end)


DOCS = [
    DocumentRecord(  # curated: gold wins over annotators
        "d1",
        "Alpha beta. Gamma delta.",
        spans=(span("d1", "ann", "X", 0, 5),),
        gold=(span("d1", "gold", "Y", 6, 10),),
    ),
    DocumentRecord(  # 3 annotators: (0, 5, X) by 2 of 3 is majority, (12, 17, X) by 1 is not
        "d2",
        "Alpha beta. Gamma delta.",
        spans=(
            span("d2", "a", "X", 0, 5),
            span("d2", "b", "X", 0, 5),
            span("d2", "c", "X", 12, 17),
        ),
    ),
    DocumentRecord(  # 4 annotators (one only answered), no span by 2: every annotator's spans
        "d3",
        "One. Two.",
        spans=(span("d3", "a", "X", 0, 3), span("d3", "b", "Z", 5, 8), span("d3", "c", "Z", 5, 8)),
        answers=(AnswerRecord("d3", "e", "q", "yes"), AnswerRecord("d3", "f", "q", "no")),
    ),
    DocumentRecord("d4", "Nobody looked at this."),
]


def test_training_spans_choices():
    training = training_spans(DOCS, curated_ids=["d1"])
    assert training.source == {"d1": "gold", "d2": "majority", "d3": "all", "d4": "none"}
    got = {(s.document_id, s.start, s.end, s.label) for s in training.spans}
    assert got == {
        ("d1", 6, 10, "Y"),
        ("d2", 0, 5, "X"),
        ("d3", 0, 3, "X"),
        ("d3", 5, 8, "Z"),
    }


def test_curated_document_without_gold_gives_no_spans():
    training = training_spans(DOCS[1:2], curated_ids=["d2"])
    assert training.source == {"d2": "gold"} and training.spans == ()


def test_sentence_examples_are_grouped_and_labelled():
    training = training_spans(DOCS, curated_ids=["d1"])
    ex = sentence_examples(DOCS, training)
    assert ex.texts == [
        "Alpha beta.",
        "Gamma delta.",
        "Alpha beta.",
        "Gamma delta.",
        "One.",
        "Two.",
    ]
    assert ex.groups == ["d1", "d1", "d2", "d2", "d3", "d3"]
    assert ex.labels[:4] == [{"Y"}, frozenset(), {"X"}, frozenset()]
    assert ex.labels[4:] == [{"X"}, {"Z"}]


def test_training_hash_ignores_order_but_not_content():
    spans = [("d1", 0, 5, "X"), ("d2", 1, 2, "Y")]
    texts = {"d1": "Alpha", "d2": "Beta"}
    h = training_hash(texts, spans)
    assert h == training_hash(dict(reversed(texts.items())), list(reversed(spans)))
    assert h != training_hash({**texts, "d2": "Betb"}, spans)
    assert h != training_hash(texts, spans[:1])
    assert len(h) == 64
