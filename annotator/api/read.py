"""Read endpoints for researchers (session or Bearer token): projects, documents, spans, export.

Annotators see only their own spans and assigned articles; leads see everything in their
projects.
"""

from __future__ import annotations

from flask import current_app, jsonify, request, stream_with_context
from flask_login import current_user, login_required
from sqlalchemy import func, select

from annotator.api.blueprint import bp
from annotator.extensions import db
from annotator.models import Assignment, Document
from annotator.queries import Selection, iter_documents
from annotator.services.errors import Forbidden, ServiceError
from annotator.services.projects.access import is_lead, load_project, visible_projects
from annotator.services.transfer.exporting import ExportRequest, filename, media_type, stream

MAX_PAGE = 500


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ServiceError(f"'{name}' must be an integer from {low} to {high}.")
    return int(raw)


@bp.get("/projects")
@login_required
def list_projects():
    return jsonify(
        [
            {
                "id": p.id,
                "name": p.name,
                "description": p.description,
                "role": role,
                "guidelines_version": p.guidelines_version,
                "per_doc": p.per_doc,
                "blind": p.blind,
            }
            for p, role in visible_projects(current_user)
        ]
    )


@bp.get("/projects/<int:project_id>/documents")
@login_required
def list_documents(project_id: int):
    project, role = load_project(current_user, project_id)
    columns = [Document.id, Document.title]
    if is_lead(role):  # the annotate payload's rule: an article's external id is for leads
        columns.insert(1, Document.external_id)
    if is_lead(role) or not project.hide_outlet:  # the annotate payload's rule
        columns.append(Document.outlet)
    columns.append(func.length(Document.text).label("length"))
    offset, limit, rows = _document_page(project, role, *columns)
    return jsonify(
        {"offset": offset, "limit": limit, "documents": [dict(r._mapping) for r in rows]}
    )


def _document_page(project, role, *columns):
    """One page (``offset``/``limit`` arguments) of the articles the caller may see."""
    offset = _int_arg("offset", 0, 0, 10**9)
    limit = _int_arg("limit", 100, 1, MAX_PAGE)
    query = select(*columns).where(Document.project_id == project.id)
    if not is_lead(role):
        query = query.join(Assignment, Assignment.document_id == Document.id).where(
            Assignment.user_id == current_user.id
        )
    rows = db.session.execute(query.order_by(Document.id).offset(offset).limit(limit)).all()
    return offset, limit, rows


@bp.get("/projects/<int:project_id>/spans")
@login_required
def list_spans(project_id: int):
    """Spans as plain records, a page of documents at a time (annotators: their own)."""
    project, role = load_project(current_user, project_id)
    if request.args.getlist("annotator") and not is_lead(role):
        raise Forbidden("Only leads can view other annotators' spans.")
    offset, limit, rows = _document_page(project, role, Document.id)
    # every article the page lists, training and control items too: an annotator's own spans
    # on a control item come back like any other (nothing tells them apart)
    if not is_lead(role):
        selection = Selection(annotators=frozenset([current_user.username]), purpose=None)
    elif request.args.getlist("annotator"):
        selection = Selection(annotators=frozenset(request.args.getlist("annotator")), purpose=None)
    else:
        selection = Selection(annotators=None, purpose=None)
    documents = iter_documents(project.id, selection, document_ids=[r.id for r in rows])
    spans = [
        {
            "document": s.document_id,
            "annotator": s.annotator,
            "label": s.label,
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "attributes": s.attributes,
            "note": s.note,
            "id": s.id,
            "fragments": [list(f) for f in s.fragments] or None,
        }
        for doc in documents
        for s in doc.spans
    ]
    return jsonify({"offset": offset, "limit": limit, "spans": spans})


@bp.get("/projects/<int:project_id>/export")
@login_required
def export_project(project_id: int):
    project, role = load_project(current_user, project_id, lead=True)
    args = request.args
    export_request = ExportRequest(
        format=args.get("format", "jsonl"),
        content=args.get("content", "raw"),
        annotators=args.getlist("annotator"),
        labels=args.getlist("label"),
        done_only=args.get("done_only") in ("1", "true"),
        soft_labels=args.get("soft_labels") in ("1", "true"),
        bundle=args.get("bundle") in ("1", "true"),
        raw_cells=args.get("raw_cells") in ("1", "true"),
        label_columns=args.get("label_columns") in ("1", "true"),
        purpose=args.get("purpose", "work"),
        aggregation=args.get("aggregation", "majority"),
    ).validate()
    body = stream(project, export_request)
    response = current_app.response_class(
        stream_with_context(body), content_type=media_type(export_request)
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename(project, export_request)}"'
    )
    return response


@bp.get("/projects/<int:project_id>/agreement")
@login_required
def agreement(project_id: int):
    from annotator.services.analysis.agreement import report_for

    project, _ = load_project(current_user, project_id, lead=True)
    report = report_for(project, n_boot=_int_arg("bootstrap", 500, 0, 5000))
    report.pop("document_ids", None)
    return jsonify(report)
