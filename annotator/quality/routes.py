"""The lead's Quality page (settings, training and control items, who is waiting, control
accuracy, competence, learning curve, audit trail) and the annotator's training pages
(progress, retry, feedback beside the gold)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from annotator.analysis_views.plots import FORMATS, learning_curve_figure
from annotator.extensions import db
from annotator.models import Document, ItemScore, Label, User
from annotator.navigation import add_project_link
from annotator.reliability import METHODS
from annotator.services.annotation.workflow import clear_work, unlock_real_work
from annotator.services.errors import ServiceError
from annotator.services.projects.access import is_lead
from annotator.services.projects.guidelines import render_guidelines
from annotator.services.quality import audit, control, training
from annotator.services.quality.items import SETTINGS, set_purpose, update_settings
from annotator.services.quality.learning import curves
from annotator.services.quality.reliability import competence_table
from annotator.viewhelpers import project_or_abort
from annotator.wording import plural

bp = Blueprint("quality", __name__, url_prefix="/projects")
add_project_link("quality.page", "Quality")


def _items(project_id: int, purpose: str):
    return db.session.execute(
        select(Document.id, Document.external_id, Document.title)
        .where(Document.project_id == project_id, Document.purpose == purpose)
        .order_by(Document.id)
    ).all()


@bp.route("/<int:project_id>/quality")
@login_required
def page(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    method = request.args.get("method", "dawid_skene")
    if method not in METHODS:
        method = "dawid_skene"
    return render_template(
        "quality/page.html",
        project=project,
        role=role,
        settings=SETTINGS,
        training_items=_items(project.id, "training"),
        control_items=_items(project.id, "control"),
        standing=training.standing(project),
        accuracy=control.overview(project),
        competence=competence_table(project, method),
        methods=METHODS,
        method=method,
        events=audit.events(project.id),
    )


@bp.route("/<int:project_id>/quality/settings", methods=["POST"])
@login_required
def settings(project_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    values = {name: request.form.get(name) for name in SETTINGS if name != "control_pause"}
    values["control_pause"] = request.form.get("control_pause") == "1"
    try:
        changed = update_settings(current_user, project, values)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"Saved ({plural(len(changed), 'setting')} changed).", "success")
    return redirect(url_for("quality.page", project_id=project.id))


@bp.route("/<int:project_id>/quality/purpose", methods=["POST"])
@login_required
def purpose(project_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    external = (request.form.get("external_id") or "").strip()
    document = db.session.execute(
        select(Document).where(Document.project_id == project.id, Document.external_id == external)
    ).scalar_one_or_none()
    try:
        if document is None:
            raise ServiceError(f"No article {external!r} in this project.")
        set_purpose(current_user, project, document, request.form.get("purpose", ""))
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"Article {external!r} is now {document.purpose}.", "success")
    return redirect(url_for("quality.page", project_id=project.id))


@bp.route("/<int:project_id>/quality/members/<int:user_id>/<action>", methods=["POST"])
@login_required
def member_action(project_id: int, user_id: int, action: str):
    project, _ = project_or_abort(project_id, lead=True)
    user = db.session.get(User, user_id)
    if user is None or action not in ("pause", "resume", "qualify"):
        abort(404)
    try:
        if action == "qualify":
            if training.qualify(current_user, project, user):
                unlock_real_work(project.id)
        else:
            control.set_paused(current_user, project, user, action == "pause")
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"{user.username}: {action} done.", "success")
    return redirect(url_for("quality.page", project_id=project.id))


@bp.route("/<int:project_id>/quality/learning-curve.<fmt>")
@login_required
def learning_curve(project_id: int, fmt: str):
    project, _ = project_or_abort(project_id, lead=True)
    if fmt not in FORMATS:
        abort(404)
    response = Response(learning_curve_figure(curves(project), fmt), mimetype=FORMATS[fmt])
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="learning-curve.{fmt}"'
    return response


@bp.route("/<int:project_id>/training")
@login_required
def progress(project_id: int):
    project, role = project_or_abort(project_id)
    attempts = training.attempts(project.id, current_user.id)
    last = attempts[-1] if attempts else None
    titles = dict(
        db.session.execute(
            select(Document.id, Document.title).where(Document.project_id == project.id)
        ).all()
    )
    scores = {}
    if last is not None:
        for item in db.session.execute(
            select(ItemScore).where(ItemScore.attempt_id == last.id)
        ).scalars():
            scores[item.document_id] = item
    return render_template(
        "quality/training.html",
        project=project,
        role=role,
        qualified=training.is_qualified(project.id, current_user.id),
        attempts=attempts,
        last=last,
        titles=titles,
        scores=scores,
        can_retry=last is not None
        and last.passed is False
        and last.number < project.training_attempts,
    )


@bp.route("/<int:project_id>/training/retry", methods=["POST"])
@login_required
def retry(project_id: int):
    project, _ = project_or_abort(project_id)
    try:
        training.retry(current_user, project, clear_work)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("quality.progress", project_id=project.id))
    db.session.commit()
    return redirect(url_for("annotate.next_article", project_id=project.id))


@bp.route("/<int:project_id>/training/<int:document_id>/feedback")
@login_required
def feedback(project_id: int, document_id: int):
    """The trainee's spans beside the gold, after their Done (leads: any annotator's)."""
    project, role = project_or_abort(project_id)
    document = db.session.get(Document, document_id)
    if document is None or document.project_id != project.id or document.purpose != "training":
        abort(404)
    user = current_user
    name = request.args.get("annotator")
    if name and is_lead(role):
        user = db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
        if user is None:
            abort(404)
    item = db.session.execute(
        select(ItemScore)
        .where(ItemScore.user_id == user.id, ItemScore.document_id == document.id)
        .order_by(ItemScore.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if item is None:  # not finished yet: no peeking at the gold
        abort(403, "The feedback opens once you mark the article Done.")
    detail = item.detail
    labels = {
        lb.name: lb
        for lb in db.session.execute(select(Label).where(Label.project_id == project.id)).scalars()
    }
    text = document.text
    sections = guideline_sections(project.guidelines)
    rows = []
    for d in detail["differences"]:
        rows.append(
            {
                **d,
                "gold_text": text[d["gold"]["start"] : d["gold"]["end"]] if d["gold"] else "",
                "own_text": text[d["own"]["start"] : d["own"]["end"]] if d["own"] else "",
                "label": (d["gold"] or d["own"])["label"],
            }
        )
    return render_template(
        "quality/feedback.html",
        project=project,
        role=role,
        document=document,
        trainee=user.username,
        item=item,
        detail=detail,
        rows=rows,
        labels=labels,
        guidelines=sections,
        section_of={name: _section_for(name, sections) for name in labels},
        gold_pieces=_pieces(text, detail["differences"], "gold"),
        own_pieces=_pieces(text, detail["differences"], "own"),
        next_url=url_for("annotate.next_article", project_id=project.id),
    )


def guideline_sections(markdown: str) -> list[tuple[str, str]]:
    """The guidelines cut at their headings: (heading text, sanitised HTML) per section."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in (markdown or "").splitlines():
        if line.lstrip().startswith("#"):
            sections.append((line.lstrip("# ").strip(), [line]))
        else:
            sections[-1][1].append(line)
    return [
        (title, render_guidelines("\n".join(lines)))
        for title, lines in sections
        if title or any(x.strip() for x in lines)
    ]


def _section_for(label: str, sections: list[tuple[str, str]]) -> int | None:
    """The guideline section about a label: the first whose heading names it."""
    for i, (title, _) in enumerate(sections):
        if label.lower() in title.lower():
            return i
    return None


def _pieces(text: str, differences: list[dict], side: str) -> list[tuple[str, str]]:
    """The text cut at the spans of one side: (piece, difference kind or "")."""
    spans = [(d[side]["start"], d[side]["end"], d["kind"]) for d in differences if d[side]]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        kinds = [k for s, e, k in spans if s <= a and b <= e]
        out.append((text[a:b], kinds[0] if kinds else ""))
    return out
