"""Edit history pages for leads: an article's (or one span's) history, and the audit log."""

from __future__ import annotations

from itertools import islice

from flask import abort, current_app, render_template, request, stream_with_context
from flask_login import current_user, login_required

from annotator.navigation import add_project_link
from annotator.projects.routes import bp
from annotator.services.annotation.documents import document_for
from annotator.services.errors import ServiceError
from annotator.services.projects.history import HistoryFilter, export_lines, iter_events
from annotator.viewhelpers import project_or_abort

add_project_link("projects.audit_log", "History")

MAX_SHOWN = 2000


def _filters() -> HistoryFilter:
    try:
        return HistoryFilter.from_args(request.args)
    except ServiceError as exc:
        abort(400, exc.message)


@bp.route("/<int:project_id>/documents/<int:document_id>/history")
@login_required
def article_history(project_id: int, document_id: int):
    """Who created, moved, relabelled or deleted which span of the article, and when."""
    project, role = project_or_abort(project_id, lead=True)
    try:
        document = document_for(current_user, role, project, document_id)
    except ServiceError as exc:
        abort(exc.status, exc.message)
    f = _filters()
    f = HistoryFilter(document.id, f.span_id, f.annotator, f.since, f.until)
    return _history_page(project, role, document, f)


@bp.route("/<int:project_id>/audit")
@login_required
def audit_log(project_id: int):
    """The project's audit log: the filter form, the latest events and CSV/JSONL downloads."""
    project, role = project_or_abort(project_id, lead=True)
    f = _filters()
    fmt = request.args.get("format")
    if fmt:
        if fmt not in ("csv", "jsonl"):
            abort(400, f"Cannot export the audit log as {fmt!r}; use csv or jsonl.")
        lines = export_lines(project, f, fmt)
        response = current_app.response_class(
            stream_with_context(lines),
            content_type="text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/x-ndjson; charset=utf-8",
        )
        response.headers["Content-Disposition"] = (
            f'attachment; filename="audit-project-{project.id}.{fmt}"'
        )
        return response
    args = {k: v for k, v in request.args.items() if k in ("annotator", "since", "until") and v}
    return _history_page(project, role, None, f, args=args)


def _history_page(project, role, document, f: HistoryFilter, **extra):
    """The history page with the first ``MAX_SHOWN`` events (one more is read to tell whether
    the list was cut)."""
    events = list(islice(iter_events(project, f), MAX_SHOWN + 1))
    return render_template(
        "projects/history.html",
        project=project,
        role=role,
        document=document,
        events=events[:MAX_SHOWN],
        truncated=len(events) > MAX_SHOWN,
        filters=f,
        **extra,
    )
