"""The annotate page: server-rendered shell; the article and spans load through /api/v1."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from annotator.services.annotation.documents import document_for
from annotator.services.projects.access import is_lead
from annotator.services.projects.guidelines import render_guidelines
from annotator.services.projects.progress import next_document
from annotator.services.quality.training import is_qualified
from annotator.viewhelpers import project_or_abort

bp = Blueprint("annotate", __name__, url_prefix="/projects")


@bp.route("/<int:project_id>/documents/<int:document_id>/annotate")
@login_required
def page(project_id: int, document_id: int):
    project, role = project_or_abort(project_id)
    document = document_for(current_user, role, project, document_id)
    return render_template(
        "annotate/page.html",
        project=project,
        role=role,
        lead=is_lead(role),
        document=document,
        guidelines_html=render_guidelines(project.guidelines),
    )


@bp.route("/<int:project_id>/next")
@login_required
def next_article(project_id: int):
    project, _ = project_or_abort(project_id)
    doc = next_document(current_user.id, project.id)
    if doc is None:
        if not is_qualified(project.id, current_user.id):  # training done or failed
            return redirect(url_for("quality.progress", project_id=project.id))
        return redirect(url_for("projects.overview", project_id=project.id))
    return redirect(url_for("annotate.page", project_id=project.id, document_id=doc))
