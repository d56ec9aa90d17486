"""The Label Studio ML backend protocol, as a client sees it (pure: no HTTP here).

A backend answers ``GET /health`` with ``{"status": "UP", ...}``, ``POST /setup`` (``project``,
``schema`` = the labelling config XML) with ``{"model_version": ...}``, and ``POST /predict``
(``tasks``, ``label_config``, ``project``, ``params``) with ``{"results": [prediction, ...]}``,
one prediction per task: ``{"result": [region, ...], "score": float, "model_version": str}``,
a text region being ``{"from_name", "to_name", "type": "labels", "value": {"start", "end",
"text", "labels": [name, ...]}, "score": float}`` (see label_studio_ml/api.py of
HumanSignal/label-studio-ml-backend and Label Studio's predictions format).

Offsets: Python backends slice ``str`` (code points) but Label Studio's own front end counts
UTF-16 units (an emoji counts twice; HumanSignal/label-studio#1347). A region whose ``text``
matches its code-point range is taken as code points; one matching only as UTF-16 units is
converted; one matching neither is dropped and counted. Without ``text``, code points.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._common import utf16_to_cp


class ProtocolError(ValueError):
    """The server's answer does not follow the protocol."""


@dataclass
class MappedPredictions:
    """Spans ``(start, end, label, score)`` in code points, and what was dropped, by reason."""

    spans: list[tuple[int, int, str, float | None]] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)
    model_version: str = ""


def predict_request(
    task_id: int, text: str, label_config: str, project: str, params: Mapping | None = None
) -> dict[str, Any]:
    """The body of ``POST /predict`` for one text task (data key ``text``)."""
    return {
        "tasks": [{"id": task_id, "data": {"text": text}}],
        "label_config": label_config,
        "project": project,
        "params": dict(params or {"context": None}),
    }


def setup_request(label_config: str, project: str) -> dict[str, Any]:
    """The body of ``POST /setup``."""
    return {"project": project, "schema": label_config, "hostname": "", "access_token": ""}


def check_health(answer: Any) -> None:
    """Raise :class:`ProtocolError` unless ``answer`` is ``{"status": "UP", ...}``."""
    if not isinstance(answer, Mapping) or answer.get("status") != "UP":
        raise ProtocolError(f"health answer is not {{'status': 'UP'}}: {str(answer)[:200]}")


def _match_label(name: Any, labels: Mapping[str, str]) -> str | None:
    if not isinstance(name, str):
        return None
    return labels.get(name) or labels.get(name.casefold())


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def map_predictions(answer: Any, text: str, labels: Iterable[str]) -> MappedPredictions:
    """The first prediction of a ``/predict`` answer as spans on ``text`` with the project's
    ``labels`` (exact name, else case-insensitive). Regions of other types, with labels the
    project lacks, or with offsets that fit neither code points nor UTF-16 are counted in
    ``dropped``; a malformed answer raises :class:`ProtocolError`."""
    if not isinstance(answer, Mapping) or not isinstance(answer.get("results"), list):
        raise ProtocolError("the answer has no 'results' list")
    out = MappedPredictions(model_version=str(answer.get("model_version") or ""))
    if not answer["results"]:
        return out
    prediction = answer["results"][0]
    if isinstance(prediction, list):  # some backends return the regions themselves
        prediction = {"result": prediction}
    if not isinstance(prediction, Mapping) or not isinstance(prediction.get("result"), list):
        raise ProtocolError("the first prediction has no 'result' list")
    out.model_version = str(prediction.get("model_version") or out.model_version)
    overall = _number(prediction.get("score"))
    names = list(labels)
    known = {n: n for n in names} | {n.casefold(): n for n in names}
    table = None
    for region in prediction["result"]:
        value = region.get("value") if isinstance(region, Mapping) else None
        if not isinstance(value, Mapping) or not isinstance(value.get("labels"), list):
            out.dropped["not a text labels region"] += 1
            continue
        start, end = value.get("start"), value.get("end")
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            out.dropped["no integer start and end"] += 1
            continue
        stated = value.get("text")
        if isinstance(stated, str) and text[start:end] != stated:
            table = table or utf16_to_cp(text)
            if 0 <= start < end < len(table) and text[table[start] : table[end]] == stated:
                start, end = table[start], table[end]
            else:
                out.dropped["offsets do not fit the text"] += 1
                continue
        if not 0 <= start < end <= len(text):
            out.dropped["offsets outside the text"] += 1
            continue
        score = _number(region.get("score"))
        score = overall if score is None else score
        for name in value["labels"]:
            label = _match_label(name, known)
            if label is None:
                out.dropped[f"label not in the project: {str(name)[:40]}"] += 1
                continue
            out.spans.append((start, end, label, score))
    best: dict[tuple[int, int, str], float | None] = {}
    for start, end, label, score in out.spans:  # one suggestion per range and label
        key = (start, end, label)
        if key in best:
            out.dropped["duplicate range and label"] += 1
            if score is not None and (best[key] is None or score > best[key]):
                best[key] = score
        else:
            best[key] = score
    out.spans = sorted((*key, score) for key, score in best.items())
    return out
