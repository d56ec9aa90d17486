"""``--format spacy``: spaCy's own ``DocBin().from_disk`` and the ``Corpus`` reader that
``spacy train`` uses load our files, with every span (nested, overlapping) at its offsets and the
attributes, notes, links and answers in the user data."""

import dataclasses

import pytest

from annotator.records import SpanRecord
from tests.interop.consumers import export_files
from tests.interop.fixture import documents, spans_of

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin, Span  # noqa: E402
from spacy.training import Corpus  # noqa: E402


def _extension():
    if not Span.has_extension("annotator"):
        Span.set_extension("annotator", default=None)


def _extra(span):
    data = span._.annotator
    return data["id"], data["attributes"], data["note"]


def test_docbin_holds_every_span_attribute_link_and_answer(tmp_path):
    docs = documents()
    report = {}
    files = export_files("spacy", docs, tmp_path, report=report)
    assert sorted(files) == ["alice.spacy", "bob.spacy", "gold.spacy"]
    assert report == {}  # every span aligns with spaCy's tokens: nothing changed
    _extension()
    nlp = spacy.blank("xx")
    for name, path in files.items():
        who = name.removesuffix(".spacy")
        got = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        assert [d.user_data["annotator"]["doc_id"] for d in got] == [d.id for d in docs]
        for doc, sdoc in zip(docs, got, strict=True):
            assert sdoc.text == doc.text  # CRLF, NFD->NFC, emoji, ZWJ, Arabic byte for byte
            data = sdoc.user_data["annotator"]
            assert (data["annotator"], data["title"], data["meta"]) == (who, doc.title, doc.meta)
            want = [(s.label, s.start, s.end, doc.text[s.start : s.end], s.id, s.attributes,
                     s.note) for s in spans_of(doc, who)]  # fmt: skip
            spans = sdoc.spans["sc"]
            held = [(s.label_, s.start_char, s.end_char, s.text, *_extra(s)) for s in spans]
            assert held == want  # nested and overlapping kept; links as the target's id
            mine = doc.gold_answers if who == "gold" else doc.answers
            assert data["answers"] == {a.question: a.value for a in mine if a.annotator == who}
    # spacy train's reader takes the same files (the reference docs carry the spans)
    examples = list(Corpus(str(files["gold.spacy"]))(nlp))
    assert [len(e.reference.spans["sc"]) for e in examples] == [3, 0, 0]


def test_a_span_inside_a_token_is_widened_and_counted(tmp_path):
    doc = documents()[0]
    start = doc.text.index("Genève")
    inside = SpanRecord(doc.id, "carol", "Framing", start, start + 3, "Gen", id="T1")
    docs = [dataclasses.replace(doc, spans=(inside,), gold=(), annotators=("carol",),
                                answers=(), gold_answers=())]  # fmt: skip
    report = {}
    files = export_files("spacy", docs, tmp_path, report=report)
    assert report == {"spans_expanded": 1}
    _extension()
    (sdoc,) = DocBin().from_disk(files["carol.spacy"]).get_docs(spacy.blank("xx").vocab)
    (span,) = sdoc.spans["sc"]
    assert (span.text, span.start_char) == ("Genève", start)
    assert (span._.annotator["start"], span._.annotator["end"]) == (start, start + 3)
