"""Who may do what in a project. Site admins act as leads everywhere."""

from __future__ import annotations

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Membership, Project, User
from annotator.services.errors import Forbidden, NotFound


def project_role(user: User | None, project_id: int) -> str | None:
    """'admin', 'lead', 'annotator' or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_admin:
        return "admin"
    return db.session.execute(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.project_id == project_id
        )
    ).scalar_one_or_none()


def load_project(user: User, project_id: int, *, lead: bool = False) -> tuple[Project, str]:
    """The project and the user's role; NotFound / Forbidden otherwise.

    A non-member gets the same NotFound as for a missing project, so ids cannot be probed."""
    project = db.session.get(Project, project_id)
    role = project_role(user, project_id) if project is not None else None
    if project is None or role is None:
        raise NotFound("No such project.")
    if lead and role not in ("lead", "admin"):
        raise Forbidden("Only the project's leads can do this.")
    return project, role


def is_lead(role: str | None) -> bool:
    return role in ("lead", "admin")


def can_create_projects(user: User) -> bool:
    if user.is_admin:
        return True
    return (
        db.session.execute(
            select(Membership.id).where(Membership.user_id == user.id, Membership.role == "lead")
        ).first()
        is not None
    )


def visible_projects(user: User) -> list[tuple[Project, str]]:
    """Projects the user belongs to (all of them for admins), with the role."""
    if user.is_admin:
        rows = db.session.execute(select(Project).order_by(Project.name)).scalars()
        return [(p, "admin") for p in rows]
    rows = db.session.execute(
        select(Project, Membership.role)
        .join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id)
        .order_by(Project.name)
    )
    return [(p, role) for p, role in rows]
