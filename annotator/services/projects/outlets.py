"""A project's outlets: matching imported names, rename, merge, leaning, and story keys.

Names match case- and whitespace-insensitively (``outlet_key``): ``FOX``, ``fox`` and
`` Fox `` are one outlet. A merge keeps the target and adds the source's names as aliases.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlalchemy import func, select, update

from annotator.extensions import db
from annotator.models import Document, Outlet, Project
from annotator.models.outlets import LEANINGS
from annotator.services.errors import ServiceError


def outlet_key(name: str) -> str:
    """The matching form of an outlet name: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def match_outlets(project_id: int, names: Iterable[str]) -> dict[str, int]:
    """Outlet ids for ``names`` (by key or alias), creating an outlet for each new key.

    The caller commits. Empty names get no outlet.
    """
    wanted = {name: outlet_key(name) for name in names if outlet_key(name)}
    if not wanted:
        return {}
    by_key = _keys(project_id)
    for name, key in wanted.items():
        if key not in by_key:
            outlet = Outlet(project_id=project_id, name=" ".join(name.split()), key=key, aliases=[])
            db.session.add(outlet)
            db.session.flush()
            by_key[key] = outlet.id
    return {name: by_key[key] for name, key in wanted.items()}


def _keys(project_id: int) -> dict[str, int]:
    by_key: dict[str, int] = {}
    for outlet_id, key, aliases in db.session.execute(
        select(Outlet.id, Outlet.key, Outlet.aliases).where(Outlet.project_id == project_id)
    ):
        by_key[key] = outlet_id
        for alias in aliases or ():
            by_key.setdefault(alias, outlet_id)
    return by_key


def project_outlets(project_id: int) -> list[dict]:
    """Every outlet with its article count, by name."""
    counts = dict(
        db.session.execute(
            select(Document.outlet_id, func.count())
            .where(Document.project_id == project_id)
            .group_by(Document.outlet_id)
        ).all()
    )
    rows = db.session.scalars(
        select(Outlet).where(Outlet.project_id == project_id).order_by(Outlet.name)
    ).all()
    return [
        {
            "id": o.id,
            "name": o.name,
            "aliases": list(o.aliases or ()),
            "leaning": o.leaning,
            "rating_source": o.rating_source,
            "articles": counts.get(o.id, 0),
        }
        for o in rows
    ]


def get_outlet(project: Project, outlet_id: int) -> Outlet:
    outlet = db.session.get(Outlet, outlet_id)
    if outlet is None or outlet.project_id != project.id:
        raise ServiceError("No such outlet in this project.", status=404)
    return outlet


def update_outlet(
    project: Project,
    outlet_id: int,
    *,
    name: str | None = None,
    leaning: str | None = None,
    rating_source: str | None = None,
) -> Outlet:
    """Rename an outlet (its old key stays an alias) or set its leaning and rating note."""
    outlet = get_outlet(project, outlet_id)
    if name is not None:
        name = " ".join(unicodedata.normalize("NFC", name).split())
        key = outlet_key(name)
        if not key or len(name) > 200:
            raise ServiceError("An outlet name needs 1 to 200 characters.")
        holder = _keys(project.id).get(key)
        if holder not in (None, outlet.id):
            raise ServiceError(f"Another outlet is already called {name!r}; merge them instead.")
        if key != outlet.key:
            outlet.aliases = sorted({*(outlet.aliases or ()), outlet.key} - {key})
            outlet.key = key
        outlet.name = name
    if leaning is not None:
        if leaning not in ("", *LEANINGS):
            raise ServiceError(f"Leaning must be one of {', '.join(LEANINGS)} (or empty).")
        outlet.leaning = leaning
    if rating_source is not None:
        if len(rating_source) > 2000:
            raise ServiceError("The rating source note is limited to 2,000 characters.")
        outlet.rating_source = rating_source.strip()
    return outlet


def merge_outlets(project: Project, source_id: int, target_id: int) -> tuple[Outlet, int]:
    """Move the source's articles to the target, keep its names as aliases, delete it.

    Returns the target and how many articles moved. The caller commits.
    """
    if source_id == target_id:
        raise ServiceError("Choose two different outlets to merge.")
    source, target = get_outlet(project, source_id), get_outlet(project, target_id)
    moved = db.session.execute(
        update(Document)
        .where(Document.project_id == project.id, Document.outlet_id == source.id)
        .values(outlet_id=target.id)
    ).rowcount
    target.aliases = sorted(
        {*(target.aliases or ()), *(source.aliases or ()), source.key} - {target.key}
    )
    if not target.leaning and source.leaning:
        target.leaning, target.rating_source = source.leaning, source.rating_source
    db.session.delete(source)
    db.session.flush()
    return target, moved


def set_stories(project: Project, stories: dict[str, str]) -> int:
    """Set the story key of articles by external id (empty clears). Unknown ids are an error."""
    known = set(
        db.session.scalars(
            select(Document.external_id).where(
                Document.project_id == project.id, Document.external_id.in_(list(stories))
            )
        )
    )
    missing = sorted(set(stories) - known)
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise ServiceError(f"{len(missing)} article ids are not in this project: {shown}")
    for external_id, story in stories.items():
        story = " ".join(story.split())
        if len(story) > 200:
            raise ServiceError(f"Story key of {external_id!r} is longer than 200 characters.")
        db.session.execute(
            update(Document)
            .where(Document.project_id == project.id, Document.external_id == external_id)
            .values(story=story)
        )
    return len(stories)


def article_metadata(project_id: int) -> dict[str, dict[str, str]]:
    """Per article (external id) with a story or a rated outlet: ``story`` and
    ``outlet_leaning``, as exports add them to the article's metadata."""
    out: dict[str, dict[str, str]] = {}
    for external_id, story, leaning in db.session.execute(
        select(Document.external_id, Document.story, Outlet.leaning)
        .outerjoin(Outlet, Outlet.id == Document.outlet_id)
        .where(Document.project_id == project_id)
    ):
        extra = {}
        if story:
            extra["story"] = story
        if leaning:
            extra["outlet_leaning"] = leaning
        if extra:
            out[external_id] = extra
    return out
