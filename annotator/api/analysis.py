"""Outlet analysis and stories as JSON (leads): the same report as the page and the CLI."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from annotator.api import openapi_analysis  # noqa: F401  (adds these paths to the document)
from annotator.api.blueprint import bp
from annotator.services.analysis.outlets import analysis_for, stories_for
from annotator.services.errors import ServiceError
from annotator.services.projects.access import load_project
from annotator.services.projects.outlets import project_outlets


def _int(name: str, default: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) > high:
        raise ServiceError(f"'{name}' must be an integer from 0 to {high}.")
    return int(raw)


@bp.get("/projects/<int:project_id>/analysis")
@login_required
def analysis(project_id: int):
    project, _ = load_project(current_user, project_id, lead=True)
    return jsonify(
        analysis_for(
            project,
            content=request.args.get("content", "gold"),
            by=request.args.get("by", "outlet"),
            annotator=request.args.get("annotator") or None,
            n_boot=_int("bootstrap", 1000, 10000),
            n_perm=_int("permutations", 999, 100000),
            seed=_int("seed", 20, 2**31),
        )
    )


@bp.get("/projects/<int:project_id>/stories")
@login_required
def story_list(project_id: int):
    project, _ = load_project(current_user, project_id, lead=True)
    return jsonify(
        stories_for(
            project,
            content=request.args.get("content", "gold"),
            annotator=request.args.get("annotator") or None,
        )
    )


@bp.get("/projects/<int:project_id>/outlets")
@login_required
def outlet_list(project_id: int):
    project, _ = load_project(current_user, project_id, lead=True)
    return jsonify(project_outlets(project.id))
