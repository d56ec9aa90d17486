"""Marking gold articles as training or control items, and the project's quality settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Document, GoldAnswer, GoldSpan, Project, User
from annotator.models.quality import PURPOSES
from annotator.services.errors import ServiceError
from annotator.services.quality import audit
from annotator.services.quality.training import sync_training

SETTINGS = {
    # name: (type, low, high)
    "training_pass": (float, 0.0, 1.0),
    "training_attempts": (int, 1, 100),
    "control_every": (int, 0, 1000),
    "control_min_accuracy": (float, 0.0, 1.0),
    "control_min_items": (int, 1, 1000),
    "control_pause": (bool, None, None),
}


def has_gold(document_id: int) -> bool:
    spans = db.session.execute(
        select(func.count(GoldSpan.id)).where(GoldSpan.document_id == document_id)
    ).scalar_one()
    answers = db.session.execute(
        select(func.count(GoldAnswer.id)).where(GoldAnswer.document_id == document_id)
    ).scalar_one()
    return bool(spans or answers)


def set_purpose(actor: User | None, project: Project, document: Document, purpose: str) -> None:
    """Make an article a training or control item (it needs gold), or real work again."""
    if purpose not in PURPOSES:
        raise ServiceError(f"'purpose' must be one of {', '.join(PURPOSES)}.")
    if document.project_id != project.id:
        raise ServiceError("That article is not in this project.")
    if purpose != "work" and not has_gold(document.id):
        raise ServiceError(
            f"Article {document.external_id!r} has no gold spans or answers: curate it first; "
            "training and control items are scored against gold."
        )
    if document.purpose == purpose:
        return
    before, document.purpose = document.purpose, purpose
    audit.record(
        project.id,
        "purpose",
        actor_id=actor.id if actor else None,
        document=document.external_id,
        before=before,
        after=purpose,
    )
    db.session.flush()
    if purpose == "training":
        sync_training(project)


def update_settings(actor: User | None, project: Project, values: dict[str, Any]) -> dict:
    """Validate and store quality settings; returns what changed (audited)."""
    changed: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in SETTINGS:
            raise ServiceError(f"Unknown setting {name!r}; choose from {', '.join(SETTINGS)}.")
        kind, low, high = SETTINGS[name]
        value = _coerce(name, raw, kind, low, high)
        if getattr(project, name) != value:
            changed[name] = {"before": getattr(project, name), "after": value}
            setattr(project, name, value)
    if changed:
        audit.record(project.id, "settings", actor_id=actor.id if actor else None, **changed)
        db.session.flush()
    return changed


def _coerce(name, raw, kind, low, high):
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if raw in ("1", "true", "on", "yes"):
            return True
        if raw in ("0", "false", "off", "no", "", None):
            return False
        raise ServiceError(f"{name!r} must be true or false.")
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = kind(raw)
    except (TypeError, ValueError):
        raise ServiceError(f"{name!r} must be a number from {low} to {high}.") from None
    if kind is float and value != value or not low <= value <= high:
        raise ServiceError(f"{name!r} must be a number from {low} to {high}.")
    return value


def purpose_of(document_id: int) -> str:
    return db.session.execute(
        select(Document.purpose).where(Document.id == document_id)
    ).scalar_one()
