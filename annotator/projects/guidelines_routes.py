"""The guidelines pages: the current text and every saved version with diffs between them (all
members: each version is a text the annotators were once shown), and the live preview of
the Markdown the lead is editing on the settings page (leads)."""

from __future__ import annotations

from flask import abort, jsonify, render_template, request
from flask_login import login_required

from annotator.projects.routes import bp
from annotator.services.errors import ServiceError
from annotator.services.projects import guideline_versions as gv
from annotator.services.projects.guidelines import render_guidelines
from annotator.viewhelpers import project_or_abort
from annotator.wording import plural

MAX_CHARS = 100_000  # the settings form's limit


@bp.route("/<int:project_id>/guidelines")
@login_required
def guidelines(project_id: int):
    project, role = project_or_abort(project_id)
    versions = gv.versions(project)
    return render_template(
        "projects/guidelines.html",
        project=project,
        role=role,
        versions=versions,
        current=next(v for v in versions if v.current),
        html=render_guidelines(project.guidelines or ""),
    )


def _version_or_abort(project, number: int) -> gv.Version:
    try:
        return gv.version(project, number)
    except ServiceError as exc:
        abort(exc.status, exc.message)


@bp.route("/<int:project_id>/guidelines/versions/<int:number>")
@login_required
def guidelines_version(project_id: int, number: int):
    project, role = project_or_abort(project_id)
    shown = _version_or_abort(project, number)
    numbers = [v.version for v in gv.versions(project)]
    older = [n for n in numbers if n < number]
    newer = [n for n in numbers if n > number]
    return render_template(
        "projects/guidelines_version.html",
        project=project,
        role=role,
        shown=shown,
        html=render_guidelines(shown.text),
        previous=max(older) if older else None,
        following=min(newer) if newer else None,
    )


def _number_arg(name: str, default: int | None) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        abort(400, f"'{name}' must be a version number.")
    return int(raw)


@bp.route("/<int:project_id>/guidelines/diff")
@login_required
def guidelines_diff(project_id: int):
    """The changes from version ``from`` to version ``to`` (default: the current version and
    the one stored before it)."""
    project, role = project_or_abort(project_id)
    versions = gv.versions(project)
    numbers = [v.version for v in versions]
    new_number = _number_arg("to", project.guidelines_version)
    older = [n for n in numbers if n < (new_number or 0)]
    old_number = _number_arg("from", max(older) if older else new_number)
    old, new = _version_or_abort(project, old_number), _version_or_abort(project, new_number)
    return render_template(
        "projects/guidelines_diff.html",
        project=project,
        role=role,
        versions=versions,
        old=old,
        new=new,
        diff=gv.diff_texts(old.text, new.text),
        plural=plural,
    )


@bp.route("/<int:project_id>/guidelines/preview", methods=["POST"])
@login_required
def guidelines_preview(project_id: int):
    """The settings page's live preview: the Markdown sent (JSON ``{"markdown": ...}``, with
    the page's CSRF token in X-CSRFToken) rendered and sanitised exactly as the guidelines
    are shown to annotators. Leads only; nothing is stored."""
    project_or_abort(project_id, lead=True)
    data = request.get_json(silent=True)
    markdown = data.get("markdown") if isinstance(data, dict) else None
    if not isinstance(markdown, str):
        return jsonify(error='Send JSON {"markdown": "..."}.', status=400), 400
    if len(markdown) > MAX_CHARS:
        message = f"The guidelines have {len(markdown):,} characters; the limit is {MAX_CHARS:,}."
        return jsonify(error=message, status=400), 400
    # the renderer without its cache: drafts would push the saved guidelines out of it
    return jsonify(html=render_guidelines.__wrapped__(markdown))
