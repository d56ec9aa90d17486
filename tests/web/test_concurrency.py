"""Two sessions editing the same span: one wins, the other gets 409 — never a silent overwrite."""

import threading

from tests.factories import make_world


def test_two_sessions_updating_one_span(app, auth):
    with app.app_context():
        ids = make_world()
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/login", data={"username": "alice", "password": "correct-horse-1"})
    url = f"/api/v1/documents/{ids['document']}"
    label = first.get(url).get_json()["labels"][3]["id"]
    span = first.post(
        f"{url}/spans", json={"label_id": label, "start": 0, "end": 7, "text": "Leaders"}
    ).get_json()
    barrier, results = threading.Barrier(2), {}

    def edit(name, client):
        barrier.wait()
        response = client.patch(f"/api/v1/spans/{span['id']}", json={"version": 1, "note": name})
        results[name] = (response.status_code, response.get_json())

    threads = [
        threading.Thread(target=edit, args=(n, c)) for n, c in (("one", first), ("two", second))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(code for code, _ in results.values())
    assert statuses == [200, 409]
    winner = next(name for name, (code, _) in results.items() if code == 200)
    loser_body = next(body for code, body in results.values() if code == 409)
    assert loser_body["span"]["note"] == winner and loser_body["span"]["version"] == 2
    assert first.get(f"/api/v1/spans/{span['id']}").get_json()["note"] == winner
