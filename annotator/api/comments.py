"""Comment threads on articles and spans between an annotator and the leads (session only)."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from annotator.api.annotate import _document, json_body
from annotator.api.blueprint import bp
from annotator.extensions import db
from annotator.services.annotation.comments import (
    Viewer,
    add_comment,
    open_questions,
    set_resolved,
    thread_of,
    thread_to_resolve,
    threads_for,
)
from annotator.services.errors import ServiceError
from annotator.services.projects.access import load_project


@bp.get("/documents/<int:document_id>/comments")
@login_required
def list_comments(document_id: int):
    _, role, document = _document(document_id)
    viewer = Viewer(current_user, role)
    annotator = request.args.get("annotator") or None
    return jsonify({"threads": threads_for(viewer, document.id, annotator)})


@bp.post("/documents/<int:document_id>/comments")
@login_required
def post_comment(document_id: int):
    _, role, document = _document(document_id)
    comment = add_comment(Viewer(current_user, role), document, json_body())
    db.session.commit()
    return jsonify(thread_of(comment)), 201


@bp.post("/comments/<int:comment_id>/resolve")
@login_required
def resolve_comment(comment_id: int):
    thread_to_resolve(current_user, comment_id)  # who may: before looking at the body
    data = json_body()
    resolved = data.get("resolved", True)
    if not isinstance(resolved, bool):
        raise ServiceError("'resolved' must be true or false.")
    comment = set_resolved(current_user, comment_id, resolved)
    db.session.commit()
    return jsonify(thread_of(comment))


@bp.get("/projects/<int:project_id>/comments")
@login_required
def list_questions(project_id: int):
    project, _ = load_project(current_user, project_id, lead=True)
    status = request.args.get("status", "open")
    if status not in ("open", "all"):
        raise ServiceError("'status' must be 'open' or 'all'.")
    return jsonify({"threads": open_questions(project.id, include_resolved=status == "all")})
