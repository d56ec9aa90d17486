"""Our brat export read by a strict reader written from brat's standoff specification: the
layout the brat server opens, ``annotation.conf``, fragments, attributes, relations."""

import pandas as pd

from annotator.formats.brat import line_fragments, read_brat
from tests.interop.brat_strict import read_collection
from tests.interop.consumers import export_files
from tests.interop.fixture import LABELS, answers_of, documents, spans_of


def test_brat_collection_is_valid_and_holds_every_span_attribute_and_link(tmp_path):
    docs = documents()
    report = {}
    export_files("brat", docs, tmp_path, labels=LABELS, report=report)
    collection = read_collection(tmp_path)
    assert sorted(collection) == [
        ("alice", "arabic-3"), ("alice", "geneva-1"), ("alice", "zurich-2"),
        ("bob", "geneva-1"), ("bob", "zurich-2"), ("gold", "geneva-1"),
    ]  # fmt: skip
    for (who, doc_id), (text, ann) in collection.items():
        doc = next(d for d in docs if d.id == doc_id)
        assert text == doc.text  # CRLF, NFC, emoji, ZWJ, Arabic byte for byte
        mine = spans_of(doc, who)
        got = sorted(
            (etype, frags[0][0], frags[-1][1]) for etype, frags, _ in ann.entities.values()
        )
        assert got == sorted((s.label, s.start, s.end) for s in mine)
        by_place = {(e[1][0][0], e[1][-1][1], e[0]): t for t, e in ann.entities.items()}
        tid = {s.id: by_place[(s.start, s.end, s.label)] for s in mine}
        for s in mine:
            frags = ann.entities[tid[s.id]][1]
            assert frags == line_fragments(doc.text, s.start, s.end)
            want = {k: v for k, v in s.attributes.items() if k != "speaker"}
            got_attrs = ann.attributes.get(tid[s.id], {})
            assert {k: (v if v is True else v) for k, v in got_attrs.items()} == {
                k: (v if isinstance(v, bool) else v.replace(" ", "_").replace("|", "_"))
                for k, v in want.items()
            }
            if s.note:
                assert ann.notes[tid[s.id]] == s.note.replace("\n", " ")
        links = sorted(("speaker", tid[s.id], tid[s.attributes["speaker"]])
                       for s in mine if "speaker" in s.attributes)  # fmt: skip
        assert sorted(ann.relations) == links
    # the newline-crossing claim is one T-line with two fragments, as brat writes it
    geneva = collection[("alice", "geneva-1")][1]
    crossing = [e for e in geneva.entities.values() if e[2] == "replied later"]
    assert len(crossing) == 1 and len(crossing[0][1]) == 2
    # gold is its own document set with its attributes (A), link (R) and note (#)
    gold = collection[("gold", "geneva-1")][1]
    assert sorted(gold.notes.values()) == ["both agree"] and len(gold.relations) == 1
    # answers: brat has no document-level annotation, so answers.tsv beside annotation.conf
    table = pd.read_csv(tmp_path / "answers.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["document", "annotator", "question", "value"]
    for doc in docs:
        for who in ("alice", "bob", "gold"):
            rows = table[(table["document"] == doc.id) & (table["annotator"] == who)]
            got = dict(zip(rows["question"], rows["value"].str.removeprefix("'"), strict=True))
            assert got == answers_of(doc, who)
    assert "'=opinion" in set(table["value"])  # formula-like cells neutralised, as in CSV
    assert report == {"attribute_values_changed": 1, "notes_flattened": 1, "neutralised": 2}
    back = {d.id: d for d in read_brat(tmp_path)}  # and our reader takes the answers back
    assert all(back[d.id].answers == d.answers for d in docs)
    assert all(back[d.id].gold_answers == d.gold_answers for d in docs)
