"""Project pages for leads: create, settings, labels, questions and members, with bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Assignment, DocumentQuestion, Label, Membership, Project, User
from annotator.services.projects.presets import MEDIA_FRAMES
from tests.factories import make_document, make_project, make_user


@pytest.fixture
def ids(app):
    with app.app_context():
        lead, alice = make_user("lena"), make_user("alice")
        make_user("bob")
        project = make_project("Bias study", lead=lead, annotators=[alice])
        return {"project": project.id, "lead": lead.id, "alice": alice.id}


@pytest.fixture
def lead(client, auth, ids):
    auth.login("lena")
    return client


def base(ids) -> str:
    return f"/projects/{ids['project']}"


def project_state(app, ids) -> dict:
    with app.app_context():
        p = db.session.get(Project, ids["project"])
        return {
            "name": p.name,
            "description": p.description,
            "guidelines": p.guidelines,
            "version": p.guidelines_version,
            "per_doc": p.per_doc,
            "flags": (p.blind, p.snap_to_words, p.hide_outlet),
            "labels": [(lb.name, lb.color, lb.shortcut, lb.attributes) for lb in p.labels],
            "questions": [(q.name, q.kind, q.scale, q.options) for q in p.questions],
            "members": sorted((m.user.username, m.role) for m in p.memberships),
        }


# --- creating projects -----------------------------------------------------------------


def test_lead_creates_project_from_media_bias_preset(app, lead, ids):
    response = lead.post("/projects/new", data={"name": "Second study", "preset": "media-bias"})
    assert response.status_code == 302
    with app.app_context():
        project = db.session.execute(
            select(Project).where(Project.name == "Second study")
        ).scalar_one()
        assert response.headers["Location"] == f"/projects/{project.id}"
        labels = {label.name: label for label in project.labels}
        assert list(labels) == ["Framing", "Claim", "Quote", "Source"]
        frame = labels["Framing"].attributes[0]
        assert frame["type"] == "choice" and tuple(frame["options"]) == MEDIA_FRAMES
        assert len(MEDIA_FRAMES) == 15
        claim = {a["name"]: a for a in labels["Claim"].attributes}
        assert claim["type"]["options"] == ["factual", "opinion", "prediction", "statistic"]
        assert claim["check-worthy"]["type"] == "boolean"
        quote = {a["name"]: a for a in labels["Quote"].attributes}
        assert quote["speaker"]["type"] == "link"
        assert quote["form"]["options"] == ["direct", "indirect", "scare quote"]
        [question] = project.questions
        assert question.text == "How one-sided is this article?"
        assert question.allowed_values() == ["1", "2", "3", "4", "5"]
        assert project.blind is True and project.guidelines
        assert [(m.user.username, m.role) for m in project.memberships] == [("lena", "lead")]


def test_create_project_from_scratch(app, lead, ids):
    assert lead.post("/projects/new", data={"name": "Blank", "preset": "empty"}).status_code == 302
    with app.app_context():
        project = db.session.execute(select(Project).where(Project.name == "Blank")).scalar_one()
        assert project.labels == [] and project.questions == []


@pytest.mark.parametrize(
    "data,message",
    [
        ({"name": "", "preset": "media-bias"}, b"This field is required."),
        ({"name": "Bias study", "preset": "media-bias"}, b"already exists"),
        ({"name": "New", "preset": "nonsense"}, b"Not a valid choice"),
        ({"name": "x" * 121, "preset": "empty"}, b"between 1 and 120"),
    ],
    ids=["empty-name", "duplicate", "bad-preset", "long-name"],
)
def test_new_project_bad_input(app, lead, ids, data, message):
    response = lead.post("/projects/new", data=data)
    assert response.status_code == 400
    assert message in response.data
    with app.app_context():
        assert db.session.execute(select(func.count(Project.id))).scalar_one() == 1


# --- settings --------------------------------------------------------------------------


def settings_data(app, ids, **changes) -> dict:
    state = project_state(app, ids)
    data = {
        "name": state["name"],
        "description": state["description"],
        "guidelines": state["guidelines"],
        "per_doc": str(state["per_doc"]),
    }
    for flag, value in zip(("blind", "snap_to_words", "hide_outlet"), state["flags"], strict=True):
        if value:
            data[flag] = "y"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_page_shows_current_values(app, lead, ids):
    page = lead.get(base(ids) + "/settings")
    assert page.status_code == 200
    assert b'value="Bias study"' in page.data and b"Guidelines version 1" in page.data


def test_changed_guidelines_increment_version(app, lead, ids):
    data = settings_data(app, ids, guidelines="# New rules\n\nMark whole words.")
    response = lead.post(base(ids) + "/settings", data=data)
    assert response.status_code == 302
    state = project_state(app, ids)
    assert state["version"] == 2 and state["guidelines"].startswith("# New rules")
    lead.post(base(ids) + "/settings", data=settings_data(app, ids, guidelines="Third"))
    assert project_state(app, ids)["version"] == 3


def test_unchanged_guidelines_keep_version(app, lead, ids):
    data = settings_data(app, ids, description="Only the description changes.", per_doc="3")
    assert lead.post(base(ids) + "/settings", data=data).status_code == 302
    state = project_state(app, ids)
    assert state["version"] == 1
    assert state["description"] == "Only the description changes." and state["per_doc"] == 3


def test_settings_toggle_options(app, lead, ids):
    data = settings_data(app, ids, blind=None, hide_outlet="y")
    lead.post(base(ids) + "/settings", data=data)
    assert project_state(app, ids)["flags"] == (False, True, True)


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"name": ""}, b"This field is required."),
        ({"per_doc": "0"}, b"between 1 and 50"),
        ({"per_doc": "many"}, b"Not a valid integer value."),
        ({"name": "Other study"}, b"Another project already has this name."),
    ],
    ids=["empty-name", "k-zero", "k-text", "duplicate-name"],
)
def test_settings_bad_input_saves_nothing(app, lead, ids, changes, message):
    with app.app_context():
        make_project("Other study", preset="empty")
    before = project_state(app, ids)
    data = settings_data(app, ids, guidelines="Changed guidelines", **changes)
    response = lead.post(base(ids) + "/settings", data=data)
    assert response.status_code == 400
    assert message in response.data
    assert project_state(app, ids) == before


# --- labels ----------------------------------------------------------------------------


def label_data(**changes) -> dict:
    data = {
        "name": "Loaded language",
        "color": "#AA3300",
        "shortcut": "l",
        "description": "Words with strong connotations.",
        "attributes": (
            "intensity: choice = mild | strong\nsarcastic: boolean\ntarget: link\nwhy: text"
        ),
    }
    data.update(changes)
    return data


def test_add_label(app, lead, ids):
    response = lead.post(base(ids) + "/labels", data=label_data())
    assert response.status_code == 302
    labels = project_state(app, ids)["labels"]
    assert labels[-1] == (
        "Loaded language",
        "#aa3300",
        "l",
        [
            {"name": "intensity", "type": "choice", "options": ["mild", "strong"]},
            {"name": "sarcastic", "type": "boolean", "options": []},
            {"name": "target", "type": "link", "options": []},
            {"name": "why", "type": "text", "options": []},
        ],
    )
    assert len(labels) == 5


def test_edit_label_keeps_own_name_and_shortcut(app, lead, ids):
    with app.app_context():
        framing = db.session.execute(select(Label).where(Label.name == "Framing")).scalar_one()
        url = f"{base(ids)}/labels/{framing.id}"
    page = lead.get(url)
    assert b"frame: choice = Economic | Capacity and resources" in page.data
    data = label_data(name="Framing", shortcut="1", color="#000000", attributes="frame: text")
    assert lead.post(url, data=data).status_code == 302
    labels = project_state(app, ids)["labels"]
    assert labels[0] == (
        "Framing",
        "#000000",
        "1",
        [{"name": "frame", "type": "text", "options": []}],
    )
    assert len(labels) == 4


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"name": ""}, b"This field is required."),
        ({"name": "Claim"}, b"already has a label named &#39;Claim&#39;"),
        ({"name": "Bad/name"}, b"Label names are"),
        ({"color": "red"}, b"Write colours as #rrggbb."),
        ({"color": "#12345"}, b"Write colours as #rrggbb."),
        ({"shortcut": "2"}, b"Shortcut &#39;2&#39; is already used by &#39;Claim&#39;"),
        ({"shortcut": "ab"}, b"Field cannot be longer than 1 character."),
        ({"shortcut": "%"}, b"single letter or digit"),
        ({"attributes": "tone"}, b"Attribute line 1: expected"),
        ({"attributes": "ok: text\ntone: colour"}, b"Attribute line 2: type must be one of"),
        ({"attributes": "frame: choice"}, b"a choice needs options"),
        ({"attributes": "x: boolean = a | b"}, b"only choice attributes take options"),
        ({"attributes": "x: text\nx: boolean"}, b"defined twice"),
        ({"attributes": "x: choice = a | a"}, b"options repeat"),
        ({"attributes": "$$: text"}, b"names are 1-40"),
    ],
    ids=[
        "empty-name",
        "duplicate-name",
        "bad-name",
        "colour-word",
        "colour-short",
        "duplicate-shortcut",
        "long-shortcut",
        "symbol-shortcut",
        "no-colon",
        "bad-type",
        "choice-without-options",
        "options-on-boolean",
        "duplicate-attribute",
        "repeated-options",
        "bad-attribute-name",
    ],
)
def test_label_bad_input_saves_nothing(app, lead, ids, changes, message):
    before = project_state(app, ids)
    response = lead.post(base(ids) + "/labels", data=label_data(**changes))
    assert response.status_code == 400
    assert message in response.data, response.data.decode()[-3000:]
    assert project_state(app, ids) == before


def test_edit_label_into_duplicate_rejected(app, lead, ids):
    with app.app_context():
        quote_id = db.session.execute(select(Label.id).where(Label.name == "Quote")).scalar_one()
    before = project_state(app, ids)
    response = lead.post(f"{base(ids)}/labels/{quote_id}", data=label_data(name="Claim"))
    assert response.status_code == 400
    assert project_state(app, ids) == before


def test_delete_unused_label(app, lead, ids):
    with app.app_context():
        source_id = db.session.execute(select(Label.id).where(Label.name == "Source")).scalar_one()
    assert lead.post(f"{base(ids)}/labels/{source_id}/delete").status_code == 302
    assert [name for name, *_ in project_state(app, ids)["labels"]] == ["Framing", "Claim", "Quote"]


def test_label_in_use_cannot_be_deleted(app, lead, ids):
    from annotator.models import Span

    with app.app_context():
        project = db.session.get(Project, ids["project"])
        doc = make_document(project, "Leaders met in Geneva.")
        claim = db.session.execute(select(Label).where(Label.name == "Claim")).scalar_one()
        db.session.add(
            Span(
                document_id=doc.id,
                user_id=ids["alice"],
                label_id=claim.id,
                start=0,
                end=7,
                text="Leaders",
            )
        )
        db.session.commit()
        claim_id = claim.id
    response = lead.post(f"{base(ids)}/labels/{claim_id}/delete", follow_redirects=True)
    assert b"used by 1 spans and cannot be deleted" in response.data
    assert "Claim" in [name for name, *_ in project_state(app, ids)["labels"]]


# --- article-level questions -------------------------------------------------------------


def test_add_likert_and_choice_questions(app, lead, ids):
    url = base(ids) + "/questions"
    likert = {
        "q-name": "tone",
        "q-text": "How negative is the tone?",
        "q-kind": "likert",
        "q-scale": "7",
    }
    assert lead.post(url, data=likert).status_code == 302
    choice = {
        "q-name": "topic",
        "q-text": "Main topic?",
        "q-kind": "choice",
        "q-options": "war | economy | other",
    }
    response = lead.post(url, data=choice, follow_redirects=True)
    assert b"Question added." in response.data
    questions = project_state(app, ids)["questions"]
    assert questions[1:] == [
        ("tone", "likert", 7, []),
        ("topic", "choice", 5, ["war", "economy", "other"]),
    ]


@pytest.mark.parametrize(
    "data,message",
    [
        ({"q-name": "", "q-text": "Why?", "q-kind": "likert"}, "This field is required."),
        ({"q-name": "one-sided", "q-text": "Again?", "q-kind": "likert"}, "already has a question"),
        (
            {"q-name": "s", "q-text": "Scale?", "q-kind": "likert", "q-scale": "11"},
            "between 2 and 10",
        ),
        (
            {"q-name": "c", "q-text": "Pick", "q-kind": "choice", "q-options": "only"},
            "at least two options",
        ),
        ({"q-name": "k", "q-text": "Kind?", "q-kind": "slider"}, "Not a valid choice"),
    ],
    ids=["empty-name", "duplicate", "scale", "one-option", "bad-kind"],
)
def test_question_bad_input_saves_nothing(app, lead, ids, data, message):
    before = project_state(app, ids)
    response = lead.post(base(ids) + "/questions", data=data, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert project_state(app, ids) == before


def test_delete_question(app, lead, ids):
    with app.app_context():
        qid = db.session.execute(select(DocumentQuestion.id)).scalar_one()
    assert lead.post(f"{base(ids)}/questions/{qid}/delete").status_code == 302
    assert project_state(app, ids)["questions"] == []


# --- members ---------------------------------------------------------------------------


def test_add_member_and_change_role(app, lead, ids):
    url = base(ids) + "/members"
    added = lead.post(url, data={"username": "bob", "role": "annotator"}, follow_redirects=True)
    assert "bob is now an annotator." in added.get_data(as_text=True)
    assert ("bob", "annotator") in project_state(app, ids)["members"]
    changed = lead.post(url, data={"username": "bob", "role": "lead"}, follow_redirects=True)
    assert "bob is now a lead." in changed.get_data(as_text=True)
    assert ("bob", "lead") in project_state(app, ids)["members"]
    assert len(project_state(app, ids)["members"]) == 3


@pytest.mark.parametrize(
    "data,message",
    [
        ({"username": "nobody", "role": "annotator"}, b"No user named &#39;nobody&#39;."),
        ({"username": "", "role": "annotator"}, b"This field is required."),
        ({"username": "bob", "role": "owner"}, b"Not a valid choice"),
    ],
    ids=["unknown-user", "empty", "bad-role"],
)
def test_add_member_bad_input(app, lead, ids, data, message):
    before = project_state(app, ids)
    response = lead.post(base(ids) + "/members", data=data)
    assert response.status_code == 400
    assert message in response.data
    assert project_state(app, ids) == before


def test_remove_member_keeps_started_work(app, lead, ids):
    with app.app_context():
        project = db.session.get(Project, ids["project"])
        docs = [make_document(project, f"Article number {i}.") for i in range(3)]
        for doc, status in zip(docs, ("todo", "in_progress", "done"), strict=True):
            db.session.add(
                Assignment(
                    document_id=doc.id, user_id=ids["alice"], project_id=project.id, status=status
                )
            )
        db.session.commit()
    response = lead.post(f"{base(ids)}/members/{ids['alice']}/remove")
    assert response.status_code == 302
    with app.app_context():
        statuses = (
            db.session.execute(
                select(Assignment.status)
                .where(Assignment.user_id == ids["alice"])
                .order_by(Assignment.status)
            )
            .scalars()
            .all()
        )
        assert statuses == ["done", "in_progress"]
        assert (
            db.session.execute(select(Membership).where(Membership.user_id == ids["alice"])).first()
            is None
        )


def test_remove_unknown_user_is_404(lead, ids):
    assert lead.post(f"{base(ids)}/members/987654/remove").status_code == 404


# --- overview, documents and assignment through the UI ------------------------------------


def test_overview_and_assign_button(app, lead, ids):
    with app.app_context():
        project = db.session.get(Project, ids["project"])
        for i in range(4):
            make_document(project, f"Story {i} about the economy.", external_id=f"story-{i}")
    page = lead.get(base(ids))
    assert b"4 articles, 0 assigned." in page.data
    response = lead.post(base(ids) + "/assign", follow_redirects=True)
    assert b"Created 4 assignments for 1 annotator" in response.data
    assert b"4 articles, 4 assigned." in response.data
    documents = lead.get(base(ids) + "/documents")
    assert documents.status_code == 200
    assert documents.data.count(b"<td>story-") == 4


def test_assign_without_annotators_explains(app, client, auth, ids):
    with app.app_context():
        project = make_project("Lonely", lead=db.session.get(User, ids["lead"]))
        pid = project.id
    auth.login("lena")
    response = client.post(f"/projects/{pid}/assign", follow_redirects=True)
    assert b"The project has no annotators to assign articles to." in response.data


def test_annotator_overview_has_continue_button(app, client, auth, ids):
    with app.app_context():
        project = db.session.get(Project, ids["project"])
        doc = make_document(project, "Story about the economy.")
        db.session.add(Assignment(document_id=doc.id, user_id=ids["alice"], project_id=project.id))
        db.session.commit()
        doc_id = doc.id
    auth.login("alice")
    page = client.get(base(ids))
    assert page.status_code == 200
    assert f"/documents/{doc_id}/annotate".encode() in page.data
    assert b"Annotators" not in page.data  # the lead's table is not shown
    home = client.get("/")
    assert b"0 / 1 done" in home.data
