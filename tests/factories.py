"""Small factory functions for tests. Call them inside an app context; they commit."""

from __future__ import annotations

from annotator.extensions import db
from annotator.models import Document, Project, User
from annotator.services.accounts.users import create_user
from annotator.services.annotation.document_context import document_context
from annotator.services.annotation.span_create import create_span
from annotator.services.projects.projects import add_member, create_project
from annotator.services.transfer.article_files import normalise_text, text_sha256
from tests.conftest import TEST_PASSWORD


def make_user(username: str, *, admin: bool = False, password: str = TEST_PASSWORD) -> User:
    user = create_user(username, password, admin=admin)
    db.session.commit()
    return user


def make_project(
    name: str = "Bias study",
    *,
    lead: User | None = None,
    annotators: list[User] = (),
    preset: str = "media-bias",
    per_doc: int = 2,
) -> Project:
    project = create_project(name, preset=preset, lead=lead, per_doc=per_doc)
    for user in annotators:
        add_member(project, user, "annotator")
    db.session.commit()
    return project


def make_document(
    project: Project,
    text: str,
    *,
    external_id: str | None = None,
    title: str = "An article",
    outlet: str = "Daily Example",
) -> Document:
    text = normalise_text(text)
    digest = text_sha256(text)
    doc = Document(
        project_id=project.id,
        external_id=external_id or digest[:16],
        title=title,
        text=text,
        outlet=outlet,
        sha256=digest,
        meta={},
    )
    db.session.add(doc)
    db.session.commit()
    return doc


def make_world() -> dict:
    """A lead, two annotators of one project, an outsider in another project, and an admin.

    Returns ids (not instances) so tests can use them across app contexts.
    """
    lead = make_user("lena")
    alice, bob = make_user("alice"), make_user("bob")
    outsider = make_user("otto")
    admin = make_user("root", admin=True)
    project = make_project("Bias study", lead=lead, annotators=[alice, bob])
    other = make_project("Other study", lead=outsider, annotators=[outsider])
    doc = make_document(
        project, "Leaders 🤝 met in Geneva. “A new chapter,” they said.", external_id="geneva"
    )
    from annotator.services.projects.assigning import assign

    assign(project)
    db.session.commit()
    return {
        "lead": lead.id,
        "alice": alice.id,
        "bob": bob.id,
        "outsider": outsider.id,
        "admin": admin.id,
        "project": project.id,
        "other": other.id,
        "document": doc.id,
    }


def make_span(user: User, document: Document, data: dict) -> dict:
    """A span as the annotate API creates it (assigned or not; not committed)."""
    db.session.flush()
    return create_span(user, document_context(user, document.id, assigned=False), data)
