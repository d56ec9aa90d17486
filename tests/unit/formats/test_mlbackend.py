"""Mapping Label Studio ML backend answers onto a project's labels and code-point offsets."""

import pytest

from annotator.formats.mlbackend import (
    ProtocolError,
    check_health,
    map_predictions,
    predict_request,
)

TEXT = "Leaders 🤝 met in Geneva. “A new chapter,” they said."


def region(start, end, labels, text=None, score=None, type_="labels"):
    value = {"start": start, "end": end, "labels": labels}
    if text is not None:
        value["text"] = text
    out = {"from_name": "label", "to_name": "text", "type": type_, "value": value}
    if score is not None:
        out["score"] = score
    return out


def answer(*regions, score=0.5):
    return {"results": [{"result": list(regions), "score": score, "model_version": "v1"}]}


def test_code_points_utf16_and_drops_are_counted():
    g = TEXT.index("Geneva")
    mapped = map_predictions(
        answer(
            region(g, g + 6, ["Claim"], "Geneva", 0.9),  # code points
            region(g + 1, g + 7, ["claim"], "Geneva", 0.8),  # UTF-16 units (emoji counts twice)
            region(0, 7, ["Framing"]),  # no text: code points, the prediction's score
            region(3, 9, ["Claim"], "nowhere"),  # fits neither
            region(0, 3, ["Unknown"], "Lea"),
            region(0, 3, ["Claim"], "Lea", type_="choices") | {"value": {"choices": ["x"]}},
            region(5, 999, ["Claim"]),
        ),
        TEXT,
        ["Claim", "Framing"],
    )
    assert mapped.spans == [
        (0, 7, "Framing", 0.5),
        (g, g + 6, "Claim", 0.9),  # the same range and label twice: once, the higher score
    ]
    assert dict(mapped.dropped) == {
        "offsets do not fit the text": 1,
        "label not in the project: Unknown": 1,
        "not a text labels region": 1,
        "offsets outside the text": 1,
        "duplicate range and label": 1,
    }
    assert mapped.model_version == "v1"


def test_malformed_answers_raise():
    for bad in (None, [], {"results": "x"}, {"results": [{"result": 3}]}):
        with pytest.raises(ProtocolError):
            map_predictions(bad, TEXT, ["Claim"])
    assert map_predictions({"results": []}, TEXT, ["Claim"]).spans == []
    with pytest.raises(ProtocolError):
        check_health({"status": "DOWN"})
    check_health({"status": "UP", "v2": None})


def test_predict_request_follows_the_protocol():
    body = predict_request(7, TEXT, "<View/>", "3")
    assert body["tasks"] == [{"id": 7, "data": {"text": TEXT}}]
    assert body["label_config"] == "<View/>" and body["project"] == "3"
