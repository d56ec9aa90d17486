import dataclasses
import json

import pytest

from annotator.formats import FormatError, parse_jsonl, soft_label_runs, write_jsonl
from annotator.records import DocumentRecord, SpanRecord
from tests.unit.formats.cases import documents


def test_round_trip_is_exact():
    docs = documents()
    out = "".join(write_jsonl(docs, soft_labels=True))
    back = parse_jsonl(out.encode("utf-8"))
    assert back == docs
    assert "".join(write_jsonl(back, soft_labels=True)) == out


def test_line_content():
    line = json.loads(next(write_jsonl(documents())))
    assert line["id"] == "art-1" and line["outlet"] == "Example Times"
    assert line["meta"] == {"topic": "diplomacy"}
    first = line["spans"][0]
    assert first == {
        "annotator": "alice", "label": "Claim", "start": 0, "end": 13, "text": "Leaders 🤝 met",
        "id": "T1", "attributes": {"Intensity": "high"}, "note": "emoji inside",
        "guidelines_version": 2,
    }  # fmt: skip
    assert line["answers"] == [{"annotator": "alice", "question": "Overall bias", "value": "left"}]
    assert [g["annotator"] for g in line["gold"]] == ["gold"]
    assert "soft_labels" not in line


def test_soft_labels_are_fractions_of_annotators():
    t = "abcdefghij"
    doc = DocumentRecord("d", t, spans=(
        SpanRecord("d", "x", "L", 0, 4), SpanRecord("d", "x", "L", 2, 6),  # x counts once
        SpanRecord("d", "y", "L", 3, 5), SpanRecord("d", "z", "M", 8, 10),
    ))  # fmt: skip
    soft = soft_label_runs(doc)
    assert soft["annotators"] == 3
    third, two = round(1 / 3, 4), round(2 / 3, 4)
    assert soft["labels"]["L"] == [[0, 3, third], [3, 5, two], [5, 6, third]]
    assert soft["labels"]["M"] == [[8, 10, third]]
    silent = soft_label_runs(dataclasses.replace(doc, annotators=("x", "quiet")))
    assert silent["annotators"] == 4  # finished without marking anything: counts in n
    assert silent["labels"]["M"] == [[8, 10, 0.25]]


GOOD = {"id": "d", "text": "hello world", "spans": []}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        (json.dumps({"id": "d"}), "missing text"),
        (json.dumps({**GOOD, "colour": 1}), "unknown keys"),
        (json.dumps({**GOOD, "spans": [{"annotator": "a", "label": "L", "start": 10,
                                        "end": 5}]}), "label offset 10-5 is not a valid span"),
        (json.dumps({**GOOD, "spans": [{"annotator": "a", "label": "L", "start": 0,
                                        "end": 50}]}), "out of range"),
        (json.dumps({**GOOD, "spans": [{"annotator": "a", "label": "L", "start": 0, "end": 5,
                                        "text": "hellp"}]}), "states text 'hellp'"),
        (json.dumps({**GOOD, "spans": [{"annotator": "a", "label": "L", "start": 0, "end": 5,
                                        "bogus": 1}]}), "unknown span keys"),
        (json.dumps({**GOOD, "spans": [{"annotator": "a", "label": "L", "start": 0.0,
                                        "end": 5}]}), "not integers"),
    ],
)  # fmt: skip
def test_errors_name_the_line(line, message):
    data = json.dumps(GOOD) + "\n\n" + line + "\n"
    with pytest.raises(FormatError, match=message) as info:
        parse_jsonl(data, source="data.jsonl")
    assert str(info.value).startswith("data.jsonl:3: ")


def test_duplicate_ids_and_bad_utf8():
    with pytest.raises(FormatError, match="duplicate document id"):
        parse_jsonl(json.dumps(GOOD) + "\n" + json.dumps(GOOD))
    with pytest.raises(FormatError, match="not UTF-8"):
        parse_jsonl(b'{"id": "\xff"}')
