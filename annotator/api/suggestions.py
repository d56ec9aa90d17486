"""Model suggestions for the annotate page (when a lead has turned them on), and annotators'
answers to them."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from annotator.api.blueprint import bp
from annotator.services.analysis.suggestions import record_decision, suggestions_for
from annotator.services.annotation.document_view import load_document
from annotator.services.annotation.documents import document_for
from annotator.services.errors import Forbidden
from annotator.services.projects.access import load_project


def _allowed(document_id: int):
    document = load_document(document_id)
    project, role = load_project(current_user, document.project_id)
    document_for(current_user, role, project, document.id)
    if not project.suggestions:
        raise Forbidden("Suggestions are turned off for this project.")
    if project.blind and not project.suggestions_in_blind:
        raise Forbidden("Suggestions are off in blind projects unless the lead opts in.")
    return project, document


@bp.get("/documents/<int:document_id>/suggestions")
@login_required
def suggestions(document_id: int):
    project, document = _allowed(document_id)
    return jsonify(suggestions_for(current_user, project, document))


@bp.post("/documents/<int:document_id>/suggestions/decisions")
@login_required
def suggestion_decision(document_id: int):
    project, document = _allowed(document_id)
    return jsonify(record_decision(current_user, project, document, request.get_json(silent=True)))
