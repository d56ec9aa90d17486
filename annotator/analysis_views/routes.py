"""The outlet analysis page, its figures, the outlet table and the story views (leads)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from annotator.analysis_views.plots import FORMATS, KINDS, figure
from annotator.extensions import db
from annotator.models.outlets import LEANINGS
from annotator.navigation import add_project_link
from annotator.services.analysis.outlets import (
    analysis_for,
    check,
    stories_for,
    story_detail,
)
from annotator.services.errors import ServiceError
from annotator.services.projects.outlets import (
    merge_outlets,
    project_outlets,
    set_stories,
    update_outlet,
)
from annotator.viewhelpers import project_or_abort

bp = Blueprint("analysis", __name__, url_prefix="/projects")
add_project_link("analysis.page", "Outlets & stories")

# A figure opened by itself is its own document: matplotlib styles it with a <style> element
# and style attributes, and it has no script or resource to load (default-src 'none').
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

# The page draws its figures from the same report: a smaller resampling keeps it quick.
PAGE_BOOT, PAGE_PERM = 1000, 999


def _choice() -> tuple[str, str, str | None]:
    content = request.args.get("content", "gold")
    by = request.args.get("by", "outlet")
    annotator = request.args.get("annotator") or None
    try:
        check(content, by)
    except ServiceError as exc:
        abort(400, exc.message)
    return content, by, annotator


def _report(project, content, by, annotator):
    try:
        return analysis_for(
            project, content=content, by=by, annotator=annotator, n_boot=PAGE_BOOT, n_perm=PAGE_PERM
        )
    except ServiceError as exc:
        abort(exc.status, exc.message)


@bp.route("/<int:project_id>/analysis")
@login_required
def page(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    content, by, annotator = _choice()
    report = _report(project, content, by, annotator)
    return render_template(
        "analysis/page.html",
        project=project,
        role=role,
        report=report,
        kinds=KINDS,
        formats=FORMATS,
        query={"content": content, "by": by, **({"annotator": annotator} if annotator else {})},
    )


@bp.route("/<int:project_id>/analysis/plots/<kind>.<fmt>")
@login_required
def plot(project_id: int, kind: str, fmt: str):
    project, _ = project_or_abort(project_id, lead=True)
    if kind not in KINDS or fmt not in FORMATS:
        abort(404)
    content, by, annotator = _choice()
    body = figure(_report(project, content, by, annotator), kind, fmt)
    response = Response(body, mimetype=FORMATS[fmt])
    if fmt == "svg":
        response.headers["Content-Security-Policy"] = SVG_CSP
    if request.args.get("download"):
        name = f"{kind}-by-{by}-{content}.{fmt}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/<int:project_id>/outlets", methods=["GET", "POST"])
@login_required
def outlets(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    if request.method == "POST":
        form = request.form
        try:
            if form.get("action") == "merge":
                target, moved = merge_outlets(
                    project, _int(form.get("source")), _int(form.get("target"))
                )
                flash(f"Merged into {target.name}: {moved} articles moved.")
            elif form.get("action") == "stories":
                upload = request.files.get("file")
                stories = _stories_csv(upload)
                flash(f"Set the story of {set_stories(project, stories)} articles.")
            else:
                outlet = update_outlet(
                    project,
                    _int(form.get("outlet")),
                    name=form.get("name"),
                    leaning=form.get("leaning"),
                    rating_source=form.get("rating_source"),
                )
                flash(f"Saved {outlet.name}.")
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template(
                "analysis/outlets.html",
                project=project,
                role=role,
                outlets=project_outlets(project.id),
                leanings=LEANINGS,
            ), exc.status
        return redirect(url_for("analysis.outlets", project_id=project.id))
    return render_template(
        "analysis/outlets.html",
        project=project,
        role=role,
        outlets=project_outlets(project.id),
        leanings=LEANINGS,
    )


def _int(value) -> int:
    if not value or not str(value).isdigit():
        raise ServiceError("Choose an outlet.")
    return int(value)


def _stories_csv(upload) -> dict[str, str]:
    import csv
    import io

    if upload is None or not upload.filename:
        raise ServiceError("Choose a CSV file with columns id,story.")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError(f"{upload.filename}: not valid UTF-8.") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or not {"id", "story"} <= set(reader.fieldnames):
        raise ServiceError(f"{upload.filename}:1: the CSV header needs 'id' and 'story' columns.")
    stories = {}
    for record in reader:
        if not (record.get("id") or "").strip():
            raise ServiceError(f"{upload.filename}:{reader.line_num}: empty id.")
        stories[record["id"].strip()] = record.get("story") or ""
    return stories


@bp.route("/<int:project_id>/stories")
@login_required
def stories(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    content, _, annotator = _choice()
    try:
        listed = stories_for(project, content=content, annotator=annotator)
    except ServiceError as exc:
        abort(exc.status, exc.message)
    return render_template(
        "analysis/stories.html",
        project=project,
        role=role,
        stories=listed,
        content=content,
        annotator=annotator,
    )


@bp.route("/<int:project_id>/stories/<path:story>")
@login_required
def story(project_id: int, story: str):
    project, role = project_or_abort(project_id, lead=True)
    content, _, annotator = _choice()
    try:
        detail = story_detail(project, story, content=content, annotator=annotator)
    except ServiceError as exc:
        abort(exc.status, exc.message)
    labels = sorted({s.label for arts in detail["columns"].values() for a in arts for s in a.spans})
    return render_template(
        "analysis/story.html",
        project=project,
        role=role,
        detail=detail,
        content=content,
        annotator=annotator,
        label_class={name: f"lab-{i % 8}" for i, name in enumerate(labels)},
        segments=segments,
    )


def segments(text: str, spans) -> list[tuple[str, list[str]]]:
    """The text cut at every span boundary: (piece, labels covering it) in order."""
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a >= b:
            continue
        out.append((text[a:b], sorted({s.label for s in spans if s.start <= a and b <= s.end})))
    return out
