"""The span API: creation, validation (every bad input is a 4xx with a message), ownership,
optimistic versions and the audit trail."""

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Label, Span, SpanEvent
from tests.factories import make_world

TEXT = "Leaders 🤝 met in Geneva. “A new chapter,” they said."


@pytest.fixture
def world(app):
    with app.app_context():
        ids = make_world()
        project_labels = db.session.execute(
            select(Label.name, Label.id).where(Label.project_id == ids["project"])
        ).all()
        other_label = (
            db.session.execute(select(Label.id).where(Label.project_id == ids["other"]))
            .scalars()
            .first()
        )
    ids["labels"] = dict(project_labels)
    ids["other_label"] = other_label
    return ids


def span_payload(world, fragment="met", label="Claim", **extra):
    start = TEXT.index(fragment)
    body = {
        "label_id": world["labels"][label],
        "start": start,
        "end": start + len(fragment),
        "text": fragment,
    }
    body.update(extra)
    return body


def create(client, world, **kwargs):
    return client.post(
        f"/api/v1/documents/{world['document']}/spans", json=span_payload(world, **kwargs)
    )


def test_create_uses_code_point_offsets_after_emoji(app, client, auth, world):
    auth.login("alice")
    response = create(client, world)
    assert response.status_code == 201
    span = response.get_json()
    assert (span["start"], span["end"]) == (10, 13)  # 🤝 is one code point
    with app.app_context():
        stored = db.session.get(Span, span["id"])
        assert TEXT[stored.start : stored.end] == "met" == stored.text


def test_unauthenticated_gets_json_401(client, world):
    response = create(client, world)
    assert response.status_code == 401
    assert "error" in response.get_json()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"start": -1}, "Offsets"),
        ({"end": 999}, "Offsets"),
        ({"start": 12, "end": 12}, "Offsets"),
        ({"start": "10"}, "integer"),
        ({"start": True}, "integer"),
        ({"text": "mat"}, "does not match"),
        ({"text": None}, "required"),
        ({"label_id": "x"}, "label_id"),
        ({"note": "x" * 6000}, "note"),
        ({"source": "robot"}, "source"),
        ({"attributes": []}, "attributes"),
        ({"attributes": {"colour": "red"}}, "no attribute"),
        ({"attributes": {"type": "rumour"}}, "not an option"),
        ({"attributes": {"check-worthy": "yes"}}, "true or false"),
    ],
)
def test_bad_span_input_is_400_with_message(client, auth, world, change, message):
    auth.login("alice")
    body = span_payload(world)
    body.update(change)
    response = client.post(f"/api/v1/documents/{world['document']}/spans", json=body)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_label_of_another_project_is_rejected(client, auth, world):
    auth.login("alice")
    body = span_payload(world)
    body["label_id"] = world["other_label"]
    response = client.post(f"/api/v1/documents/{world['document']}/spans", json=body)
    assert response.status_code == 400
    assert "does not belong" in response.get_json()["error"]


def test_whitespace_edges_are_rejected(client, auth, world):
    auth.login("alice")
    start = TEXT.index(" met")
    body = span_payload(world)
    body.update(start=start, end=start + 4, text=" met")
    assert client.post(f"/api/v1/documents/{world['document']}/spans", json=body).status_code == 400


def test_not_json_is_400(client, auth, world):
    auth.login("alice")
    response = client.post(
        f"/api/v1/documents/{world['document']}/spans", data="hello", content_type="text/plain"
    )
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


def test_unassigned_annotator_and_outsider_are_refused(client, auth, world):
    auth.login("otto")  # not a member: the same 404 as for a missing article
    assert create(client, world).status_code == 404
    assert client.get(f"/api/v1/documents/{world['document']}").status_code == 404
    assert client.get("/api/v1/documents/99999").status_code == 404


def test_quote_links_to_own_speaker_span_only(client, auth, world):
    auth.login("bob")
    bobs = create(client, world, fragment="Geneva", label="Source").get_json()
    auth.logout()
    auth.login("alice")
    speaker = create(client, world, fragment="they", label="Source").get_json()
    quote = create(
        client,
        world,
        fragment="A new chapter",
        label="Quote",
        attributes={"speaker": speaker["id"], "form": "direct"},
    )
    assert quote.status_code == 201
    assert quote.get_json()["attributes"] == {"speaker": speaker["id"], "form": "direct"}
    foreign = create(
        client, world, fragment="new chapter", label="Quote", attributes={"speaker": bobs["id"]}
    )
    assert foreign.status_code == 400
    free_text = create(
        client, world, fragment="chapter", label="Quote", attributes={"speaker": "the ministers"}
    )
    assert free_text.status_code == 201


def test_other_annotators_spans_are_not_found(client, auth, world):
    auth.login("alice")
    span = create(client, world).get_json()
    auth.logout()
    auth.login("bob")
    assert client.get(f"/api/v1/spans/{span['id']}").status_code == 404
    patch = client.patch(f"/api/v1/spans/{span['id']}", json={"version": 1, "note": "mine"})
    assert patch.status_code == 404
    assert client.delete(f"/api/v1/spans/{span['id']}").status_code == 404
    assert client.get(f"/api/v1/documents/{world['document']}").get_json()["spans"] == []


