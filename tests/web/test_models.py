"""The database itself rejects invalid rows: CHECK, UNIQUE and FOREIGN KEY constraints."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from annotator.extensions import db
from annotator.models import (
    Assignment,
    DocumentAnswer,
    DocumentQuestion,
    Label,
    Membership,
    Project,
    Span,
    SpanEvent,
    User,
)
from tests.factories import make_document, make_project, make_user


@pytest.fixture
def world(ctx):
    lead, alice = make_user("lena"), make_user("alice")
    project = make_project("Bias study", lead=lead, annotators=[alice])
    doc = make_document(project, "Leaders met in Geneva on Monday.", external_id="geneva")
    label = project.labels[0]
    return {"project": project, "alice": alice, "lead": lead, "doc": doc, "label": label}


def rejected(*rows) -> None:
    """Adding ``rows`` must fail with IntegrityError; the session is usable afterwards."""
    for row in rows:
        db.session.add(row)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def span(world, start: int, end: int, **extra) -> Span:
    text = world["doc"].text
    return Span(
        document_id=world["doc"].id,
        user_id=world["alice"].id,
        label_id=world["label"].id,
        start=start,
        end=end,
        text=text[max(start, 0) : max(end, 0)],
        **extra,
    )


def test_valid_span_is_stored(world):
    db.session.add(span(world, 0, 7))
    db.session.commit()
    stored = db.session.execute(select(Span)).scalar_one()
    assert (stored.start, stored.end, stored.text) == (0, 7, "Leaders")
    assert stored.version == 1 and stored.attributes == {} and stored.guidelines_version == 1


@pytest.mark.parametrize(
    "start,end", [(5, 5), (7, 3), (-1, 4), (-3, -1)], ids=["empty", "reversed", "negative", "both"]
)
def test_span_offsets_check_constraint(world, start, end):
    rejected(span(world, start, end))
    assert db.session.execute(select(Span)).first() is None


def test_span_needs_existing_label_and_document(world):
    """Foreign keys are enforced (on SQLite only with PRAGMA foreign_keys=ON)."""
    rejected(_bad_fk_span(world, "label_id"))
    rejected(_bad_fk_span(world, "document_id"))


def _bad_fk_span(world, column: str) -> Span:
    row = span(world, 0, 7)
    setattr(row, column, 987654)
    return row


def test_membership_unique_per_user_and_project(world):
    rejected(Membership(user_id=world["alice"].id, project_id=world["project"].id, role="lead"))
    roles = db.session.execute(
        select(Membership.role).where(Membership.user_id == world["alice"].id)
    ).all()
    assert roles == [("annotator",)]


def test_membership_role_check(world):
    bob = make_user("bob")
    rejected(Membership(user_id=bob.id, project_id=world["project"].id, role="owner"))


def test_label_name_unique_per_project(world):
    project = world["project"]
    rejected(Label(project_id=project.id, name="Framing", color="#000000"))
    # The same name in another project is fine.
    other = make_project("Other study", preset="empty")
    db.session.add(Label(project_id=other.id, name="Framing", color="#000000"))
    db.session.commit()
    assert db.session.execute(select(Label).where(Label.name == "Framing")).scalars().all()


def test_question_name_unique_and_kind_checked(world):
    project = world["project"]
    rejected(DocumentQuestion(project_id=project.id, name="one-sided", text="Again?"))
    rejected(DocumentQuestion(project_id=project.id, name="tone", text="Tone?", kind="slider"))


def test_document_external_id_unique_per_project(world):
    project = world["project"]
    with pytest.raises(IntegrityError):
        make_document(project, "A different text entirely.", external_id="geneva")
    db.session.rollback()
    other = make_project("Other study", preset="empty")
    make_document(other, "A different text entirely.", external_id="geneva")  # allowed


def test_assignment_status_check_and_uniqueness(world):
    doc, alice, project = world["doc"], world["alice"], world["project"]

    def row(status="todo", seconds=0):
        return Assignment(
            document_id=doc.id,
            user_id=alice.id,
            project_id=project.id,
            status=status,
            seconds_spent=seconds,
        )

    rejected(row(status="finished"))
    rejected(row(seconds=-5))
    for status in ("todo", "in_progress", "done", "skipped"):
        db.session.add(row(status))
        db.session.flush()
        db.session.rollback()
    db.session.add(row())
    db.session.commit()
    rejected(row(status="done"))  # one assignment per (document, annotator)


def test_answer_unique_per_document_user_question(world):
    question = world["project"].questions[0]
    values = {
        "document_id": world["doc"].id,
        "user_id": world["alice"].id,
        "question_id": question.id,
    }
    db.session.add(DocumentAnswer(value="3", **values))
    db.session.commit()
    rejected(DocumentAnswer(value="4", **values))


def test_usernames_and_project_names_unique(world):
    rejected(User(username="alice", password_hash="x"))
    rejected(Project(name="Bias study"))


def test_project_per_doc_check(world):
    rejected(Project(name="Zero", per_doc=0))


def test_span_event_action_check(world):
    rejected(SpanEvent(span_id=1, document_id=world["doc"].id, action="rename"))


def test_deleting_a_project_cascades(world):
    project = world["project"]
    db.session.add(span(world, 0, 7))
    db.session.commit()
    db.session.delete(project)
    db.session.commit()
    assert db.session.execute(select(Span)).first() is None
    assert db.session.execute(select(Membership)).first() is None
    assert db.session.execute(select(User.username).order_by(User.username)).all() == [
        ("alice",),
        ("lena",),
    ]
