"""Project schema pages for leads: labels, article-level questions and members."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from annotator.extensions import db
from annotator.models import DocumentQuestion, Label, User
from annotator.projects.forms import ActionForm, LabelForm, MemberForm, QuestionForm
from annotator.projects.routes import bp
from annotator.services.accounts.users import get_user
from annotator.services.errors import ServiceError
from annotator.services.projects.projects import (
    add_member,
    delete_label,
    members,
    remove_member,
    save_label,
    save_question,
)
from annotator.services.projects.schema import format_attributes, parse_attributes
from annotator.viewhelpers import project_or_abort
from annotator.wording import with_article


def _label_or_404(project, label_id: int) -> Label:
    label = db.session.get(Label, label_id)
    if label is None or label.project_id != project.id:
        abort(404, "No such label.")
    return label


@bp.route("/<int:project_id>/labels", methods=["GET", "POST"])
@bp.route("/<int:project_id>/labels/<int:label_id>", methods=["GET", "POST"])
@login_required
def labels(project_id: int, label_id: int | None = None):
    project, _ = project_or_abort(project_id, lead=True)
    label = _label_or_404(project, label_id) if label_id else None
    form = LabelForm(obj=label)
    if label is not None and not form.is_submitted():
        form.attributes.data = format_attributes(label.attributes)
    status = 200
    if form.validate_on_submit():
        try:
            save_label(
                project,
                name=form.name.data,
                color=form.color.data,
                shortcut=form.shortcut.data or "",
                description=form.description.data,
                attributes=parse_attributes(form.attributes.data),
                label=label,
            )
        except ServiceError as exc:
            db.session.rollback()
            form.name.errors.append(exc.message)
            status = 400
        else:
            db.session.commit()
            flash("Label saved.", "success")
            return redirect(url_for("projects.labels", project_id=project.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "projects/labels.html",
        project=project,
        form=form,
        label=label,
        question_form=QuestionForm(prefix="q"),
        action=ActionForm(),
    ), status


@bp.route("/<int:project_id>/labels/<int:label_id>/delete", methods=["POST"])
@login_required
def delete_label_view(project_id: int, label_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    label = _label_or_404(project, label_id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form was out of date; please try again.")
    try:
        delete_label(label)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash("Label deleted.", "success")
    return redirect(url_for("projects.labels", project_id=project.id))


@bp.route("/<int:project_id>/questions", methods=["POST"])
@login_required
def add_question(project_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    form = QuestionForm(prefix="q")
    if form.validate_on_submit():
        options = [o.strip() for o in (form.options.data or "").split("|") if o.strip()]
        try:
            save_question(
                project,
                name=form.name.data,
                text=form.text.data,
                kind=form.kind.data,
                scale=form.scale.data or 5,
                options=options,
                required=form.required.data,
            )
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash("Question added.", "success")
    else:
        flash("; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items()), "error")
    return redirect(url_for("projects.labels", project_id=project.id))


@bp.route("/<int:project_id>/questions/<int:question_id>/required", methods=["POST"])
@login_required
def toggle_required(project_id: int, question_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired; reload the page.")
    question = db.session.get(DocumentQuestion, question_id)
    if question is None or question.project_id != project.id:
        abort(404, "No such question.")
    question.required = not question.required
    db.session.commit()
    flash(f"{question.name!r} is {'required' if question.required else 'optional'} now.", "success")
    return redirect(url_for("projects.labels", project_id=project.id))


@bp.route("/<int:project_id>/questions/<int:question_id>/delete", methods=["POST"])
@login_required
def delete_question(project_id: int, question_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    question = db.session.get(DocumentQuestion, question_id)
    if question is None or question.project_id != project.id:
        abort(404, "No such question.")
    if not ActionForm().validate_on_submit():
        abort(400, "The form was out of date; please try again.")
    db.session.delete(question)
    db.session.commit()
    flash("Question deleted.", "success")
    return redirect(url_for("projects.labels", project_id=project.id))


@bp.route("/<int:project_id>/members", methods=["GET", "POST"])
@login_required
def members_view(project_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    form = MemberForm()
    status = 200
    if form.validate_on_submit():
        try:
            add_member(project, get_user(form.username.data.strip()), form.role.data)
        except ServiceError as exc:
            db.session.rollback()
            form.username.errors.append(exc.message)
            status = 400
        else:
            db.session.commit()
            flash(f"{form.username.data} is now {with_article(form.role.data)}.", "success")
            return redirect(url_for("projects.members_view", project_id=project.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "projects/members.html",
        project=project,
        form=form,
        members=members(project),
        action=ActionForm(),
    ), status


@bp.route("/<int:project_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member_view(project_id: int, user_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404, "No such user.")
    if not ActionForm().validate_on_submit():
        abort(400, "The form was out of date; please try again.")
    remove_member(project, user)
    db.session.commit()
    flash(f"Removed {user.username}; their started work is kept.", "success")
    return redirect(url_for("projects.members_view", project_id=project.id))
