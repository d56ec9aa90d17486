"""The logged-in user as each request loads it: one Core query for the columns that every
access check reads (id, name, admin flag, active flag).

Anything else a view asks for (a relationship, ``check_password``) is answered by the ORM row,
loaded on first use, so a ``SessionUser`` can stand wherever a ``User`` is read.
"""

from __future__ import annotations

from functools import cache

from flask_login import UserMixin
from sqlalchemy import bindparam, select

from annotator.extensions import db
from annotator.models import User
from annotator.services.annotation.read_connection import read_connection


class SessionUser(UserMixin):
    def __init__(self, id: int, username: str, is_admin: bool, active: bool):
        self.id, self.username, self.is_admin, self.active = id, username, is_admin, active

    @property
    def is_active(self) -> bool:
        return self.active

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(db.session.get(User, self.id), name)

    def __repr__(self) -> str:
        return f"<SessionUser {self.username}>"


@cache
def _statement():
    return select(User.id, User.username, User.is_admin, User.active).where(
        User.id == bindparam("id")
    )


def load_session_user(user_id: str) -> SessionUser | None:
    """Flask-Login's user loader: the id stored in the session cookie, or None."""
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 10:
        return None
    row = read_connection().execute(_statement(), {"id": int(user_id)}).first()
    return SessionUser(*row) if row is not None else None
