"""Project pages: create, overview, settings, import, assignment and the article list."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from annotator.extensions import db
from annotator.projects.forms import ActionForm, ImportForm, NewProjectForm, ProjectForm
from annotator.services.errors import ServiceError
from annotator.services.projects import progress as progress_service
from annotator.services.projects.access import can_create_projects, is_lead
from annotator.services.projects.articles import (
    ArticleFilter,
    apply_assignment,
    article_page,
    plan_assignment,
)
from annotator.services.projects.assigning import assign
from annotator.services.projects.guidelines import render_guidelines
from annotator.services.projects.projects import (
    create_project,
    members,
    name_taken,
    update_guidelines,
)
from annotator.services.transfer.importing import import_files
from annotator.viewhelpers import project_or_abort
from annotator.wording import plural

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_create_projects(current_user):
        abort(403, "Only site admins and project leads can create projects.")
    form = NewProjectForm()
    if form.validate_on_submit():
        try:
            project = create_project(form.name.data, preset=form.preset.data, lead=current_user)
        except ServiceError as exc:
            form.name.errors.append(exc.message)
        else:
            db.session.commit()
            return redirect(url_for("projects.overview", project_id=project.id))
    status = 400 if form.is_submitted() else 200
    return render_template("projects/new.html", form=form), status


@bp.route("/<int:project_id>")
@login_required
def overview(project_id: int):
    project, role = project_or_abort(project_id)
    mine = progress_service.progress_for_user(current_user, [project.id])[project.id]
    lead_view = is_lead(role)
    return render_template(
        "projects/overview.html",
        project=project,
        role=role,
        mine=mine,
        members=members(project) if lead_view else [],
        annotators=progress_service.annotator_progress(project.id) if lead_view else [],
        counts=progress_service.document_counts(project.id),
        action=ActionForm(),
    )


@bp.route("/<int:project_id>/settings", methods=["GET", "POST"])
@login_required
def settings(project_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    form = ProjectForm(obj=project)
    if form.validate_on_submit():
        guidelines = form.guidelines.data or ""
        form.guidelines.data = project.guidelines  # populate_obj must not bypass the version
        form.populate_obj(project)
        form.guidelines.data = guidelines  # shown again if the save fails
        try:
            update_guidelines(project, guidelines, current_user)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if name_taken(form.name.data, project.id):
                form.name.errors.append("Another project already has this name.")
            else:  # two saves made the same new version: this one came second
                form.guidelines.errors.append(
                    "Someone saved the guidelines meanwhile; reload the page and try again."
                )
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("projects.settings", project_id=project.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "projects/settings.html",
        project=project,
        form=form,
        preview_html=render_guidelines(form.guidelines.data or ""),
    ), status


@bp.route("/<int:project_id>/import", methods=["GET", "POST"])
@login_required
def import_articles(project_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    form = ImportForm()
    status = 200
    if form.validate_on_submit():
        uploads = [u for u in form.file.data if u and u.filename]
        try:
            # One batch, all or nothing: a bad record in any file imports none of them.
            report = import_files(
                project,
                [(u.filename or f"upload-{i}.txt", u.read()) for i, u in enumerate(uploads, 1)],
                max_chars=current_app.config["IMPORT_MAX_TEXT_CHARS"],
                max_records=current_app.config["IMPORT_MAX_RECORDS"],
            )
        except ServiceError as exc:
            db.session.rollback()
            message = f"Nothing was imported. {exc.message}"
            if len(uploads) > 1:
                message += f" None of the {len(uploads)} files of this batch was imported."
            flash(message, "error")
            status = 400
        else:
            db.session.commit()
            flash(report.summary(), "success")
            if len(report.by_file) > 1:
                for name, (imported, duplicates) in report.by_file.items():
                    flash(
                        f"{name}: {plural(imported, 'article')} imported, "
                        f"{plural(duplicates, 'duplicate')} skipped.",
                        "info",
                    )
            return redirect(url_for("projects.documents", project_id=project.id))
    elif form.is_submitted():
        status = 400
    return render_template("projects/import.html", project=project, form=form), status


@bp.route("/<int:project_id>/assign", methods=["POST"])
@login_required
def run_assignment(project_id: int):
    project, _ = project_or_abort(project_id, lead=True)
    if not ActionForm().validate_on_submit():
        abort(400, "The form was out of date; please try again.")
    try:
        report = assign(project)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(report.summary(), "success")
    return redirect(url_for("projects.overview", project_id=project.id))


@bp.route("/<int:project_id>/documents")
@login_required
def documents(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    try:
        filters = ArticleFilter.from_args(request.args)
    except ServiceError as exc:
        abort(400, exc.message)
    page = article_page(project, filters)
    return render_template(
        "projects/documents.html", project=project, role=role, page=page, action=ActionForm()
    )


@bp.route("/<int:project_id>/documents/assign", methods=["POST"])
@login_required
def assign_selected(project_id: int):
    """Assign, un-assign or re-assign the selected articles; started work needs a confirm."""
    project, role = project_or_abort(project_id, lead=True)
    if not ActionForm().validate_on_submit():
        abort(400, "The form was out of date; please try again.")
    form = request.form
    back = form.get("back") or url_for("projects.documents", project_id=project.id)
    if not back.startswith(f"/projects/{project.id}/documents"):
        back = url_for("projects.documents", project_id=project.id)
    try:
        ids = [int(d) for d in form.getlist("doc")]
    except ValueError:
        abort(400, "Article ids must be whole numbers.")
    try:
        plan = plan_assignment(
            project, ids, form.get("action", ""), form.get("from_user", ""), form.get("to_user", "")
        )
        if plan.needs_confirm and form.get("confirm") != "yes":
            return render_template(
                "projects/assign_confirm.html",
                project=project,
                role=role,
                plan=plan,
                form=form,
                back=back,
                action=ActionForm(),
            )
        apply_assignment(project, plan, confirmed=form.get("confirm") == "yes")
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.session.commit()
    flash(plan.summary(), "success")
    return redirect(back)
