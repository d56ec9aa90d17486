"""Creating projects from presets and editing their members, labels and questions."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from annotator.extensions import db
from annotator.models import Assignment, DocumentQuestion, Label, Membership, Project, Span, User
from annotator.models.projects import ROLES
from annotator.services.errors import NotFound, ServiceError
from annotator.services.projects.guideline_versions import record_current, save_guidelines
from annotator.services.projects.presets import PRESETS
from annotator.services.projects.schema import validate_attributes, validate_label_fields


def get_project(name_or_id: str | int) -> Project:
    """Find a project by id or name (the CLI accepts either)."""
    project = None
    text = str(name_or_id)
    if isinstance(name_or_id, int) or (text.isascii() and text.isdigit() and len(text) < 10):
        project = db.session.get(Project, int(text))
    if project is None:
        project = db.session.execute(
            select(Project).where(Project.name == str(name_or_id))
        ).scalar_one_or_none()
    if project is None:
        raise NotFound(f"No project {name_or_id!r}.")
    return project


def create_project(
    name: str,
    *,
    preset: str = "media-bias",
    lead: User | None = None,
    description: str | None = None,
    per_doc: int = 2,
) -> Project:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ServiceError("A project needs a name of 1-120 characters.")
    if preset not in PRESETS:
        raise ServiceError(f"Unknown preset {preset!r}; choose one of {', '.join(PRESETS)}.")
    if db.session.execute(select(Project.id).where(Project.name == name)).first():
        raise ServiceError(f"A project named {name!r} already exists.")
    spec = PRESETS[preset]
    project = Project(
        name=name,
        description=spec["description"] if description is None else description,
        guidelines=spec["guidelines"],
        per_doc=per_doc,
    )
    for order, label in enumerate(spec["labels"]):
        project.labels.append(Label(order=order, **_copy(label)))
    for order, question in enumerate(spec["questions"]):
        project.questions.append(DocumentQuestion(order=order, **_copy(question)))
    db.session.add(project)
    db.session.flush()
    if lead is not None:
        add_member(project, lead, "lead")
    record_current(project, lead)  # version 1
    return project


def _copy(spec: dict) -> dict:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in spec.items()}


def add_member(project: Project, user: User, role: str) -> Membership:
    """Add the user, or change their role if they already belong."""
    if role not in ROLES:
        raise ServiceError(f"Role must be one of {', '.join(ROLES)}.")
    member = db.session.execute(
        select(Membership).where(Membership.project_id == project.id, Membership.user_id == user.id)
    ).scalar_one_or_none()
    if member is None:
        member = Membership(project_id=project.id, user_id=user.id, role=role)
        db.session.add(member)
    else:
        member.role = role
    db.session.flush()
    if role == "annotator":
        from annotator.services.quality.training import sync_training

        sync_training(project)  # a project with a training set: the newcomer trains first
    return member


def remove_member(project: Project, user: User) -> None:
    """Remove a member; their unstarted assignments go, started work stays."""
    db.session.execute(
        delete(Membership).where(Membership.project_id == project.id, Membership.user_id == user.id)
    )
    db.session.execute(
        delete(Assignment).where(
            Assignment.project_id == project.id,
            Assignment.user_id == user.id,
            Assignment.status == "todo",
        )
    )
    db.session.flush()


def members(project: Project) -> list[tuple[User, str]]:
    rows = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project.id)
        .order_by(Membership.role, User.username)
    )
    return [(u, r) for u, r in rows]


def annotators(project: Project) -> list[User]:
    return [u for u, role in members(project) if role == "annotator" and u.active]


def save_label(
    project: Project,
    *,
    name: str,
    color: str,
    shortcut: str = "",
    description: str = "",
    attributes: list[dict] | None = None,
    label: Label | None = None,
) -> Label:
    """Create a label, or update ``label``; names and shortcuts are unique in a project."""
    name = (name or "").strip()
    shortcut = (shortcut or "").strip()
    validate_label_fields(name, color, shortcut)
    attributes = validate_attributes(attributes or [])
    for other in project.labels:
        if other is label:
            continue
        if other.name == name:
            raise ServiceError(f"The project already has a label named {name!r}.")
        if shortcut and other.shortcut == shortcut:
            raise ServiceError(f"Shortcut {shortcut!r} is already used by {other.name!r}.")
    if label is None:
        label = Label(project_id=project.id, order=len(project.labels))
        project.labels.append(label)
    label.name, label.color, label.shortcut = name, color.lower(), shortcut
    label.description, label.attributes = description or "", attributes
    db.session.flush()
    return label


def delete_label(label: Label) -> None:
    used = db.session.execute(
        select(func.count(Span.id)).where(Span.label_id == label.id)
    ).scalar_one()
    if used:
        raise ServiceError(f"Label {label.name!r} is used by {used} spans and cannot be deleted.")
    db.session.delete(label)
    db.session.flush()


def save_question(
    project: Project,
    *,
    name: str,
    text: str,
    kind: str,
    scale: int = 5,
    options: list[str] | None = None,
    required: bool = False,
) -> DocumentQuestion:
    name, text, options = (name or "").strip(), (text or "").strip(), options or []
    if not name or len(name) > 80:
        raise ServiceError("A question needs a short name (1-80 characters).")
    if not text:
        raise ServiceError("A question needs its text.")
    if kind not in ("likert", "choice"):
        raise ServiceError("Question kind must be likert or choice.")
    if kind == "likert" and not 2 <= scale <= 10:
        raise ServiceError("A Likert scale has 2 to 10 points.")
    if kind == "choice" and len(options) < 2:
        raise ServiceError("A choice question needs at least two options.")
    if any(q.name == name for q in project.questions):
        raise ServiceError(f"The project already has a question named {name!r}.")
    question = DocumentQuestion(
        name=name,
        text=text,
        kind=kind,
        scale=scale,
        options=options if kind == "choice" else [],
        order=len(project.questions),
        required=bool(required),
    )
    project.questions.append(question)
    db.session.flush()
    return question


def name_taken(name: str, project_id: int | None = None) -> bool:
    """Whether a project other than ``project_id`` is named ``name``."""
    query = select(Project.id).where(Project.name == name)
    if project_id is not None:
        query = query.where(Project.id != project_id)
    return db.session.execute(query).first() is not None


def update_guidelines(project: Project, guidelines: str, author: User | None = None) -> bool:
    """Store new guidelines; the version goes up whenever the text changes, and every
    version's text is kept (``guideline_versions``). True when a new version was made."""
    return save_guidelines(project, guidelines, author)
