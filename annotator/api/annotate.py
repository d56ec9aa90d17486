"""API used by the annotate page: read an article, create/update/delete spans, answer, finish."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_login import current_user, login_required

from annotator.api.blueprint import bp
from annotator.extensions import db
from annotator.services.annotation.document_context import document_context
from annotator.services.annotation.document_view import document_payload, load_document
from annotator.services.annotation.documents import document_for
from annotator.services.annotation.span_create import create_span, replayed_create
from annotator.services.annotation.spans import delete_span, own_span, span_dict, update_span
from annotator.services.annotation.workflow import add_time, answer_question, set_status
from annotator.services.errors import Conflict, ServiceError
from annotator.services.projects.access import load_project
from annotator.services.projects.progress import next_document
from annotator.services.projects.schema_cache import project_schema


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ServiceError("Send a JSON object with Content-Type: application/json.")
    return data


def _document(document_id: int):
    """The document with the caller's project and role (assigned annotators or leads)."""
    document = load_document(document_id)
    project, role = load_project(current_user, document.project_id)
    document_for(current_user, role, project, document.id)
    return project, role, document


@bp.get("/documents/<int:document_id>")
@login_required
def get_document(document_id: int):
    user = current_user._get_current_object()  # read many times below: resolve the proxy once
    context = document_context(user, document_id, assigned=False)  # payload checks
    annotator = request.args.get("annotator") or None
    return jsonify(document_payload(user, context, annotator))


@bp.post("/documents/<int:document_id>/spans")
@login_required
def post_span(document_id: int):
    context = document_context(current_user, document_id)
    data = json_body()
    span = create_span(current_user, context, data)
    if span is None:  # a retried create (its first response was lost), or a parallel retry
        labels = project_schema(context.project_id, context.schema_stamp).label_names
        earlier = replayed_create(current_user, data, labels)
        if earlier is None:  # made and deleted again in between
            raise Conflict("A span with this client_key was made and has since been deleted.")
        return jsonify(earlier), 200
    db.session.commit()
    return jsonify(span), 201


@bp.patch("/spans/<int:span_id>")
@login_required
def patch_span(span_id: int):
    own_span(current_user, span_id)  # other people's spans: 404 before anything else
    data = json_body()
    span = update_span(current_user, span_id, data)
    body = span_dict(span)
    db.session.commit()
    return jsonify(body)


@bp.get("/spans/<int:span_id>")
@login_required
def get_span(span_id: int):
    return jsonify(span_dict(own_span(current_user, span_id)))


@bp.delete("/spans/<int:span_id>")
@login_required
def remove_span(span_id: int):
    version = request.args.get("version")
    if version is not None and not (version.isascii() and version.isdigit()):
        raise ServiceError("'version' must be an integer.")
    delete_span(current_user, span_id, int(version) if version else None)
    db.session.commit()
    return "", 204


@bp.put("/documents/<int:document_id>/answers/<int:question_id>")
@login_required
def put_answer(document_id: int, question_id: int):
    _, _, document = _document(document_id)
    value = answer_question(current_user, document, question_id, json_body().get("value"))
    db.session.commit()
    return jsonify({"question_id": question_id, "value": value})


@bp.post("/documents/<int:document_id>/status")
@login_required
def post_status(document_id: int):
    project, _, document = _document(document_id)
    data = json_body()
    assignment = set_status(current_user, document, data.get("status"), data.get("reason"))
    db.session.commit()
    following = next_document(current_user.id, project.id, after=document.id)
    body = {"status": assignment.status, "next_document_id": following}
    if document.purpose == "training" and assignment.status == "done":
        # training items (and only they) show the trainee their spans beside the gold
        body["feedback_url"] = url_for(
            "quality.feedback", project_id=project.id, document_id=document.id
        )
    return jsonify(body)


@bp.post("/documents/<int:document_id>/time")
@login_required
def post_time(document_id: int):
    _, _, document = _document(document_id)
    add_time(current_user, document, json_body().get("seconds"))
    db.session.commit()
    return jsonify({"ok": True})