def test_update_with_stale_version_is_409_and_returns_current(client, auth, world):
    auth.login("alice")
    span = create(client, world).get_json()
    first = client.patch(f"/api/v1/spans/{span['id']}", json={"version": 1, "note": "first"})
    assert first.status_code == 200 and first.get_json()["version"] == 2
    stale = client.patch(f"/api/v1/spans/{span['id']}", json={"version": 1, "note": "second"})
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["span"]["note"] == "first" and body["span"]["version"] == 2
    assert client.patch(f"/api/v1/spans/{span['id']}", json={"note": "x"}).status_code == 400
    unknown = client.patch(f"/api/v1/spans/{span['id']}", json={"version": 2, "user_id": 9})
    assert unknown.status_code == 400


def test_update_revalidates_label_change_and_offsets(client, auth, world):
    auth.login("alice")
    span = create(client, world, label="Claim", attributes={"type": "factual"}).get_json()
    wrong = client.patch(
        f"/api/v1/spans/{span['id']}", json={"version": 1, "label_id": world["labels"]["Framing"]}
    )
    assert wrong.status_code == 400  # 'type' is not an attribute of Framing
    moved = client.patch(
        f"/api/v1/spans/{span['id']}",
        json={
            "version": 1,
            "label_id": world["labels"]["Framing"],
            "attributes": {},
            "start": 17,
            "end": 23,
            "text": "Geneva",
        },
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["label"] == "Framing"
    bad = client.patch(f"/api/v1/spans/{span['id']}", json={"version": 2, "end": 5})
    assert bad.status_code == 400


def test_every_change_writes_an_audit_row(app, client, auth, world):
    auth.login("alice")
    span = create(client, world).get_json()
    client.patch(f"/api/v1/spans/{span['id']}", json={"version": 1, "note": "n"})
    assert client.delete(f"/api/v1/spans/{span['id']}?version=2").status_code == 204
    with app.app_context():
        actions = (
            db.session.execute(
                select(SpanEvent.action)
                .where(SpanEvent.span_id == span["id"])
                .order_by(SpanEvent.id)
            )
            .scalars()
            .all()
        )
        assert actions == ["create", "update", "delete"]
        assert db.session.execute(select(func.count(Span.id))).scalar_one() == 0


def test_create_writes_the_span_its_audit_row_and_the_assignment_start_together(
    app, client, auth, world
):
    """One write on PostgreSQL (one statement), three on SQLite: the same rows either way. The
    audit row holds the span exactly as the response sent it (id included), as JSON text
    byte-for-byte what the JSON column stores for that dict; the first span starts the
    assignment and moves the project's write stamp."""
    import json

    from annotator.models import Assignment, User
    from annotator.models.write_stamp import stamp

    with app.app_context():
        alice = db.session.execute(select(User.id).where(User.username == "alice")).scalar()
        status = select(Assignment.status, Assignment.started_at).where(
            Assignment.user_id == alice, Assignment.document_id == world["document"]
        )
        assert db.session.execute(status).one() == ("todo", None)
        before = stamp(db.session.connection(), world["project"])
        db.session.rollback()
    auth.login("alice")
    span = create(client, world, attributes={}, note="a «note»", client_key="k-audit").get_json()
    with app.app_context():
        event = db.session.execute(
            select(SpanEvent).where(SpanEvent.span_id == span["id"])
        ).scalar_one()
        assert (event.action, event.before, event.after) == ("create", None, span)
        assert event.document_id == world["document"] and event.user_id == alice
        columns = SpanEvent.__table__.c
        raw_before, raw = db.session.execute(
            select(columns.before.cast(db.String), columns.after.cast(db.String)).where(
                SpanEvent.id == event.id
            )
        ).one()
        assert raw_before == "null"  # JSON null, as every audit row without a "before"
        order = ("id", "label_id", "label", "start", "end", "text", "fragments", "attributes")
        order += ("note", "source", "version", "guidelines_version")  # spans.span_dict's
        assert sorted(order) == sorted(span)
        assert raw == json.dumps({key: span[key] for key in order})
        assert db.session.execute(status).one()[0] == "in_progress"
        assert db.session.execute(status).one()[1] is not None
        assert stamp(db.session.connection(), world["project"]) != before


def test_delete_with_stale_version_is_409(client, auth, world):
    auth.login("alice")
    span = create(client, world).get_json()
    assert client.delete(f"/api/v1/spans/{span['id']}?version=7").status_code == 409
    assert client.delete(f"/api/v1/spans/{span['id']}?version=x").status_code == 400


def test_retried_create_with_the_same_client_key_returns_the_same_span(app, client, auth, world):
    auth.login("alice")
    first = create(client, world, client_key="c123abc")
    again = create(client, world, client_key="c123abc")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    with app.app_context():
        assert db.session.execute(select(func.count(Span.id))).scalar_one() == 1
    assert create(client, world, client_key="x" * 65).status_code == 400
    assert create(client, world, client_key=5).status_code == 400


def test_deleting_a_speaker_clears_links_to_it(client, auth, world):
    auth.login("alice")
    speaker = create(client, world, fragment="they", label="Source").get_json()
    quote = create(
        client,
        world,
        fragment="A new chapter",
        label="Quote",
        attributes={"speaker": speaker["id"], "form": "direct"},
    ).get_json()
    assert client.delete(f"/api/v1/spans/{speaker['id']}").status_code == 204
    after = client.get(f"/api/v1/spans/{quote['id']}").get_json()
    assert after["attributes"] == {"form": "direct"} and after["version"] == 2
