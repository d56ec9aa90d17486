"""The agreement dashboard for leads."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from annotator.navigation import add_project_link
from annotator.services.analysis.agreement import report_for
from annotator.services.projects.progress import annotator_progress
from annotator.stats.heatmap import cells
from annotator.viewhelpers import project_or_abort

bp = Blueprint("stats", __name__, url_prefix="/projects")
add_project_link("stats.dashboard", "Agreement")


@bp.route("/<int:project_id>/agreement")
@login_required
def dashboard(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    report = report_for(project, n_boot=300)
    heatmaps = {}
    if report.get("status") == "ok":
        pairs = report["pairs"]
        heatmaps = {
            "exact": cells(pairs["annotators"], pairs["f1_exact"]),
            "partial": cells(pairs["annotators"], pairs["f1_partial"]),
            "kappa": cells(pairs["annotators"], pairs["kappa"]),
        }
    time_per = {a["username"]: a for a in annotator_progress(project.id)}
    return render_template(
        "stats/dashboard.html",
        project=project,
        role=role,
        report=report,
        heatmaps=heatmaps,
        time_per=time_per,
    )
