"""The Export page for leads: choose format and content, download as a stream."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from annotator.formats import WRITERS
from annotator.navigation import add_project_link
from annotator.queries import label_records
from annotator.services.projects.projects import members
from annotator.services.transfer.exporting import CONTENTS
from annotator.viewhelpers import project_or_abort

bp = Blueprint("exports", __name__, url_prefix="/projects")
add_project_link("exports.page", "Export")


@bp.route("/<int:project_id>/export")
@login_required
def page(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    return render_template(
        "exports/page.html",
        project=project,
        role=role,
        writers=WRITERS,
        contents=CONTENTS,
        labels=[lb.name for lb in label_records(project.id)],
        annotators=[u.username for u, r in members(project) if r == "annotator"],
    )
