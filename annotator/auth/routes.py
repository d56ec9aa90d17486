"""Log in and out, self-registration (off by default), and user management for admins."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from annotator.auth import throttle
from annotator.auth.forms import CreateUserForm, LoginForm, RegisterForm
from annotator.auth.session_user import end_sessions, start_session
from annotator.extensions import db, limiter
from annotator.models import User
from annotator.services.accounts.users import create_user
from annotator.services.errors import ServiceError

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed(response) -> bool:
    return response.status_code == 401


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit,
    methods=["POST"],
    deduct_when=_failed,  # only failures count: a lab behind one NAT can still log in
    error_message="Too many login attempts.",
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        name = form.username.data.strip()
        throttle.wait_before_check(name)  # per account: slower, never locked
        user = db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
        if user is None:  # spend the same time as a wrong password: no user enumeration
            check_password_hash(_dummy_hash(), form.password.data)
        if user is None or not user.active or not user.check_password(form.password.data):
            throttle.record_failure(name)
            flash("Unknown user name or wrong password.", "error")
            return render_template("auth/login.html", form=form), 401
        throttle.record_success(name)
        _log_in(user)
        return redirect(_safe_next(request.args.get("next", "")) or url_for("home.index"))
    return render_template("auth/login.html", form=form)


def _log_in(user) -> None:
    """A new session: nothing of the anonymous one survives (its CSRF secret included), and it
    is bound to the user's session generation."""
    session.clear()
    login_user(user)
    start_session(user)


@functools.cache
def _dummy_hash() -> str:
    from annotator.models.users import PASSWORD_METHOD

    return generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)


def _safe_next(target: str) -> str | None:
    """A same-site path, or None: browsers read '/\\host' and '/<tab>/host' as '//host'."""
    if not target.startswith("/") or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends this session and every other of the user's (a copied cookie included)."""
    if current_user.is_authenticated:
        end_sessions(current_user.id)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if not current_app.config["ALLOW_REGISTRATION"]:
        abort(404)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.username.data, form.password.data)
        except ServiceError as exc:
            form.username.errors.append(exc.message)
        else:
            db.session.commit()
            _log_in(user)
            return redirect(url_for("home.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/users", methods=["GET", "POST"])
@login_required
def users():
    if not current_user.is_admin:
        abort(403)
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            create_user(form.username.data, form.password.data, admin=form.admin.data)
        except ServiceError as exc:
            form.username.errors.append(exc.message)
        else:
            db.session.commit()
            flash(f"Created user {form.username.data}.", "success")
            return redirect(url_for("auth.users"))
    all_users = db.session.execute(select(User).order_by(User.username)).scalars().all()
    status = 400 if form.is_submitted() else 200
    return render_template("auth/users.html", form=form, users=all_users), status


@bp.post("/users/<int:user_id>/sign-out")
@login_required
def sign_out_everywhere(user_id: int):
    """An admin ends every session of a user (a lost laptop, a leaked cookie)."""
    if not current_user.is_admin:
        abort(403)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    end_sessions(user.id)
    db.session.commit()
    flash(f"Signed {user.username} out everywhere.", "success")
    return redirect(url_for("auth.users"))
