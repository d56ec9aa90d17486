"""Helpers the blueprints share: load a project with a role check, turn errors into 4xx."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from annotator.services.errors import ServiceError
from annotator.services.projects.access import load_project


def project_or_abort(project_id: int, *, lead: bool = False):
    """The project and the current user's role, or 403/404."""
    try:
        return load_project(current_user, project_id, lead=lead)
    except ServiceError as exc:
        abort(exc.status, exc.message)
