"""The Model page for leads: train in the background, compare with human agreement."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from annotator.api.blueprint import bp as api_bp
from annotator.extensions import db
from annotator.models import ModelRun
from annotator.navigation import add_project_link
from annotator.projects.forms import ActionForm
from annotator.services.analysis.agreement import report_for, sentence_level_agreement
from annotator.services.analysis.training import start_run
from annotator.services.projects.access import load_project
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
    return render_template(
        "modeling/page.html",
        project=project,
        role=role,
        runs=runs,
        human=human,
        sentence_human=sentence_human,
        action=ActionForm(),
    )


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
