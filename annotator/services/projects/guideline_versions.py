"""Every saved text of a project's guidelines, and a line diff between two of them.

``Project.guidelines`` holds the current text and ``guidelines_version`` its number (spans
record the version they were made under); each saved text is one ``guideline_version`` row.
A project whose current text has no row (made before migration 0018 stored versions, or
written around ``save_guidelines``) still lists it, author unknown, and its first save stores
it before the new text, so no text that was ever current is lost.

The diff compares the Markdown source line by line (``difflib``); within a changed line the
words that changed are marked too.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import GuidelineVersion, Project, User
from annotator.services.errors import NotFound, ServiceError

CONTEXT = 3  # unchanged lines shown around each change
WORDS = re.compile(r"\s+|\w+|[^\w\s]")
# Two lines at least this similar (``_similarity``) are one line edited, with
# the changed words marked; less similar ones are one line removed and another added.
SIMILAR = 0.5


@dataclass(frozen=True)
class Version:
    version: int
    text: str
    author: str | None  # None: unknown (stored before versions were kept, or user deleted)
    saved_at: datetime | None  # None: unknown
    current: bool


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def versions(project: Project) -> list[Version]:
    """The project's guidelines versions, newest first; the current one always among them."""
    rows = db.session.execute(
        select(GuidelineVersion, User.username)
        .outerjoin(User, User.id == GuidelineVersion.author_id)
        .where(GuidelineVersion.project_id == project.id)
        .order_by(GuidelineVersion.version.desc())
    ).all()
    out = [
        Version(
            row.version,
            row.text,
            username,
            _aware(row.created_at),
            row.version == project.guidelines_version,
        )
        for row, username in rows
    ]
    if not any(v.current for v in out):
        out.append(Version(project.guidelines_version, project.guidelines or "", None, None, True))
        out.sort(key=lambda v: v.version, reverse=True)
    return out


def version(project: Project, number: int) -> Version:
    """One version of the project's guidelines (NotFound when it was never stored)."""
    row = db.session.execute(
        select(GuidelineVersion, User.username)
        .outerjoin(User, User.id == GuidelineVersion.author_id)
        .where(GuidelineVersion.project_id == project.id, GuidelineVersion.version == number)
    ).first()
    current = number == project.guidelines_version
    if row is None:
        if not current:
            raise NotFound(f"The guidelines have no stored version {number}.")
        return Version(number, project.guidelines or "", None, None, True)
    stored, username = row
    text = project.guidelines or "" if current else stored.text
    return Version(number, text, username, _aware(stored.created_at), current)


def _add(project: Project, author: User | None) -> None:
    db.session.add(
        GuidelineVersion(
            project_id=project.id,
            version=project.guidelines_version,
            text=project.guidelines or "",
            author_id=author.id if author is not None else None,
        )
    )


def record_current(project: Project, author: User | None) -> None:
    """Store the project's current text as its current version, unless a row holds it."""
    exists = db.session.execute(
        select(GuidelineVersion.id).where(
            GuidelineVersion.project_id == project.id,
            GuidelineVersion.version == project.guidelines_version,
        )
    ).first()
    if exists is None:
        _add(project, author)


def save_guidelines(project: Project, text: str, author: User | None) -> bool:
    """Make ``text`` the current guidelines: a new version whenever the text changes (True),
    nothing otherwise (False). The text it replaces is stored first if it never was.

    The new version's row is always inserted: if another save made the same version number
    meanwhile, the unique (project, version) constraint fails the commit (IntegrityError)
    instead of one text silently standing for another."""
    text = text or ""
    if text == (project.guidelines or ""):
        return False
    record_current(project, None)  # the text being replaced, if no row holds it yet
    project.guidelines = text
    project.guidelines_version = (project.guidelines_version or 1) + 1
    _add(project, author)
    return True


# --- the diff -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the diff. ``kind``: same, del (only in the old version), ins (only in the
    new one) or skip (``count`` unchanged lines left out). ``parts``: (same|del|ins, text)
    pieces of the line; in an edited line only the changed words are del/ins."""

    kind: str
    old_no: int | None = None
    new_no: int | None = None
    parts: tuple[tuple[str, str], ...] = ()
    count: int = 0


@dataclass
class Diff:
    rows: list[Row] = field(default_factory=list)
    added: int = 0  # lines
    removed: int = 0

    @property
    def unchanged(self) -> bool:
        return self.added == 0 and self.removed == 0


def _similarity(a: list[str], b: list[str], matcher: difflib.SequenceMatcher) -> float:
    """Like difflib's ratio, over the characters of the words and signs (not the spaces): two
    lines that share only spaces and a full stop are not alike."""
    size = sum(len(t) for t in a + b if not t.isspace())
    if size == 0:
        return 1.0
    same = sum(
        len(t) for i, _, n in matcher.get_matching_blocks() for t in a[i : i + n] if not t.isspace()
    )
    return 2 * same / size


def _word_parts(old: str, new: str) -> tuple[tuple, tuple] | None:
    """The two lines cut into same/del and same/ins pieces, or None if they differ too much
    to be one edited line."""
    a, b = WORDS.findall(old), WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if _similarity(a, b, matcher) < SIMILAR:
        return None
    old_parts: list[tuple[str, str]] = []
    new_parts: list[tuple[str, str]] = []

    def add(parts, kind, text):
        if not text:
            return
        if parts and parts[-1][0] == kind:
            parts[-1] = (kind, parts[-1][1] + text)
        else:
            parts.append((kind, text))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add(old_parts, "same", "".join(a[i1:i2]))
            add(new_parts, "same", "".join(b[j1:j2]))
        else:
            add(old_parts, "del", "".join(a[i1:i2]))
            add(new_parts, "ins", "".join(b[j1:j2]))
    return tuple(old_parts), tuple(new_parts)


def diff_texts(old: str, new: str, context: int = CONTEXT) -> Diff:
    """The line diff from ``old`` to ``new``: changed lines with ``context`` unchanged lines
    around them; the unchanged lines between are one skip row each run."""
    if context < 0:
        raise ServiceError("The context must be 0 or more lines.")
    a, b = (old or "").splitlines(), (new or "").splitlines()
    if a == b:
        return Diff()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    diff = Diff()
    shown_to = 0  # old lines before this index are shown or skipped
    for group in matcher.get_grouped_opcodes(context):
        first = group[0][1]
        if first > shown_to:
            diff.rows.append(Row("skip", count=first - shown_to))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                for k in range(i2 - i1):
                    diff.rows.append(Row("same", i1 + k + 1, j1 + k + 1, (("same", a[i1 + k]),)))
                continue
            removed, added = list(range(i1, i2)), list(range(j1, j2))
            diff.removed += len(removed)
            diff.added += len(added)
            del_rows = [Row("del", i + 1, None, (("del", a[i]),)) for i in removed]
            ins_rows = [Row("ins", None, j + 1, (("ins", b[j]),)) for j in added]
            for k in range(min(len(removed), len(added))):  # edited lines: mark the words
                pair = _word_parts(a[removed[k]], b[added[k]])
                if pair is not None:
                    del_rows[k] = Row("del", removed[k] + 1, None, pair[0])
                    ins_rows[k] = Row("ins", None, added[k] + 1, pair[1])
            diff.rows.extend(del_rows + ins_rows)
        shown_to = group[-1][2]
    if diff.rows and shown_to < len(a):
        diff.rows.append(Row("skip", count=len(a) - shown_to))
    return diff
