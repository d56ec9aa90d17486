"""Personal API tokens: shown once, stored as SHA-256, read-only, revocable."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import ApiToken, User
from annotator.models.base import utcnow
from annotator.services.errors import NotFound, ServiceError

PREFIX = "ann_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ServiceError("Give the token a name of 1-80 characters.")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(raw))
    db.session.add(token)
    db.session.flush()
    return token, raw


def revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    token.revoked = True


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.execute(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        ).scalars()
    )


def user_for_token(raw: str) -> User | None:
    """The active owner of a valid, unrevoked token (and note its use)."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == _digest(raw))
    ).scalar_one_or_none()
    if token is None or token.revoked or not token.user.active:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token.user
