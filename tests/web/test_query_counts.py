"""SQL statements per request for the two hot calls: creating a span and reading an article.

The counts must not grow with the number of spans (no N+1). Create: the user, the article
with its project, membership and assignment (one join), the span and its audit row, plus the
assignment's start on the first span. Read: the user, that join, and the spans with the
answers (one UNION ALL); the label schema comes from the per-process cache."""

import pytest
from sqlalchemy import event

from annotator.extensions import db
from tests.factories import make_world

CREATE_MAX = 5
READ_MAX = 3


@pytest.fixture
def counted(app):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        ids = make_world()
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield ids, statements
    event.remove(engine, "before_cursor_execute", count)


def test_span_create_and_article_read_use_a_fixed_number_of_statements(client, auth, counted):
    ids, statements = counted
    auth.login("alice")
    url = f"/api/v1/documents/{ids['document']}"
    label = client.get(url).get_json()["labels"][3]["id"]
    body = {"label_id": label, "start": 0, "end": 7, "text": "Leaders"}
    per_create = []
    for _ in range(20):
        statements.clear()
        assert client.post(f"{url}/spans", json=body).status_code == 201
        per_create.append(len(statements))
    assert per_create[0] <= CREATE_MAX  # the first span also starts the assignment
    assert max(per_create[1:]) <= CREATE_MAX - 1
    assert per_create[1] == per_create[-1]
    statements.clear()
    data = client.get(url).get_json()
    assert len(data["spans"]) == 20
    assert len(statements) <= READ_MAX
