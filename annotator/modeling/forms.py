"""The Model page's settings of the model loop: threshold, active learning, model server."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional


class ModelLoopForm(FlaskForm):
    suggestion_threshold = FloatField(
        "Suggestion threshold (0–1; empty: the model's own, chosen by cross-validation)",
        validators=[Optional(), NumberRange(0, 1)],
    )
    active_learning = BooleanField(
        "Active learning: give each annotator the assigned article the model is least sure of next"
    )
    model_server_url = StringField(
        "External model server (Label Studio ML backend URL; empty: the project's own model)",
        validators=[Optional(), Length(max=500)],
    )
    submit = SubmitField("Save model settings")
