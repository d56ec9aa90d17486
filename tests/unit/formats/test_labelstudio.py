import json
from dataclasses import replace

import pytest

from annotator.formats import FormatError, parse_labelstudio, write_labelstudio
from tests.unit.formats.cases import documents


def test_task_shape():
    tasks = json.loads("".join(write_labelstudio(documents())))
    assert len(tasks) == 2
    task = tasks[0]
    assert task["data"]["doc_id"] == "art-1" and task["data"]["outlet"] == "Example Times"
    # completed_by must be a Label Studio user id: the annotator is named in meta instead
    assert not any("completed_by" in a for a in task["annotations"])
    assert [a["meta"]["annotator"] for a in task["annotations"]] == [
        "alice",
        "bob",
        "carol",
        "gold",
    ]
    assert [a.get("ground_truth", False) for a in task["annotations"]] == [False] * 3 + [True]
    claim, attr, quote, direct, *answers = task["annotations"][0]["result"]
    assert answers == [
        {"id": f"answer-{k}", "from_name": a.question, "to_name": "text", "type": "choices",
         "value": {"choices": [a.value]}}
        for k, a in enumerate((a for a in documents()[0].answers if a.annotator == "alice"), 1)
    ]  # fmt: skip
    assert claim == {
        "id": "T1", "from_name": "label", "to_name": "text", "type": "labels",
        "value": {"start": 0, "end": 13, "text": "Leaders 🤝 met", "labels": ["Claim"]},
        "meta": {"text": ["emoji inside"], "guidelines_version": 2},
    }  # fmt: skip
    assert attr["id"] == "T1" and attr["type"] == "textarea" and attr["value"]["text"] == ["high"]
    assert direct["type"] == "choices" and direct["value"]["choices"] == ["true"]
    assert quote["value"]["labels"] == ["Quote"]


def test_round_trip():
    out = "".join(write_labelstudio(documents()))
    docs = parse_labelstudio(out)
    for got, want in zip(docs, documents(), strict=True):
        assert (got.id, got.text, got.outlet, got.meta) == (
            want.id,
            want.text,
            want.outlet,
            want.meta,
        )
        assert [replace(s, id=None) for s in got.spans] == [replace(s, id=None) for s in want.spans]
        assert got.gold == want.gold
    assert "".join(write_labelstudio(docs)) == out


def test_empty_array_and_streaming():
    assert "".join(write_labelstudio([])) == "[\n]\n"
    assert json.loads("".join(write_labelstudio([]))) == []
    chunks = list(write_labelstudio(documents()))
    assert len(chunks) == 4  # "[", two tasks, "]"


def test_utf16_offsets_from_label_studio():
    region = {"id": "r", "type": "labels", "from_name": "label", "to_name": "text",
              "value": {"start": 7, "end": 8, "text": "b", "labels": ["L"]}}  # fmt: skip
    who = {"id": 3, "email": "x@y"}
    task = {
        "data": {"text": "a 👍🏽 b c"},
        "annotations": [{"completed_by": who, "result": [region]}],
    }
    with pytest.raises(FormatError, match="states text 'b'"):
        parse_labelstudio(json.dumps([task]))
    (doc,) = parse_labelstudio(json.dumps([task]), utf16=True)
    assert (doc.spans[0].start, doc.spans[0].text, doc.spans[0].annotator) == (5, "b", "x@y")


def _task(value):
    return [{"data": {"text": "hello"}, "annotations": [{"completed_by": "a", "result": [
        {"id": "r", "type": "labels", "value": value}]}]}]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("[{", "invalid JSON"),
        ('{"a": 1}', "data object"),
        ('[{"data": {"html": "x"}}]', "missing text"),
        (json.dumps(_task({"start": 3, "end": 1, "labels": ["L"]})), "offset 3-1 is not a valid"),
        (json.dumps(_task({"start": 0, "end": 9, "labels": ["L"]})), "out of range"),
        (json.dumps(_task({"start": 0, "end": 2, "text": "hx", "labels": ["L"]})), "states"),
        (json.dumps(_task({"start": 0, "end": 2, "labels": []})), "no labels"),
    ],
)
def test_errors(data, message):
    with pytest.raises(FormatError, match=message):
        parse_labelstudio(data, source="tasks.json")
