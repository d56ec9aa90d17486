import csv
import io
import json

from annotator.formats import write_csv
from annotator.formats.conll import conll_document, sentences
from annotator.records import DocumentRecord, SpanRecord
from tests.unit.formats.cases import documents

TEXT = "He said: “Leaders 🤝 met.” Then U.S. officials left!\nNew line"


def test_one_file_per_annotator_with_docstart_lines():
    from annotator.formats import export, read_zip

    files = read_zip(b"".join(export("conll", documents())))
    assert sorted(files) == ["alice.conll", "bob.conll", "carol.conll", "gold.conll"]
    alice = files["alice.conll"].decode()
    assert alice.startswith("-DOCSTART-\tO\n\n") and alice.count("-DOCSTART-") == 2
    tokens = [[line.split("\t")[0] for line in f.decode().splitlines() if line]
              for f in files.values()]  # fmt: skip
    assert all(t == tokens[0] for t in tokens)  # the same tokens in every file
    for f in files.values():  # carol's span crosses a line break: one sentence, not two
        for sentence in f.decode().split("\n\n"):
            assert not sentence.strip("\n").split("\n")[0].split("\t")[-1].startswith("I-")
    carol = files["carol.conll"].decode()
    assert "deal\tI-Loaded_language\n.\tI-Loaded_language\nCritics\tI-Loaded_language" in carol


def _rows(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines() if line and not line.startswith("#")]


def test_tokenizer_and_sentence_rule():
    sents = [[TEXT[a:b] for a, b in s] for s in sentences(TEXT)]
    assert sents == [
        ["He", "said", ":", "“", "Leaders", "🤝", "met", ".", "”"],
        ["Then", "U", ".", "S", ".", "officials", "left", "!"],
        ["New", "line"],
    ]


def test_single_column_priority():
    doc = DocumentRecord("d", TEXT, spans=(
        SpanRecord("d", "a", "Quote", 9, 25),  # “Leaders 🤝 met.”
        SpanRecord("d", "b", "Claim", 3, 17),  # said: “Leaders  (starts first: wins)
    ))  # fmt: skip
    report = {}
    out = conll_document(doc, doc.spans, comments=True, report=report)
    assert report == {"nested": 1}
    assert out.startswith("# doc_id = d\n")
    tags = [r[1] for r in _rows(out)][:9]
    # the Quote overlaps the Claim: left out whole (a partial chunk is a span nobody marked)
    assert tags == ["O", "B-Claim", "I-Claim", "I-Claim", "I-Claim", "O", "O", "O", "O"]
    assert "\n\n" in out  # blank line between sentences


def test_one_column_per_label_with_offsets():
    doc = DocumentRecord("d", TEXT, spans=(
        SpanRecord("d", "a", "Quote", 9, 25), SpanRecord("d", "b", "Claim", 3, 17),
        SpanRecord("d", "c", "Claim", 10, 21),  # overlaps b's Claim: merged
    ))  # fmt: skip
    rows = _rows(conll_document(doc, doc.spans, labels=["Claim", "Quote"], offsets=True,
                                comments=True))  # fmt: skip
    assert rows[1] == ["said", "3", "7", "B-Claim", "O"]
    assert [r[3] for r in rows[:9]] == ["O", "B-Claim", "I-Claim", "I-Claim", "I-Claim",
                                        "I-Claim", "I-Claim", "O", "O"]  # fmt: skip
    assert [r[4] for r in rows[:9]] == ["O", "O", "O", "B-Quote"] + ["I-Quote"] * 5


def test_csv_one_span_per_row():
    out = "".join(write_csv(documents()))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 6 + 1 + 3
    first = rows[0]
    assert (first["document_id"], first["outlet"], first["annotator"], first["label"]) == (
        "art-1", "Example Times", "alice", "Claim")  # fmt: skip
    assert (first["start"], first["end"], first["text"]) == ("0", "13", "Leaders 🤝 met")
    assert json.loads(first["attributes"]) == {"Intensity": "high"}
    assert first["note"] == "emoji inside" and first["guidelines_version"] == "2"
    assert any(r["text"] == "n̈o deal.\nCritics" for r in rows)  # newline survives quoting
    assert [r["annotator"] for r in rows].count("gold") == 1
