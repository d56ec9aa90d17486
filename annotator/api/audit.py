"""The project's audit log (every span created, moved, relabelled or deleted) for leads: JSON
pages, or the whole filtered log as CSV or JSONL (the History page's downloads)."""

from __future__ import annotations

from flask import current_app, jsonify, request, stream_with_context
from flask_login import current_user, login_required

from annotator.api import openapi_audit  # noqa: F401  (adds this path to the document)
from annotator.api.blueprint import bp
from annotator.api.read import MAX_PAGE, _int_arg
from annotator.services.errors import ServiceError
from annotator.services.projects.access import load_project
from annotator.services.projects.history import (
    MAX_ID,
    HistoryFilter,
    export_lines,
    iter_events,
)

FORMATS = ("json", "csv", "jsonl")
MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def _filters() -> HistoryFilter:
    f = HistoryFilter.from_args(request.args)
    raw = (request.args.get("document") or "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= MAX_ID):
        raise ServiceError("'document' must be an article id (a whole number).")
    return HistoryFilter(int(raw) if raw else None, f.span_id, f.annotator, f.since, f.until)


@bp.get("/projects/<int:project_id>/audit")
@login_required
def audit_log(project_id: int):
    """Oldest first. JSON: a page (``offset``, ``limit`` up to 500) and ``next_offset`` (null on
    the last page); CSV/JSONL: every matching event, or the page ``offset``/``limit`` name."""
    project, _ = load_project(current_user, project_id, lead=True)
    fmt = request.args.get("format", "json")
    if fmt not in FORMATS:
        raise ServiceError(f"Cannot give the audit log as {fmt!r}; use json, csv or jsonl.")
    f = _filters()
    offset = _int_arg("offset", 0, 0, 10**9)
    if fmt == "json":
        limit = _int_arg("limit", 100, 1, MAX_PAGE)
        events = list(iter_events(project, f, offset=offset, limit=limit + 1))
        more = len(events) > limit
        return jsonify(
            {
                "offset": offset,
                "limit": limit,
                "next_offset": offset + limit if more else None,
                "events": events[:limit],
            }
        )
    limit = _int_arg("limit", 0, 1, 10**9) if "limit" in request.args else None
    lines = export_lines(project, f, fmt, offset=offset, limit=limit)
    response = current_app.response_class(stream_with_context(lines), content_type=MEDIA[fmt])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="audit-project-{project.id}.{fmt}"'
    )
    return response
