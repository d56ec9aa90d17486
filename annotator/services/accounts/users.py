"""Creating and finding accounts."""

from __future__ import annotations

import re

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import User
from annotator.services.errors import NotFound, ServiceError

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,80}$")
MIN_PASSWORD = 8


def validate_username(username: str) -> str:
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ServiceError("User names are 2-80 characters of letters, digits, '.', '_' or '-'.")
    return username


def create_user(username: str, password: str, *, admin: bool = False, active: bool = True) -> User:
    username = validate_username(username)
    if len(password or "") < MIN_PASSWORD:
        raise ServiceError(f"Passwords need at least {MIN_PASSWORD} characters.")
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise ServiceError(f"User {username!r} already exists.")
    user = User(username=username, is_admin=admin, active=active)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def get_user(username: str) -> User:
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"No user named {username!r}.")
    return user
