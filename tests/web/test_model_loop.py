"""The model loop: scored suggestions under a threshold, answers counted on the Model page,
active learning's order, an external Label Studio ML backend, and fits in a child process."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Assignment, Label, ModelRun, Project, SuggestionDecision, User
from annotator.services.analysis.training import create_run, execute_run
from annotator.services.projects.assigning import assign
from annotator.services.projects.progress import next_document
from tests.factories import make_document, make_span, make_user, make_world
from tests.mlbackend_server import MLBackend

SENTENCES = [
    "The minister said the reform is a disaster for families.",
    "Officials claimed the budget grew by ten percent.",
    "Critics warned of chaos at the border.",
    "The weather was mild on Tuesday.",
]
MARKED = [("claimed the budget grew", "Claim"), ("a disaster", "Framing"), ("chaos", "Framing")]


def _labels(project_id: int) -> dict[str, int]:
    rows = db.session.execute(select(Label.name, Label.id).where(Label.project_id == project_id))
    return {name: label_id for name, label_id in rows}


@pytest.fixture
def world(app):
    """make_world's project with eight articles alice and bob marked alike (but for "chaos",
    marked in every other article), a span model
    trained on them (in this process), suggestions on and the project not blind."""
    with app.app_context():
        ids = make_world()
        project = db.session.get(Project, ids["project"])
        labels = _labels(project.id)
        people = [db.session.get(User, ids["alice"]), db.session.get(User, ids["bob"])]
        docs = []
        for n in range(8):
            text = " ".join(SENTENCES[(n + k) % 4] for k in range(4)) + f" Story {n}."
            doc = make_document(project, text, external_id=f"m{n}")
            docs.append(doc.id)
            for user in people:
                # "chaos" marked in half the articles only: the model is unsure of it
                for fragment, label in MARKED[: 3 if n % 2 else 2]:
                    start = text.index(fragment)
                    body = {"label_id": labels[label], "start": start, "end": start + len(fragment)}
                    make_span(user, doc, {**body, "text": fragment})
        project.suggestions, project.blind = True, False
        db.session.commit()
        run = execute_run(create_run(project, None, "span", 2).id)
        assert run.status == "finished", run.error
        ids.update(docs=docs, labels=labels, run=run.id)
    return ids


def _give(user, project, document_id):
    db.session.add(Assignment(user_id=user.id, project_id=project.id, document_id=document_id))
    db.session.commit()


def _suggest(client, doc):
    response = client.get(f"/api/v1/documents/{doc}/suggestions")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# ---- item 2: scores, threshold, answers ---------------------------------------------------------


def test_threshold_defaults_to_the_tuned_one_and_the_leads_is_honoured(app, client, auth, world):
    # carol has no spans of her own: everything the model finds is offered to her
    with app.app_context():
        carol = make_user("carol")
        from annotator.services.projects.projects import add_member

        project = db.session.get(Project, world["project"])
        add_member(project, carol, "annotator")
        _give(carol, project, world["docs"][0])
        tuned = db.session.get(ModelRun, world["run"]).params["threshold"]
    auth.login("carol")
    doc = world["docs"][0]
    default = _suggest(client, doc)
    assert default["threshold"] == round(tuned, 3) and default["origin"] == "model"
    assert default["suggestions"] and all(s["score"] >= tuned for s in default["suggestions"])
    with app.app_context():
        db.session.get(Project, world["project"]).suggestion_threshold = 0.0
        db.session.commit()
    everything = _suggest(client, doc)
    scores = sorted(s["score"] for s in everything["suggestions"])
    assert len(scores) >= len(default["suggestions"])
    cut = (scores[0] + scores[-1]) / 2
    assert scores[0] < cut <= scores[-1]
    with app.app_context():
        db.session.get(Project, world["project"]).suggestion_threshold = cut
        db.session.commit()
    above = _suggest(client, doc)
    assert above["threshold"] == round(cut, 3)
    assert [s["score"] for s in above["suggestions"]] == [
        s["score"] for s in everything["suggestions"] if s["score"] >= cut
    ]
    assert above["dropped"]["below the threshold"] == sum(1 for s in scores if s < cut)


def test_answers_are_stored_counted_and_not_offered_again(app, client, auth, world):
    with app.app_context():
        carol = make_user("carol")
        from annotator.services.projects.projects import add_member

        add_member(db.session.get(Project, world["project"]), carol, "annotator")
        project = db.session.get(Project, world["project"])
        project.suggestion_threshold = 0.0
        _give(carol, project, world["docs"][1])
    auth.login("carol")
    doc = world["docs"][1]
    offered = _suggest(client, doc)["suggestions"]
    assert len(offered) >= 3
    url = f"/api/v1/documents/{doc}/suggestions/decisions"
    first, second, third = offered[:3]
    for s, decision in ((first, "accepted"), (second, "dismissed"), (third, "dismissed")):
        body = {k: s[k] for k in ("label_id", "start", "end", "score")}
        assert client.post(url, json={**body, "decision": decision}).status_code == 200
    # undoing one dismissal: it is offered again
    body = {k: third[k] for k in ("label_id", "start", "end", "score")}
    assert client.post(url, json={**body, "decision": "undecided"}).status_code == 200
    again = {(s["start"], s["end"], s["label_id"]) for s in _suggest(client, doc)["suggestions"]}
    assert (third["start"], third["end"], third["label_id"]) in again
    assert (second["start"], second["end"], second["label_id"]) not in again
    assert (first["start"], first["end"], first["label_id"]) not in again
    # bad answers: 400 and nothing stored
    for bad in (
        {**body, "decision": "maybe"},
        {**body, "decision": "accepted", "end": 10**6},
        {**body, "decision": "accepted", "score": 7},
        {**body, "decision": "accepted", "label_id": 999999},
    ):
        assert client.post(url, json=bad).status_code == 400
    with app.app_context():
        rows = db.session.execute(select(SuggestionDecision.decision)).scalars().all()
        assert sorted(rows) == ["accepted", "dismissed"]
    auth.logout()
    auth.login("lena")
    page = client.get(f"/projects/{world['project']}/model").get_data(as_text=True)
    assert '<tr class="total"><th>All labels</th><td>1</td><td>1</td><td>0.500</td></tr>' in page


def test_decisions_need_suggestions_on(app, client, auth, world):
    with app.app_context():
        db.session.get(Project, world["project"]).suggestions = False
        db.session.commit()
    auth.login("alice")
    url = f"/api/v1/documents/{world['docs'][0]}/suggestions/decisions"
    body = {"label_id": 1, "start": 0, "end": 3, "score": 0.5, "decision": "dismissed"}
    assert client.post(url, json=body).status_code == 403


# ---- item 3: active learning --------------------------------------------------------------------


@pytest.fixture
def al_world(app, world):
    """The world with active learning: carol and dave (k = 2 over ten articles)."""
    with app.app_context():
        project = db.session.get(Project, world["project"])
        from annotator.services.projects.projects import add_member

        for name in ("carol", "dave"):
            add_member(project, make_user(name), "annotator")
        extra = make_document(
            project, "Nothing at all happened. It was a quiet day.", external_id="q"
        )
        project.active_learning = True
        assign(project)
        db.session.commit()
        world.update(extra=extra.id)
    return world


def _assignments(project_id):
    return sorted(
        db.session.execute(
            select(Assignment.user_id, Assignment.document_id, Assignment.status).where(
                Assignment.project_id == project_id
            )
        ).all()
    )


def test_next_article_is_the_least_certain_and_nothing_else_moves(app, client, auth, al_world):
    with app.app_context():
        project = db.session.get(Project, al_world["project"])
        before = _assignments(project.id)
        carol = db.session.execute(select(User).where(User.username == "carol")).scalar_one()
        mine = sorted(
            db.session.execute(
                select(Assignment.document_id).where(
                    Assignment.user_id == carol.id, Assignment.status == "todo"
                )
            ).scalars()
        )
        assert len(mine) >= 2
        # the world's run predates the new article: retrain, and every article is scored
        run = execute_run(create_run(project, None, "span", 2).id)
        by = {int(k): v for k, v in run.uncertainty.items()}
        assert set(mine) <= set(by)
        expected = max(mine, key=lambda d: (by[d], -d))
        assert next_document(carol.id, project.id) == expected
        # off: order of import again
        project.active_learning = False
        db.session.commit()
        assert next_document(carol.id, project.id) == mine[0]
        project.active_learning = True
        db.session.commit()
        # started work comes first, whatever the model thinks
        started = next(d for d in mine if d != expected)
        db.session.execute(
            Assignment.__table__.update()
            .where(Assignment.user_id == carol.id, Assignment.document_id == started)
            .values(status="in_progress")
        )
        db.session.commit()
        assert next_document(carol.id, project.id) == started
        db.session.execute(
            Assignment.__table__.update()
            .where(Assignment.user_id == carol.id, Assignment.document_id == started)
            .values(status="todo")
        )
        db.session.commit()
        # k per article and the balance are untouched: the same assignments, re-assigning
        # creates and moves nothing
        assert _assignments(project.id) == before
        report = assign(project)
        assert (report.created, report.moved) == (0, 0)
        counts = db.session.execute(
            select(Assignment.document_id, func.count())
            .where(Assignment.project_id == project.id)
            .group_by(Assignment.document_id)
        ).all()
        assert {n for _, n in counts} == {2}
    # the home page says which order is in force; opening the pick through Continue counts
    auth.login("carol")
    home = client.get("/").get_data(as_text=True)
    assert 'data-order="uncertainty"' in home and "least certain" in home
    assert f"/documents/{expected}/annotate?via=next" in home
    response = client.get(f"/projects/{al_world['project']}/next")
    assert f"/documents/{expected}/annotate?via=next" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200
    # opening another article directly is not counted
    other = next(d for d in mine if d != expected)
    assert (
        client.get(f"/projects/{al_world['project']}/documents/{other}/annotate").status_code == 200
    )
    with app.app_context():
        picked = (
            db.session.execute(
                select(Assignment.document_id).where(Assignment.picked_by == "uncertainty")
            )
            .scalars()
            .all()
        )
        assert picked == [expected]
    auth.logout()
    auth.login("lena")
    page = client.get(f"/projects/{al_world['project']}/model").get_data(as_text=True)
    assert "active learning's pick (the least certain first): 1 of" in page


def test_blind_projects_stay_blind_under_active_learning(app, client, auth, al_world):
    with app.app_context():
        project = db.session.get(Project, al_world["project"])
        project.blind = True
        db.session.commit()
    auth.login("carol")
    response = client.get(f"/projects/{al_world['project']}/next")
    doc = int(response.headers["Location"].split("/documents/")[1].split("/")[0])
    data = client.get(f"/api/v1/documents/{doc}").get_json()
    assert data["spans"] == []  # alice's and bob's spans on it are not shown
    assert "alice" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_home_page_says_import_order_without_a_model(app, client, auth):
    with app.app_context():
        ids = make_world()
        db.session.get(Project, ids["project"]).active_learning = True
        db.session.commit()
    auth.login("alice")
    assert 'data-order="waiting"' in client.get("/").get_data(as_text=True)
    with app.app_context():
        db.session.get(Project, ids["project"]).active_learning = False
        db.session.commit()
    assert 'data-order="import"' in client.get("/").get_data(as_text=True)


# ---- item 4: an external model server -----------------------------------------------------------


@pytest.fixture
def backend():
    server = MLBackend(
        {"Geneva": ("claim", 0.9), "chapter": ("Framing", 0.4), "met": ("Nope", 0.8)}, utf16=True
    )
    yield server
    try:
        server.down()
    except OSError:
        pass


def test_suggestions_from_a_label_studio_ml_backend(app, client, auth, backend):
    with app.app_context():
        ids = make_world()
        project = db.session.get(Project, ids["project"])
        project.suggestions, project.blind = True, False
        db.session.commit()
    auth.login("lena")
    form = {"model_server_url": backend.url + "/", "suggestion_threshold": ""}
    response = client.post(f"/projects/{ids['project']}/model/settings", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert [p for p, _ in backend.requests] == ["/health", "/setup"]
    assert '<Label value="Claim"' in backend.requests[1][1]["schema"]
    with app.app_context():
        assert db.session.get(Project, ids["project"]).model_server_url == backend.url
    auth.logout()
    auth.login("alice")
    data = _suggest(client, ids["document"])
    text = "Leaders 🤝 met in Geneva. “A new chapter,” they said."
    assert data["origin"] == "server" and data["model_version"] == "keywords-1"
    got = [(s["text"], s["label"], s["score"], s["start"], s["end"]) for s in data["suggestions"]]
    # UTF-16 offsets (after the emoji) converted to code points; labels matched by name
    # ignoring case; a label the project lacks dropped and counted
    assert got == [
        ("Geneva", "Claim", 0.9, text.index("Geneva"), text.index("Geneva") + 6),
        ("chapter", "Framing", 0.4, text.index("chapter"), text.index("chapter") + 7),
    ]
    assert data["dropped"] == {"label not in the project: Nope": 1}
    predict = backend.requests[-1][1]
    assert predict["tasks"][0]["data"]["text"] == text and "<View>" in predict["label_config"]
    # the project's threshold applies to the server's scores too
    with app.app_context():
        db.session.get(Project, ids["project"]).suggestion_threshold = 0.5
        db.session.commit()
    assert [s["text"] for s in _suggest(client, ids["document"])["suggestions"]] == ["Geneva"]
    # slow: a clear error within the timeout
    app.config["MODEL_SERVER_TIMEOUT"] = 0.3
    backend.delay = 1.0
    response = client.get(f"/api/v1/documents/{ids['document']}/suggestions")
    assert response.status_code == 502
    assert "did not answer /predict within 0.3 s" in response.get_json()["error"]
    # down: a clear error naming the server
    backend.delay = 0.0
    backend.down()
    response = client.get(f"/api/v1/documents/{ids['document']}/suggestions")
    assert response.status_code == 502
    assert f"The model server at {backend.url} cannot be reached" in response.get_json()["error"]
    # the annotate page itself does not wait for it
    page = client.get(f"/projects/{ids['project']}/documents/{ids['document']}/annotate")
    assert page.status_code == 200


def test_registering_a_server_that_is_down_is_refused(app, client, auth, backend):
    with app.app_context():
        ids = make_world()
    backend.down()
    auth.login("lena")
    for url, message in (
        (backend.url, "cannot be reached"),
        ("ftp://example.org", "must start with http:// or https://"),
    ):
        response = client.post(
            f"/projects/{ids['project']}/model/settings", data={"model_server_url": url}
        )
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Project, ids["project"]).model_server_url == ""
    response = client.post(
        f"/projects/{ids['project']}/model/settings", data={"suggestion_threshold": "1.5"}
    )
    assert response.status_code == 400


# ---- item 5: fits in a child process ------------------------------------------------------------


def test_thread_backend_fits_in_a_child_process(app, world, monkeypatch):
    """The job waits for ``python -m annotator.background`` and relays its progress; the fit
    does not run in this process (its execute_run is replaced by one that fails)."""
    from annotator import background
    from annotator.jobs import ThreadQueue, get_queue

    if app.config["SQLALCHEMY_DATABASE_URI"].endswith(":memory:"):
        pytest.skip("an in-memory database cannot be shared with a child process")

    def not_here(*args, **kwargs):
        raise AssertionError("the fit ran in the web process")

    monkeypatch.setattr(background, "execute_run", not_here)
    with app.app_context():
        project = db.session.get(Project, world["project"])
        run = create_run(project, None, "span", 2)
        db.session.commit()
        run_id = run.id
    queue = ThreadQueue()
    seen = []
    queue._progress = lambda job, f: seen.append(f)  # noqa: SLF001 - observe the relay
    job = queue.submit(
        "annotator.background.training_job",
        run_id,
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.instance_path,
        isolate=True,
    )
    queue.join(timeout=300)
    status = queue.status(job)
    assert status["state"] == "finished", status
    assert status["result"]["status"] == "finished", status["result"]
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    with app.app_context():
        run = db.session.get(ModelRun, run_id)
        assert run.status == "finished" and run.uncertainty and run.model_path
    assert get_queue() is not queue


def test_start_run_isolates_fits_with_the_thread_backend(app):
    from annotator.services.analysis.training import isolate_fits

    with app.app_context():
        assert isolate_fits("thread", "sqlite:////tmp/x.sqlite")
        assert isolate_fits("thread", "postgresql+psycopg://u@h/db")
        assert not isolate_fits("thread", "sqlite://")
        assert not isolate_fits("thread", "sqlite:///:memory:")
        assert not isolate_fits("rq", "sqlite:////tmp/x.sqlite")
        app.config["TRAINING_PROCESS"] = "thread"
        assert not isolate_fits("thread", "sqlite:////tmp/x.sqlite")


def test_a_crashed_child_fails_the_run_with_its_error(app, world, monkeypatch):
    from annotator import background

    with app.app_context():
        run = create_run(db.session.get(Project, world["project"]), None, "span", 2)
        db.session.commit()
        run_id = run.id
    monkeypatch.setenv(
        "ANNOTATOR_TRAINING_DATABASE_URL", "x"
    )  # overridden: the child gets a bad one
    monkeypatch.setattr(background, "DATABASE_ENV", "ANNOTATOR_TRAINING_DATABASE_URL_BROKEN")
    result = background.training_job(
        run_id, app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, isolate=True
    )
    assert (
        result["status"] == "failed" and "training process ended with an error" in result["error"]
    )


def test_a_model_server_on_the_servers_own_network_is_refused(app, client, auth, backend):
    """Server-side request forgery: a lead cannot point the server at a private, link-local
    (a cloud's metadata service) or reserved address, nor have a redirect followed, unless a
    site admin lists the network (ANNOTATOR_MODEL_SERVER_NETWORKS); this machine is listed by
    default, where ML backends usually run."""
    with app.app_context():
        ids = make_world()
        project = db.session.get(Project, ids["project"])
        project.suggestions, project.blind = True, False
        db.session.commit()
    auth.login("lena")
    url = f"/projects/{ids['project']}/model/settings"

    def register(server_url):
        return client.post(url, data={"model_server_url": server_url})

    for address in ("http://169.254.169.254/latest", "http://10.1.2.3:9090", "http://[fe80::1]"):
        response = register(address)
        assert response.status_code == 400
        assert "a private, link-local or reserved address" in response.get_data(as_text=True)
    # listed by a site admin: the address is allowed (and then simply not reachable here)
    app.config.update(MODEL_SERVER_NETWORKS="10.0.0.0/8, 192.168.0.0/16", MODEL_SERVER_TIMEOUT=0.3)
    page = register("http://10.255.255.1:9").get_data(as_text=True)
    assert "The model server at http://10.255.255.1:9" in page and "private" not in page
    # loopback no longer listed: the test server itself is refused, before any request
    assert register(backend.url).status_code == 400 and backend.requests == []
    app.config["MODEL_SERVER_NETWORKS"] = ["127.0.0.0/8"]
    # a redirect is not followed
    backend.redirect = "http://169.254.169.254"
    response = register(backend.url)
    assert response.status_code == 400
    assert "with a redirect (HTTP 302), which is not followed" in response.get_data(as_text=True)
    assert [p for p, _ in backend.requests] == ["/health"]
    backend.redirect = None
    assert register(backend.url).status_code == 302
    with app.app_context():
        assert db.session.get(Project, ids["project"]).model_server_url == backend.url
    # a name resolving to a refused address is caught at every use, not only at registration
    app.config["MODEL_SERVER_NETWORKS"] = []
    auth.logout()
    auth.login("alice")
    response = client.get(f"/api/v1/documents/{ids['document']}/suggestions")
    assert response.status_code in (400, 502)
    assert "private, link-local or reserved" in response.get_json()["error"]
