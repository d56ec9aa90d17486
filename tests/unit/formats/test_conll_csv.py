import csv
import io
import json

from annotator.formats import write_conll, write_csv
from annotator.formats.conll import sentences
from annotator.records import DocumentRecord, SpanRecord
from tests.unit.formats.cases import documents

TEXT = "He said: “Leaders 🤝 met.” Then U.S. officials left!\nNew line"


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
    out = "".join(write_conll([doc]))
    assert out.startswith("# doc_id = d\n")
    tags = [r[1] for r in _rows(out)][:9]
    assert tags == ["O", "B-Claim", "I-Claim", "I-Claim", "I-Claim", "B-Quote", "I-Quote",
                    "I-Quote", "I-Quote"]  # fmt: skip
    assert "\n\n" in out  # blank line between sentences


def test_one_column_per_label_with_offsets():
    doc = DocumentRecord("d", TEXT, spans=(
        SpanRecord("d", "a", "Quote", 9, 25), SpanRecord("d", "b", "Claim", 3, 17),
        SpanRecord("d", "c", "Claim", 10, 21),  # overlaps b's Claim: merged
    ))  # fmt: skip
    rows = _rows("".join(write_conll([doc], labels=["Claim", "Quote"], offsets=True)))
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
