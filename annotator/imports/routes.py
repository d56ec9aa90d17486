"""Import annotations page: the same formats, options and all-or-nothing report as
``annotator import-annotations``, as a CSRF-protected upload."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from annotator.extensions import db
from annotator.navigation import add_project_link
from annotator.services.errors import ServiceError
from annotator.services.transfer.annotation_import import OFFSETS, import_uploads
from annotator.viewhelpers import project_or_abort

bp = Blueprint("imports", __name__, url_prefix="/projects")
add_project_link("imports.page", "Import annotations")

FORMAT_CHOICES = [
    ("doccano", "doccano JSONL (plain or with relations), or a zip of per-annotator files"),
    ("labelstudio", "Label Studio JSON export (full JSON or JSON_MIN)"),
    ("brat", "brat standoff: a zip of .txt/.ann pairs (folders per annotator allowed)"),
    ("ptc", "SemEval-2020 Task 11 PTC: a zip of the labels file and the articles folder"),
    ("jsonl", "this tool's JSONL export (with gold)"),
]


class AnnotationImportForm(FlaskForm):
    files = MultipleFileField("Files", validators=[FileRequired()])
    format = SelectField("Format", choices=FORMAT_CHOICES)
    annotator = StringField(
        "Annotator (brat/doccano; default: from the file name)",
        validators=[Optional(), Length(max=80)],
    )
    as_gold = BooleanField("Import the file's spans and answers as the project's gold")
    offsets = SelectField(
        "Offsets count",
        choices=[
            (o, "UTF-16 code units (JavaScript)" if o == "utf16" else "code points")
            for o in OFFSETS
        ],  # fmt: skip
    )
    submit = SubmitField("Import")


@bp.route("/<int:project_id>/import-annotations", methods=["GET", "POST"])
@login_required
def page(project_id: int):
    project, role = project_or_abort(project_id, lead=True)
    form = AnnotationImportForm()
    status, report, error = 200, None, None
    if form.validate_on_submit():
        uploads = [(f.filename or "upload", f.read()) for f in form.files.data if f]
        try:
            report = import_uploads(
                project,
                form.format.data,
                uploads,
                annotator=form.annotator.data or None,
                as_gold=form.as_gold.data,
                offsets=form.offsets.data,
            )
        except ServiceError as exc:
            db.session.rollback()
            error, status = exc.message, 400
        else:
            db.session.commit()
    elif form.is_submitted():
        status = 400
    return render_template(
        "imports/page.html", project=project, role=role, form=form, report=report, error=error
    ), status
