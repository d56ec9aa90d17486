"""Suggestions for the annotate page and what annotators made of them.

Suggestions come from the project's latest finished training run, or, when a lead registered
one, from an external model server (Label Studio ML backend protocol). Either way only those
scoring at least the project's threshold are offered (the lead's, else the model's tuned one;
server suggestions without a score are always offered), ranges the annotator already marked or
answered are left out, and each carries its score. Accepting or dismissing one is recorded
(:func:`record_decision`); :func:`decision_counts` gives the precision of suggestions in use.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select

from annotator.extensions import db
from annotator.formats.labelstudio import labeling_config
from annotator.formats.mlbackend import (
    ProtocolError,
    check_health,
    map_predictions,
    predict_request,
    setup_request,
)
from annotator.models import Document, Label, Project, Span, SuggestionDecision, User
from annotator.models.training import DECISIONS
from annotator.queries.labels import label_records
from annotator.services.analysis import model_server
from annotator.services.analysis.training import latest_model
from annotator.services.errors import ServiceError

_models: dict[tuple[int, str], tuple] = {}  # (project, training hash) -> (model, metadata)


def _latest(project: Project):
    from annotator.classifier import ModelFileError

    try:
        found = latest_model(project)
    except ModelFileError:
        return None
    if found is None:
        return None
    model, metadata = found
    return _models.setdefault((project.id, metadata.get("training_hash", "")), (model, metadata))


def threshold_in_force(project: Project, metadata: dict | None = None, model=None) -> float:
    """The lead's threshold, else the model's default (its inner split's best-F1 one)."""
    from annotator.classifier import default_threshold

    if project.suggestion_threshold is not None:
        return float(project.suggestion_threshold)
    if model is None:
        return 0.0
    return default_threshold(model, metadata)


def _server_spans(project: Project, document: Document, labels: list[str]):
    config = labeling_config(label_records(project.id))
    body = predict_request(document.id, document.text, config, str(project.id))
    answer = model_server.call(project.model_server_url, "POST", "/predict", body)
    try:
        mapped = map_predictions(answer, document.text, labels)
    except ProtocolError as exc:
        raise model_server.ModelServerError(
            f"The model server at {project.model_server_url} answered /predict against the "
            f"protocol: {exc}."
        ) from None
    return mapped.spans, dict(mapped.dropped), mapped.model_version


def suggestions_for(user: User, project: Project, document: Document) -> dict:
    """``{"suggestions": [...], "threshold", "origin", ...}`` for ``user`` on ``document``."""
    from annotator.classifier import predict_spans

    labels = dict(
        db.session.execute(select(Label.name, Label.id).where(Label.project_id == project.id)).all()
    )
    out: dict = {"suggestions": [], "origin": "server" if project.model_server_url else "model"}
    dropped: dict = {}
    if project.model_server_url:
        spans, dropped, version = _server_spans(project, document, list(labels))
        threshold = (
            float(project.suggestion_threshold) if project.suggestion_threshold is not None else 0.0
        )
        out["model_version"] = version
    else:
        found = _latest(project)
        if found is None:
            return {**out, "threshold": None, "reason": "No trained model yet."}
        model, metadata = found
        threshold = threshold_in_force(project, metadata, model)
        # everything the model finds, so that what the threshold holds back is counted
        spans = predict_spans(model, document.text, threshold=0.0)
    out["threshold"] = round(threshold, 3)
    answered = set(
        db.session.execute(
            select(Span.start, Span.end, Span.label_id).where(
                Span.document_id == document.id, Span.user_id == user.id
            )
        ).all()
    ) | set(
        db.session.execute(
            select(
                SuggestionDecision.start, SuggestionDecision.end, SuggestionDecision.label_id
            ).where(
                SuggestionDecision.document_id == document.id,
                SuggestionDecision.user_id == user.id,
            )
        ).all()
    )
    below = 0
    for start, end, label, score in spans:
        if score is not None and score < threshold:
            below += 1
            continue
        covered = document.text[start:end]
        trimmed = covered.strip()
        if not trimmed or label not in labels:
            continue
        start += len(covered) - len(covered.lstrip())
        end = start + len(trimmed)
        if (start, end, labels[label]) in answered:
            continue
        out["suggestions"].append(
            {
                "start": start,
                "end": end,
                "label": label,
                "label_id": labels[label],
                "text": trimmed,
                "score": None if score is None else round(float(score), 3),
            }
        )
    if below:
        dropped["below the threshold"] = below
    if dropped:
        out["dropped"] = dropped
    return out


def record_decision(user: User, project: Project, document: Document, data) -> dict:
    """Store (or, with decision "undecided", remove) the user's answer to one suggestion."""
    if not isinstance(data, dict):
        raise ServiceError("Send a JSON object.")
    decision = data.get("decision")
    if decision not in (*DECISIONS, "undecided"):
        raise ServiceError("'decision' must be accepted, dismissed or undecided.")
    start, end, label_id = data.get("start"), data.get("end"), data.get("label_id")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end, label_id)):
        raise ServiceError("'start', 'end' and 'label_id' must be integers.")
    if not 0 <= start < end <= len(document.text):
        raise ServiceError("The range is outside the article.")
    label = db.session.get(Label, label_id) if 0 < label_id < 2**31 else None
    if label is None or label.project_id != project.id:
        raise ServiceError("No such label in this project.")
    score = data.get("score")
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1
    ):
        raise ServiceError("'score' must be a number from 0 to 1, or null.")
    origin = "server" if project.model_server_url else "model"
    key = (
        SuggestionDecision.user_id == user.id,
        SuggestionDecision.document_id == document.id,
        SuggestionDecision.label_id == label_id,
        SuggestionDecision.start == start,
        SuggestionDecision.end == end,
    )
    db.session.execute(delete(SuggestionDecision).where(*key))
    if decision != "undecided":
        db.session.add(
            SuggestionDecision(
                project_id=project.id,
                document_id=document.id,
                user_id=user.id,
                label_id=label_id,
                start=start,
                end=end,
                score=None if score is None else float(score),
                decision=decision,
                origin=origin,
            )
        )
    db.session.commit()
    return {"decision": decision}


