"""A question can be marked required (when added, or later); Done is refused with a message
until the annotator answers it, and the schema the annotate page loads says so."""

from __future__ import annotations

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, DocumentQuestion
from tests.factories import make_world


def test_required_question_refuses_done_until_answered(app, client, auth):
    with app.app_context():
        ids = make_world()
        one_sided = db.session.execute(
            select(DocumentQuestion.id).where(DocumentQuestion.project_id == ids["project"])
        ).scalar_one()
    auth.login("lena")
    added = client.post(
        f"/projects/{ids['project']}/questions",
        data={"q-name": "stance", "q-text": "Stance?", "q-kind": "choice",
              "q-options": "for | against", "q-required": "y"},
        follow_redirects=True,
    )  # fmt: skip
    assert "Question added." in added.get_data(as_text=True)
    toggled = client.post(
        f"/projects/{ids['project']}/questions/{one_sided}/required", follow_redirects=True
    )
    assert "one-sided&#39; is required now." in toggled.get_data(as_text=True)
    with app.app_context():
        required = dict(
            db.session.execute(
                select(DocumentQuestion.name, DocumentQuestion.required).where(
                    DocumentQuestion.project_id == ids["project"]
                )
            ).all()
        )
    assert required == {"one-sided": True, "stance": True}
    auth.logout()
    auth.login("alice")
    doc = ids["document"]
    payload = client.get(f"/api/v1/documents/{doc}").get_json()
    assert [q["required"] for q in payload["questions"]] == [True, True]
    refused = client.post(f"/api/v1/documents/{doc}/status", json={"status": "done"})
    assert refused.status_code == 400
    assert "Answer the required question" in refused.get_json()["error"]
    assert (
        "How one-sided" in refused.get_json()["error"] and "Stance?" in refused.get_json()["error"]
    )
    stance = next(q["id"] for q in payload["questions"] if q["name"] == "stance")
    for qid, value in ((one_sided, "3"), (stance, "for")):
        assert (
            client.put(f"/api/v1/documents/{doc}/answers/{qid}", json={"value": value}).status_code
            == 200
        )
    assert (
        client.post(
            f"/api/v1/documents/{doc}/status", json={"status": "skipped", "reason": "x"}
        ).status_code
        == 200
    )
    done = client.post(f"/api/v1/documents/{doc}/status", json={"status": "done"})
    assert done.status_code == 200, done.get_json()
    with app.app_context():
        status = db.session.execute(
            select(Assignment.status).where(
                Assignment.user_id == ids["alice"], Assignment.document_id == doc
            )
        ).scalar_one()
    assert status == "done"
