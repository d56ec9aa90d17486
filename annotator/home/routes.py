"""The home page: the user's projects with progress and a Continue button."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from annotator.services.projects.access import can_create_projects, is_lead, visible_projects
from annotator.services.projects.active_learning import order_in_force
from annotator.services.projects.progress import annotator_progress, progress_for_user

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    projects = visible_projects(current_user)
    progress = progress_for_user(current_user, [p.id for p, _ in projects])
    team = {p.id: annotator_progress(p.id) for p, role in projects if is_lead(role)}
    return render_template(
        "home/index.html",
        projects=projects,
        progress=progress,
        team=team,
        orders={p.id: order_in_force(p) for p, _ in projects if progress[p.id].assigned},
        can_create=can_create_projects(current_user),
    )
