"""The logged-in user as each request loads it: one Core query for the columns that every
access check reads (id, name, admin flag, active flag) and the user's session generation.

A session is only valid while the generation it was opened in (``session["_gen"]``, written at
login) is the user's current one: logout, a new password and an admin's "sign out everywhere"
raise it, so a copied cookie stops working at once — on the same query, at no extra cost.

Anything else a view asks for (a relationship, ``check_password``) is answered by the ORM row,
loaded on first use, so a ``SessionUser`` can stand wherever a ``User`` is read.

For the annotate calls (reading an article, creating a span) the same statement also brings
the article's context (``document_context.with_context``): one round trip fewer on those.
"""

from __future__ import annotations

from functools import cache

from flask import session
from flask_login import UserMixin
from sqlalchemy import bindparam, select, update

from annotator.extensions import db
from annotator.models import User
from annotator.services.annotation.document_context import (
    keep_prefetched,
    prefetch_document_id,
    with_context,
)
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
    return select(
        User.id, User.username, User.is_admin, User.active, User.session_generation
    ).where(User.id == bindparam("id"))


GENERATION_KEY = "_gen"


def start_session(user) -> None:
    """Bind the (freshly logged-in) session to the user's current generation."""
    session[GENERATION_KEY] = user.session_generation


def end_sessions(user_id: int) -> None:
    """End every session of the user (not committed)."""
    db.session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_generation=User.session_generation + 1)
    )


def load_session_user(user_id: str) -> SessionUser | None:
    """Flask-Login's user loader: the id stored in the session cookie, or None."""
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 10:
        return None
    uid = int(user_id)
    document_id = prefetch_document_id()
    if document_id is None:
        row = read_connection().execute(_statement(), {"id": uid}).first()
    else:  # an annotate call: the article's context comes in the same statement
        params = {"id": uid, "uid": uid, "document_id": document_id}
        row = read_connection().execute(with_context(_statement()), params).first()
    if row is None or session.get(GENERATION_KEY) != row[4]:
        return None  # unknown user, or a session that was ended
    if document_id is not None:
        keep_prefetched(uid, document_id, row[5:])
    return SessionUser(*row[:4])
