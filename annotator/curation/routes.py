"""The curation queue and page for leads: server-rendered shells; data loads through the API."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from annotator.adjudication import REASONS
from annotator.curation.api import ids_in_range
from annotator.curation.data import neighbours
from annotator.curation.data import queue as build_queue
from annotator.extensions import db
from annotator.navigation import add_project_link
from annotator.services.annotation.documents import document_for
from annotator.services.curation.gold_merge import describe_unmerged, parse_rule, run_merge
from annotator.services.errors import ServiceError
from annotator.viewhelpers import project_or_abort

bp = Blueprint("curation", __name__, url_prefix="/projects")
add_project_link("curation.queue", "Curation")


@bp.route("/<int:project_id>/curation", endpoint="queue")
@login_required
@ids_in_range
def queue_page(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    return render_template(
        "curation/queue.html",
        project=project,
        role=role,
        documents=build_queue(project),
        reasons=REASONS,
    )


@bp.post("/<int:project_id>/curation/merge")
@login_required
@ids_in_range
def merge(project_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    raw = request.form.get("min_votes", "").strip()
    try:
        if raw and not (raw.isascii() and raw.isdigit()):
            raise ServiceError("Minimum votes must be a whole number.")
        rule = parse_rule(
            {
                "min_votes": int(raw) if raw else None,
                "match": request.form.get("match", "exact"),
                "aggregation": request.form.get("aggregation", "majority"),
            }
        )
        summary = run_merge(current_user, project, rule)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        unmerged = describe_unmerged(summary["unmerged"])
        flash(
            f"Pre-filled gold on {summary['documents']} articles: "
            f"{summary['gold_spans_added']} spans, {summary['gold_answers_added']} answers, "
            f"{summary['links_added']} links added; {summary['open_questions']} answers left "
            f"open (ties); {summary['spans_with_disputes']} gold spans with split attribute "
            "votes." + (f" {unmerged}." if unmerged else ""),
            "success",
        )
    return redirect(url_for("curation.queue", project_id=project.id))


@bp.route("/<int:project_id>/documents/<int:document_id>/curate")
@login_required
@ids_in_range
def page(project_id: int, document_id: int):
    project, role = project_or_abort(project_id, lead=True)
    document = document_for(current_user, role, project, document_id)
    previous, following = neighbours(project, document.id)
    return render_template(
        "curation/page.html",
        project=project,
        role=role,
        document=document,
        previous=previous,
        following=following,
    )
