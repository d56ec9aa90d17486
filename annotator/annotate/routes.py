"""The annotate page: a server-rendered shell with the article's data (what
``GET /api/v1/documents/<id>`` answers) in the page, so the first render needs no second round
trip; later changes go through /api/v1."""

from __future__ import annotations

import orjson
from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup

from annotator.extensions import db
from annotator.navigation import add_project_link
from annotator.projects.forms import ActionForm
from annotator.services.annotation.comments import open_questions, set_resolved
from annotator.services.annotation.document_context import document_context
from annotator.services.annotation.document_view import document_payload
from annotator.services.annotation.documents import document_for
from annotator.services.errors import NotFound, ServiceError
from annotator.services.projects.access import is_lead
from annotator.services.projects.active_learning import mark_picked
from annotator.services.projects.guidelines import render_guidelines
from annotator.services.projects.progress import next_document, queue_position
from annotator.services.quality.training import is_qualified
from annotator.viewhelpers import project_or_abort

bp = Blueprint("annotate", __name__, url_prefix="/projects")


@bp.route("/<int:project_id>/documents/<int:document_id>/annotate")
@login_required
def page(project_id: int, document_id: int):
    project, role = project_or_abort(project_id)
    document = document_for(current_user, role, project, document_id)
    if request.args.get("via") == "next":  # the home page's Continue or the next-article link
        mark_picked(
            current_user.id, project, document.id, next_document(current_user.id, project.id)
        )
    lead = is_lead(role)
    response = make_response(
        render_template(
            "annotate/page.html",
            project=project,
            role=role,
            lead=lead,
            document=document,
            position=queue_position(current_user.id, project.id, document.id),
            guidelines_html=render_guidelines(project.guidelines),
            payload=_embedded_payload(document.id, lead),
        )
    )
    # The page holds the spans as they are now: never shown again from the browser's cache
    # (the back button included), where they could be out of date.
    response.headers["Cache-Control"] = "no-store"
    return response


def _embedded_payload(document_id: int, lead: bool) -> Markup | None:
    """The article's JSON for a ``<script type="application/json">`` block (``<``, ``>`` and
    ``&`` escaped, so no ``</script>`` or ``<!--`` can end it), or None when the API would
    answer with an error: the page then fetches it and shows that error."""
    user = current_user._get_current_object()
    viewing = (request.args.get("annotator") or None) if lead else None
    try:
        payload = document_payload(
            user, document_context(user, document_id, assigned=False), viewing
        )
    except ServiceError:
        return None
    text = orjson.dumps(payload).decode()
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@bp.route("/<int:project_id>/next")
@login_required
def next_article(project_id: int):
    project, _ = project_or_abort(project_id)
    doc = next_document(current_user.id, project.id)
    if doc is None:
        if not is_qualified(project.id, current_user.id):  # training done or failed
            return redirect(url_for("quality.progress", project_id=project.id))
        return redirect(url_for("projects.overview", project_id=project.id))
    return redirect(url_for("annotate.page", project_id=project.id, document_id=doc, via="next"))


add_project_link("annotate.questions", "Open questions")


@bp.route("/<int:project_id>/comments")
@login_required
def questions(project_id: int):
    """For leads: the annotators' open questions (or all, with ?status=all), to answer there."""
    project, role = project_or_abort(project_id, lead=True)
    show_all = request.args.get("status") == "all"
    return render_template(
        "annotate/questions.html",
        project=project,
        role=role,
        threads=open_questions(project.id, include_resolved=show_all),
        show_all=show_all,
        action=ActionForm(),
    )


@bp.route("/<int:project_id>/comments/<int:comment_id>/resolve", methods=["POST"])
@login_required
def resolve_question(project_id: int, comment_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    if not ActionForm().validate_on_submit():
        abort(400, "The form was out of date; please try again.")
    reopen = request.form.get("reopen") == "1"
    try:
        comment = set_resolved(current_user, comment_id, not reopen)
        if comment.project_id != project.id:
            raise NotFound("No such question in this project.")
    except ServiceError as exc:
        db.session.rollback()
        abort(exc.status, exc.message)
    db.session.commit()
    flash("Question reopened." if reopen else "Question resolved.", "success")
    return redirect(url_for("annotate.questions", project_id=project.id))
