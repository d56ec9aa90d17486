"""The user's settings: personal API tokens (created, shown once, revoked)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from annotator.extensions import db
from annotator.projects.forms import ActionForm
from annotator.services.accounts.tokens import create_token, revoke_token, tokens_of
from annotator.services.errors import ServiceError

bp = Blueprint("account", __name__, url_prefix="/settings")


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(1, 80)])
    submit = SubmitField("Create token")


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    new_token = None
    status = 200
    if form.validate_on_submit():
        try:
            _, new_token = create_token(current_user, form.name.data)
        except ServiceError as exc:
            form.name.errors.append(exc.message)
            status = 400
        else:
            db.session.commit()
    elif form.is_submitted():
        status = 400
    return render_template(
        "account/tokens.html",
        form=form,
        new_token=new_token,
        tokens=tokens_of(current_user),
        action=ActionForm(),
    ), status


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    if not ActionForm().validate_on_submit():
        abort(400, "The form was out of date; please try again.")
    revoke_token(current_user, token_id)
    db.session.commit()
    flash("Token revoked.", "success")
    return redirect(url_for("account.tokens"))
