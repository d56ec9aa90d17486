"""Model suggestions for the annotate page (when a lead has turned them on)."""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user, login_required
from sqlalchemy import select

from annotator.api.blueprint import bp
from annotator.extensions import db
from annotator.models import Label, Span
from annotator.services.analysis.training import latest_model
from annotator.services.annotation.document_view import load_document
from annotator.services.annotation.documents import document_for
from annotator.services.errors import Forbidden
from annotator.services.projects.access import load_project

_models: dict[tuple[int, str], object] = {}  # (project, model file) -> loaded model, per process


def _model(project):
    from annotator.classifier import ModelFileError

    try:
        found = latest_model(project)
    except ModelFileError:
        return None
    if found is None:
        return None
    model, metadata = found
    return _models.setdefault((project.id, metadata.get("training_hash", "")), model)


@bp.get("/documents/<int:document_id>/suggestions")
@login_required
def suggestions(document_id: int):
    from annotator.classifier import predict_spans

    document = load_document(document_id)
    project, role = load_project(current_user, document.project_id)
    document_for(current_user, role, project, document.id)
    if not project.suggestions:
        raise Forbidden("Suggestions are turned off for this project.")
    if project.blind and not project.suggestions_in_blind:
        raise Forbidden("Suggestions are off in blind projects unless the lead opts in.")
    model = _model(project)
    if model is None:
        return jsonify({"suggestions": [], "reason": "No trained model yet."})
    labels = dict(
        db.session.execute(select(Label.name, Label.id).where(Label.project_id == project.id)).all()
    )
    mine = set(
        db.session.execute(
            select(Span.start, Span.end, Span.label_id).where(
                Span.document_id == document.id, Span.user_id == current_user.id
            )
        ).all()
    )
    out = []
    for start, end, label, score in predict_spans(model, document.text):
        covered = document.text[start:end]
        trimmed = covered.strip()
        if not trimmed or label not in labels:
            continue
        start += len(covered) - len(covered.lstrip())
        end = start + len(trimmed)
        if (start, end, labels[label]) in mine:
            continue
        out.append(
            {
                "start": start,
                "end": end,
                "label": label,
                "label_id": labels[label],
                "text": trimmed,
                "score": round(float(score), 3),
            }
        )
    return jsonify({"suggestions": out})
