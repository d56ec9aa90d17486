"""The lead's article list: search, filters, paging, and manual (re)assignment.

Filters (all optional, combined with AND):

- ``q``: a case-insensitive substring of the title or the text;
- ``outlet``: the outlet name exactly;
- ``status``: ``unassigned`` (no assignment at all), or an assignment status (``todo``,
  ``in_progress``, ``done``, ``skipped``) that at least one of the article's annotators has;
- ``annotator``: a user name the article is assigned to;
- ``disagreement``: at least two annotators marked the article done and one of them has a
  span (label, start, end) the other has not.

Paging is by offset over the article id (the primary key), so one page costs an index scan
of the page plus a ``count`` of the filtered rows whatever the project size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, delete, exists, func, insert, or_, select
from sqlalchemy.orm import aliased

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Document,
    DocumentAnswer,
    Membership,
    Outlet,
    Project,
    Span,
    User,
)
from annotator.models.documents import ASSIGNMENT_STATUSES
from annotator.services.errors import ServiceError
from annotator.wording import plural

STATUSES = ("unassigned", *ASSIGNMENT_STATUSES)
PER_PAGE = 50
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class ArticleFilter:
    q: str = ""
    outlet: str = ""
    status: str = ""
    annotator: str = ""
    disagreement: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args) -> ArticleFilter:
        def number(name: str, default: int, high: int) -> int:
            raw = (args.get(name) or "").strip()
            if not raw:
                return default
            if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= high:
                raise ServiceError(f"'{name}' must be a whole number from 1 to {high:,}.")
            return int(raw)

        status = (args.get("status") or "").strip()
        if status and status not in STATUSES:
            raise ServiceError(f"'status' must be one of {', '.join(STATUSES)}.")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            outlet=(args.get("outlet") or "").strip(),
            status=status,
            annotator=(args.get("annotator") or "").strip(),
            disagreement=args.get("disagreement") in ("1", "on", "true"),
            page=number("page", 1, 10**7),
            per_page=number("per_page", PER_PAGE, MAX_PER_PAGE),
        )

    def args(self, **changes) -> dict:
        """Query arguments for a link to this list (another page, say): defaults left out."""
        values = {
            "q": self.q,
            "outlet": self.outlet,
            "status": self.status,
            "annotator": self.annotator,
            "disagreement": "1" if self.disagreement else "",
            "page": self.page if self.page != 1 else "",
            "per_page": self.per_page if self.per_page != PER_PAGE else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None)}


@dataclass
class ArticleRow:
    id: int
    external_id: str
    title: str
    outlet: str
    length: int
    assignees: list[tuple[str, str]] = field(default_factory=list)  # (user name, status)


@dataclass
class ArticlePage:
    rows: list[ArticleRow]
    total: int
    filters: ArticleFilter
    outlets: list[str]
    annotators: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.filters.per_page))


def _disagreement(document_id):
    """SQL: two annotators who marked the article done have different span sets."""
    mine = aliased(Assignment)
    theirs = aliased(Assignment)
    other = aliased(Span)
    return exists(
        select(Span.id)
        .join(
            mine,
            and_(
                mine.document_id == Span.document_id,
                mine.user_id == Span.user_id,
                mine.status == "done",
            ),
        )
        .join(
            theirs,
            and_(
                theirs.document_id == Span.document_id,
                theirs.user_id != Span.user_id,
                theirs.status == "done",
            ),
        )
        .where(
            Span.document_id == document_id,
            ~exists(
                select(other.id).where(
                    other.document_id == Span.document_id,
                    other.user_id == theirs.user_id,
                    other.label_id == Span.label_id,
                    other.start == Span.start,
                    other.end == Span.end,
                )
            ),
        )
    )


def _conditions(project: Project, f: ArticleFilter) -> list:
    where = [Document.project_id == project.id]
    if f.q:
        where.append(
            or_(
                Document.title.icontains(f.q, autoescape=True),
                Document.text.icontains(f.q, autoescape=True),
            )
        )
    if f.outlet:
        named = select(Outlet.id).where(Outlet.project_id == project.id, Outlet.name == f.outlet)
        where.append(
            or_(
                Document.outlet_id.in_(named),
                and_(Document.outlet_id.is_(None), Document.outlet == f.outlet),
            )
        )
    if f.status == "unassigned":
        where.append(~exists(select(Assignment.id).where(Assignment.document_id == Document.id)))
    elif f.status:
        where.append(
            exists(
                select(Assignment.id).where(
                    Assignment.document_id == Document.id, Assignment.status == f.status
                )
            )
        )
    if f.annotator:
        where.append(
            exists(
                select(Assignment.id)
                .join(User, User.id == Assignment.user_id)
                .where(Assignment.document_id == Document.id, User.username == f.annotator)
            )
        )
    if f.disagreement:
        where.append(_disagreement(Document.id))
    return where


def article_page(project: Project, f: ArticleFilter) -> ArticlePage:
    where = _conditions(project, f)
    total = db.session.execute(select(func.count(Document.id)).where(*where)).scalar_one()
    # The page's ids first (SQLite computes every column of the rows an OFFSET skips, and the
    # text sits before the outlet), then the 50 rows' columns.
    page_ids = list(
        db.session.execute(
            select(Document.id)
            .where(*where)
            .order_by(Document.id)
            .offset((f.page - 1) * f.per_page)
            .limit(f.per_page)
        ).scalars()
    )
    rows = [
        ArticleRow(*r)
        for r in db.session.execute(
            select(
                Document.id,
                Document.external_id,
                Document.title,
                Document.outlet,
                func.length(Document.text),
            )
            .where(Document.id.in_(page_ids))
            .order_by(Document.id)
        )
    ]
    by_id = {r.id: r for r in rows}
    if by_id:
        for doc, name, status in db.session.execute(
            select(Assignment.document_id, User.username, Assignment.status)
            .join(User, User.id == Assignment.user_id)
            .where(Assignment.document_id.in_(by_id))
            .order_by(User.username)
        ):
            by_id[doc].assignees.append((name, status))
    return ArticlePage(
        rows=rows,
        total=total,
        filters=f,
        outlets=_outlet_names(project),
        annotators=list(
            db.session.execute(
                select(User.username)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.project_id == project.id, Membership.role == "annotator")
                .order_by(User.username)
            ).scalars()
        ),
    )


def _outlet_names(project: Project) -> list[str]:
    """The project's outlets (imports match every article's outlet to one)."""
    return list(
        db.session.execute(
            select(Outlet.name).where(Outlet.project_id == project.id).order_by(Outlet.name)
        ).scalars()
    )


# --- manual assignment ----------------------------------------------------------------------

ACTIONS = ("assign", "unassign", "reassign")


@dataclass
class StartedWork:
    """What removing one annotator from one article takes away from them."""

    document_id: int
    title: str
    status: str
    spans: int
    answers: int
    seconds: int

    def describe(self) -> str:
        parts = [self.status.replace("_", " ")]
        if self.spans:
            parts.append(plural(self.spans, "span"))
        if self.answers:
            parts.append(plural(self.answers, "answer"))
        if self.seconds:
            parts.append(f"{self.seconds // 60} min spent")
        return ", ".join(parts)


@dataclass
class AssignmentPlan:
    action: str
    document_ids: list[int]
    from_user: User | None
    to_user: User | None
    add: list[int] = field(default_factory=list)  # article ids to_user gets
    remove: list[int] = field(default_factory=list)  # article ids from_user loses
    already: int = 0  # to_user had them already
    not_assigned: int = 0  # from_user did not have them
    started: list[StartedWork] = field(default_factory=list)

    @property
    def needs_confirm(self) -> bool:
        return bool(self.started)

    def summary(self) -> str:
        parts = []
        if self.add:
            parts.append(f"Assigned {plural(len(self.add), 'article')} to {self.to_user.username}")
        if self.remove:
            parts.append(
                f"took {plural(len(self.remove), 'article')} away from {self.from_user.username}"
            )
        if not parts:
            parts.append("Nothing changed")
        text = "; ".join(parts)
        text = text[0].upper() + text[1:]
        if self.already:
            text += f"; {self.to_user.username} already had {plural(self.already, 'article')}"
        if self.not_assigned:
            text += (
                f"; {self.from_user.username} did not have {plural(self.not_assigned, 'article')}"
            )
        return text + "."


def _annotator(project: Project, name: str, role_label: str) -> User:
    user = db.session.execute(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.project_id == project.id,
            Membership.role == "annotator",
            User.username == (name or "").strip(),
        )
    ).scalar_one_or_none()
    if user is None:
        raise ServiceError(f"Choose {role_label}: an annotator of this project.")
    return user


def plan_assignment(
    project: Project, document_ids, action: str, from_name: str = "", to_name: str = ""
) -> AssignmentPlan:
    """What ``action`` on the articles would do, without doing it."""
    if action not in ACTIONS:
        raise ServiceError(f"Unknown action {action!r}; use {', '.join(ACTIONS)}.")
    ids = sorted({int(d) for d in document_ids})
    if not ids:
        raise ServiceError("Select at least one article.")
    found = set(
        db.session.execute(
            select(Document.id).where(Document.project_id == project.id, Document.id.in_(ids))
        ).scalars()
    )
    if found != set(ids):
        raise ServiceError(
            f"{plural(len(set(ids) - found), 'selected article')} not in this project."
        )
    from_user = (
        _annotator(project, from_name, "whom to take them from") if action != "assign" else None
    )
    to_user = _annotator(project, to_name, "whom to give them to") if action != "unassign" else None
    if from_user is not None and to_user is not None and from_user.id == to_user.id:
        raise ServiceError("Re-assign to a different annotator.")
    plan = AssignmentPlan(action, ids, from_user, to_user)
    if to_user is not None:
        has = set(
            db.session.execute(
                select(Assignment.document_id).where(
                    Assignment.user_id == to_user.id, Assignment.document_id.in_(ids)
                )
            ).scalars()
        )
        plan.add = [d for d in ids if d not in has]
        plan.already = len(ids) - len(plan.add)
    if from_user is not None:
        rows = db.session.execute(
            select(Assignment.document_id, Assignment.status, Assignment.seconds_spent).where(
                Assignment.user_id == from_user.id, Assignment.document_id.in_(ids)
            )
        ).all()
        plan.remove = [r.document_id for r in rows]
        plan.not_assigned = len(ids) - len(plan.remove)
        plan.started = _started_work(from_user, rows)
    return plan


def _started_work(user: User, rows) -> list[StartedWork]:
    ids = [r.document_id for r in rows]
    spans = dict(
        db.session.execute(
            select(Span.document_id, func.count(Span.id))
            .where(Span.user_id == user.id, Span.document_id.in_(ids))
            .group_by(Span.document_id)
        ).all()
    )
    answers = dict(
        db.session.execute(
            select(DocumentAnswer.document_id, func.count(DocumentAnswer.id))
            .where(DocumentAnswer.user_id == user.id, DocumentAnswer.document_id.in_(ids))
            .group_by(DocumentAnswer.document_id)
        ).all()
    )
    titles = dict(
        db.session.execute(select(Document.id, Document.title).where(Document.id.in_(ids))).all()
    )
    started = []
    for r in rows:
        s, a = spans.get(r.document_id, 0), answers.get(r.document_id, 0)
        if r.status != "todo" or s or a or r.seconds_spent:
            started.append(
                StartedWork(r.document_id, titles[r.document_id], r.status, s, a, r.seconds_spent)
            )
    return started


def apply_assignment(project: Project, plan: AssignmentPlan, *, confirmed: bool) -> None:
    """Carry the plan out (not committed). Started work is only taken away when confirmed.
    The removed annotator's spans and answers stay stored and come back if the article is
    assigned to them again; their status and time on it are lost."""
    if plan.needs_confirm and not confirmed:
        raise ServiceError(
            f"This takes started work away from {plan.from_user.username} on "
            f"{plural(len(plan.started), 'article')}; confirm to go ahead."
        )
    if plan.remove:
        db.session.execute(
            delete(Assignment).where(
                Assignment.user_id == plan.from_user.id,
                Assignment.document_id.in_(plan.remove),
            )
        )
    if plan.add:
        db.session.execute(
            insert(Assignment),
            [
                {"document_id": d, "user_id": plan.to_user.id, "project_id": project.id}
                for d in plan.add
            ],
        )
    db.session.flush()
