"""The Model page for leads: train in the background, compare with human agreement."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from annotator.api.blueprint import bp as api_bp
from annotator.extensions import db
from annotator.modeling.forms import ModelLoopForm
from annotator.models import ModelRun
from annotator.navigation import add_project_link
from annotator.projects.forms import ActionForm
from annotator.services.analysis.agreement import report_for, sentence_level_agreement
from annotator.services.analysis.model_server import ModelServerError, check_url
from annotator.services.analysis.suggestions import check_server, decision_counts
from annotator.services.analysis.training import latest_run, start_run
from annotator.services.errors import ServiceError
from annotator.services.projects.access import load_project
from annotator.services.projects.active_learning import picked_counts
from annotator.viewhelpers import project_or_abort

bp = Blueprint("modeling", __name__, url_prefix="/projects")
add_project_link("modeling.page", "Model")


def run_dict(run: ModelRun) -> dict:
    return {
        "id": run.id,
        "level": run.level,
        "status": run.status,
        "progress": run.progress,
        "error": run.error,
        "sources": run.sources,
        "metrics": run.metrics,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


@bp.route("/<int:project_id>/model")
@login_required
def page(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    return _page(project, role, ModelLoopForm(obj=project))


def _page(project, role, loop_form, status: int = 200):
    runs = (
        db.session.execute(
            select(ModelRun)
            .where(ModelRun.project_id == project.id)
            .order_by(ModelRun.id.desc())
            .limit(10)
        )
        .scalars()
        .all()
    )
    human = report_for(project, n_boot=0, decisions=False)
    # A sentence model is set beside annotators' agreement on the same sentence labels, a span
    # model beside their span F1: like with like.
    sentence_human = (
        sentence_level_agreement(project) if any(r.level == "sentence" for r in runs) else {}
    )
    latest = latest_run(project)
    # The model's own threshold (a span tagger's: the best-F1 one of its inner split).
    tuned = (latest.params or {}).get("threshold") if latest is not None else None
    default = tuned if isinstance(tuned, int | float) and not isinstance(tuned, bool) else None
    return (
        render_template(
            "modeling/page.html",
            project=project,
            role=role,
            runs=runs,
            human=human,
            sentence_human=sentence_human,
            action=ActionForm(),
            loop_form=loop_form,
            decisions=decision_counts(project.id),
            picked=picked_counts(project.id),
            default_threshold=default,
        ),
        status,
    )


@bp.route("/<int:project_id>/model/settings", methods=["POST"])
@login_required
def settings(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    form = ModelLoopForm()
    if not form.validate_on_submit():
        return _page(project, role, form, 400)
    url = (form.model_server_url.data or "").strip()
    version = None
    if url:
        try:
            url = check_url(url)
            version = check_server(project, url)
        except (ModelServerError, ServiceError) as exc:
            form.model_server_url.errors.append(exc.message)
            return _page(project, role, form, 400)
    project.suggestion_threshold = form.suggestion_threshold.data
    project.active_learning = bool(form.active_learning.data)
    project.model_server_url = url
    db.session.commit()
    message = "Model settings saved."
    if url:
        message += f" The model server is up (model version {version or 'not stated'})."
    flash(message, "success")
    return redirect(url_for("modeling.page", project_id=project.id))


@bp.route("/<int:project_id>/model/train", methods=["POST"])
@login_required
def train(project_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    if not ActionForm().validate_on_submit():
        abort(400, "The form was out of date; please try again.")
    level = request.form.get("level", "sentence")
    folds = request.form.get("folds", "5")
    if not (folds.isascii() and folds.isdigit()):
        abort(400, "Folds must be a number from 2 to 10.")
    run = start_run(project, current_user, level, int(folds))
    flash(f"Training run {run.id} started; this page shows its progress.", "success")
    return redirect(url_for("modeling.page", project_id=project.id))


@api_bp.get("/runs/<int:run_id>")
@login_required
def run_status(run_id: int):
    run = db.session.get(ModelRun, run_id)
    if run is None:
        abort(404, "No such training run.")
    load_project(current_user, run.project_id, lead=True)
    return jsonify(run_dict(run))