def decision_counts(project_id: int) -> dict:
    """Accepted / dismissed suggestions and their precision (accepted / answered), overall and
    per label; precision is None while nothing was answered."""
    rows = db.session.execute(
        select(Label.name, SuggestionDecision.decision, func.count())
        .join(Label, Label.id == SuggestionDecision.label_id)
        .where(SuggestionDecision.project_id == project_id)
        .group_by(Label.name, SuggestionDecision.decision)
    ).all()
    per_label: dict[str, Counter] = {}
    total: Counter = Counter()
    for name, decision, n in rows:
        per_label.setdefault(name, Counter())[decision] += n
        total[decision] += n

    def figures(c: Counter) -> dict:
        answered = c["accepted"] + c["dismissed"]
        return {
            "accepted": c["accepted"],
            "dismissed": c["dismissed"],
            "precision": c["accepted"] / answered if answered else None,
        }

    return {
        **figures(total),
        "per_label": {name: figures(c) for name, c in sorted(per_label.items())},
    }


def check_server(project: Project, url: str) -> str:
    """``GET /health`` then ``POST /setup`` with the project's labelling config; the model
    version the server reports. ModelServerError when it is down or off-protocol."""
    url = model_server.check_url(url)
    try:
        check_health(model_server.call(url, "GET", "/health"))
    except ProtocolError as exc:
        raise model_server.ModelServerError(f"The model server at {url}: {exc}.") from None
    answer = model_server.call(
        url,
        "POST",
        "/setup",
        setup_request(labeling_config(label_records(project.id)), str(project.id)),
    )
    return str(answer.get("model_version", "")) if isinstance(answer, dict) else ""
