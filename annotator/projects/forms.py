"""Forms for project settings, labels, questions, members and uploads."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from annotator.services.projects.presets import PRESETS


class NewProjectForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(1, 120)])
    preset = SelectField("Start from", choices=list(PRESETS), default="media-bias")
    submit = SubmitField("Create project")


class ProjectForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(1, 120)])
    description = TextAreaField("Description", validators=[Length(max=5000)])
    guidelines = TextAreaField("Guidelines (Markdown)", validators=[Length(max=100_000)])
    per_doc = IntegerField(
        "Annotators per article (k)", validators=[InputRequired(), NumberRange(1, 50)]
    )
    blind = BooleanField("Blind: annotators see only their own spans")
    snap_to_words = BooleanField("Snap selections to whole words")
    hide_outlet = BooleanField("Hide outlet, author and date from annotators")
    suggestions = BooleanField("Show the latest model's suggestions on the annotate page")
    suggestions_in_blind = BooleanField("…even though the project is blind")
    submit = SubmitField("Save")


class LabelForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(1, 40)])
    color = StringField(
        "Colour",
        default="#fde047",
        validators=[
            DataRequired(),
            Regexp(r"^#[0-9a-fA-F]{6}$", message="Write colours as #rrggbb."),
        ],
    )
    shortcut = StringField("Shortcut key", validators=[Optional(), Length(max=1)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
    attributes = TextAreaField(
        "Attributes (one per line: 'name: choice = A | B', 'name: text', 'name: boolean', "
        "'name: link')",
        validators=[Length(max=20_000)],
    )
    submit = SubmitField("Save label")


class QuestionForm(FlaskForm):
    name = StringField("Short name", validators=[DataRequired(), Length(1, 80)])
    text = StringField("Question", validators=[DataRequired(), Length(1, 500)])
    kind = SelectField(
        "Kind", choices=[("likert", "Likert scale 1..N"), ("choice", "Single choice")]
    )
    scale = IntegerField(
        "Scale points (Likert)", default=5, validators=[Optional(), NumberRange(2, 10)]
    )
    options = StringField("Options (choice; separate with |)", validators=[Length(max=2000)])
    required = BooleanField("Required (Done is refused until it is answered)")
    submit = SubmitField("Add question")


class MemberForm(FlaskForm):
    username = StringField("User name", validators=[DataRequired(), Length(1, 80)])
    role = SelectField("Role", choices=["annotator", "lead"])
    submit = SubmitField("Add member")


class ImportForm(FlaskForm):
    file = MultipleFileField(
        "Article files (.txt, .jsonl, .csv or .zip; select several at once)",
        validators=[FileRequired()],
    )
    submit = SubmitField("Import")


class ActionForm(FlaskForm):
    """An empty form: only the CSRF token, for POST buttons."""
