"""The command line: every foundation command through ``runner.invoke``, plus the real script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import func, inspect, select

from annotator.extensions import db
from annotator.models import Assignment, Document, Membership, Project, User
from tests.conftest import TEST_PASSWORD, make_app
from tests.factories import make_project, make_user


def one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ")
    return line


def user(app, name: str) -> User | None:
    with app.app_context():
        found = db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
        if found is not None:
            db.session.expunge(found)
        return found


@pytest.fixture
def separate_app(app, tmp_path, monkeypatch):
    """An app on its own fresh SQLite file named by ANNOTATOR_DATABASE_URL (not the test DB)."""
    url = "sqlite:///" + str(tmp_path / "separate.sqlite")
    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", url)
    from annotator import create_app

    fresh = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path / "i"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    assert fresh.config["SQLALCHEMY_DATABASE_URI"] == url
    yield fresh
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


# --- init-db ---------------------------------------------------------------------------


def test_init_db_creates_schema_on_new_file(separate_app, tmp_path):
    assert not (tmp_path / "separate.sqlite").exists()
    runner = separate_app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database is up to date." in result.stdout
    assert (tmp_path / "separate.sqlite").exists()
    with separate_app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {"user", "project", "document", "span", "alembic_version"} <= tables
    # Running it again is harmless.
    assert runner.invoke(args=["init-db"]).exit_code == 0


def test_commands_before_init_db_explain(separate_app):
    result = separate_app.test_cli_runner().invoke(args=["assign", "Bias study"])
    line = one_error_line(result)
    assert "run 'annotator init-db'" in line


# --- create-user -----------------------------------------------------------------------


def test_create_user_password_stdin(app, runner):
    result = runner.invoke(args=["create-user", "carol", "--password-stdin"], input="s3cret-pass\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Created user carol."
    carol = user(app, "carol")
    assert carol.check_password("s3cret-pass") and not carol.is_admin and carol.active


def test_create_admin(app, runner):
    result = runner.invoke(
        args=["create-user", "root", "--admin", "--password-stdin"], input="admin-pass-1\n"
    )
    assert result.exit_code == 0
    assert "(admin)" in result.stdout and user(app, "root").is_admin


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (["create-user", "carol", "--password-stdin"], "short\n", "at least 8 characters"),
        (["create-user", "carol", "--password-stdin"], "", "at least 8 characters"),
        (["create-user", "bad name", "--password-stdin"], "long-enough-1\n", "User names are"),
        (["create-user", "alice", "--password-stdin"], "long-enough-1\n", "already exists"),
        (["create-user", "carol"], "long-enough-1\n", "use --password-stdin"),
    ],
    ids=["short-password", "no-password", "bad-name", "duplicate", "no-terminal"],
)
def test_create_user_errors(app, runner, args, stdin, message):
    with app.app_context():
        make_user("alice")
    result = runner.invoke(args=args, input=stdin)
    assert message in one_error_line(result)
    assert user(app, "carol") is None and user(app, "bad name") is None
    assert user(app, "alice").check_password(TEST_PASSWORD)


# --- create-project and add-member --------------------------------------------------------


@pytest.fixture
def people(app):
    with app.app_context():
        for name in ("lena", "alice", "bob"):
            make_user(name)


def test_create_project(app, runner, people):
    result = runner.invoke(
        args=["create-project", "Bias study", "--preset", "media-bias", "--lead", "lena"]
    )
    assert result.exit_code == 0, result.output
    assert "Created project 'Bias study'" in result.stdout
    with app.app_context():
        project = db.session.execute(select(Project)).scalar_one()
        assert [label.name for label in project.labels] == ["Framing", "Claim", "Quote", "Source"]
        assert [(m.user.username, m.role) for m in project.memberships] == [("lena", "lead")]


@pytest.mark.parametrize(
    "args,message",
    [
        (["create-project", "P", "--lead", "nobody"], "No user named 'nobody'."),
        (["create-project", "P", "--preset", "legal", "--lead", "lena"], "Unknown preset 'legal'"),
        (["create-project", "Existing", "--lead", "lena"], "already exists"),
        (["create-project", "   ", "--lead", "lena"], "needs a name"),
    ],
    ids=["unknown-lead", "unknown-preset", "duplicate", "blank-name"],
)
def test_create_project_errors(app, runner, people, args, message):
    with app.app_context():
        make_project("Existing", preset="empty")
    assert message in one_error_line(runner.invoke(args=args))
    with app.app_context():
        assert db.session.execute(select(func.count(Project.id))).scalar_one() == 1


def test_create_project_requires_lead(runner, people):
    result = runner.invoke(args=["create-project", "P"])
    assert result.exit_code == 2 and "--lead" in result.output


def test_add_member(app, runner, people):
    runner.invoke(args=["create-project", "Bias study", "--lead", "lena"])
    result = runner.invoke(args=["add-member", "Bias study", "alice", "--role", "annotator"])
    assert result.exit_code == 0 and "alice is a annotator of Bias study" in result.stdout
    assert runner.invoke(args=["add-member", "1", "bob"]).exit_code == 0  # id; default role
    assert runner.invoke(args=["add-member", "Bias study", "bob", "--role", "lead"]).exit_code == 0
    with app.app_context():
        roles = dict(
            db.session.execute(select(User.username, Membership.role).join(Membership.user)).all()
        )
    assert roles == {"lena": "lead", "alice": "annotator", "bob": "lead"}


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["add-member", "Nope", "alice"], 1, "Error: No project 'Nope'."),
        (["add-member", "Bias study", "nobody"], 1, "Error: No user named 'nobody'."),
        (["add-member", "Bias study", "alice", "--role", "owner"], 2, "Invalid value for '--role'"),
    ],
    ids=["unknown-project", "unknown-user", "bad-role"],
)
def test_add_member_errors(app, runner, people, args, code, message):
    runner.invoke(args=["create-project", "Bias study", "--lead", "lena"])
    result = runner.invoke(args=args)
    assert result.exit_code == code and message in result.output
    with app.app_context():
        assert db.session.execute(select(func.count(Membership.id))).scalar_one() == 1


# --- assign ----------------------------------------------------------------------------


def test_assign(app, runner, people, tmp_path):
    runner.invoke(args=["create-project", "Bias study", "--lead", "lena"])
    runner.invoke(args=["add-member", "Bias study", "alice"])
    runner.invoke(args=["add-member", "Bias study", "bob"])
    articles = tmp_path / "a.jsonl"
    articles.write_text("\n".join(f'{{"text": "Article {i}."}}' for i in range(5)))
    assert runner.invoke(args=["import", "Bias study", str(articles)]).exit_code == 0
    result = runner.invoke(args=["assign", "Bias study"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "Created 10 assignments for 2 annotators."
    result = runner.invoke(args=["assign", "Bias study", "--per-doc", "1"])
    assert result.stdout.strip() == "Created 0 assignments for 2 annotators."
    with app.app_context():
        assert db.session.execute(select(Project.per_doc)).scalar_one() == 1
        assert db.session.execute(select(func.count(Assignment.id))).scalar_one() == 10


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["assign", "Bias study"], 1, "Error: The project has no annotators"),
        (["assign", "Nope"], 1, "Error: No project 'Nope'."),
        (["assign", "Bias study", "--per-doc", "0"], 2, "Invalid value for '--per-doc'"),
    ],
    ids=["no-annotators", "unknown-project", "k-zero"],
)
def test_assign_errors(app, runner, people, args, code, message):
    runner.invoke(args=["create-project", "Bias study", "--lead", "lena"])
    result = runner.invoke(args=args)
    assert result.exit_code == code and message in result.output
    with app.app_context():
        assert db.session.execute(select(Project.per_doc)).scalar_one() == 2


# --- demo ------------------------------------------------------------------------------


def counts(app) -> dict:
    with app.app_context():
        return {
            model.__name__: db.session.execute(select(func.count(model.id))).scalar_one()
            for model in (User, Project, Membership, Document, Assignment)
        }


def test_demo_twice_creates_nothing_twice(separate_app):
    runner = separate_app.test_cli_runner()
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "password" in first.stdout and "Serving" not in first.stdout
    after_first = counts(separate_app)
    assert after_first["User"] == 4 and after_first["Project"] == 1  # lead, 2 annotators, admin
    assert "(site admin)" in first.stdout
    assert after_first["Document"] >= 3
    assert after_first["Assignment"] == 2 * after_first["Document"]
    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert "0 new articles, 0 new assignments" in second.stdout
    assert counts(separate_app) == after_first
    # Ready to annotate: each demo password works and each annotator has work.
    client = separate_app.test_client()
    for line in first.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "password":
            response = client.post("/login", data={"username": parts[0], "password": parts[2]})
            assert response.status_code == 302, parts[0]
            home = client.get("/")
            assert b"Media bias demo" in home.data
            if "annotator" in line:
                assert b"Continue" in home.data
            # The admin account manages users from the browser; the others may not.
            assert client.get("/users").status_code == (200 if "site admin" in line else 403)
            client.post("/logout")


# --- the real console script -------------------------------------------------------------


def console_script() -> str:
    """The installed ``annotator`` script (beside this Python, to skip pyenv's shim)."""
    beside = os.path.join(os.path.dirname(sys.executable), "annotator")
    return beside if os.path.exists(beside) else (shutil.which("annotator") or "annotator")


def test_console_script_unknown_project(tmp_path):
    url = "sqlite:///" + str(tmp_path / "script.sqlite")
    setup = make_app(url, str(tmp_path / "instance"))
    with setup.app_context():
        db.create_all()
        db.engine.dispose()
    env = dict(os.environ)
    env.pop("ANNOTATOR_TEST_DATABASE_URL", None)
    env.update(
        ANNOTATOR_INSTANCE_PATH=str(tmp_path / "instance"),
        ANNOTATOR_DATABASE_URL=url,
        ANNOTATOR_SECRET_KEY="script-test-secret",
    )
    result = subprocess.run(
        [console_script(), "assign", "No such project"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: No project 'No such project'."
    assert result.stdout == ""


def test_flask_cli_has_the_same_commands(app):
    """``flask --app annotator`` builds the same app, so it sees the same commands."""
    names = {"init-db", "create-user", "create-project", "add-member", "import", "assign", "demo"}
    assert names <= set(app.cli.commands)


def test_cli_app_gets_a_secret_on_first_use(tmp_path, monkeypatch):
    """The console script writes a random secret into a fresh instance folder."""
    from annotator.__main__ import _cli_app

    monkeypatch.delenv("ANNOTATOR_SECRET_KEY", raising=False)
    monkeypatch.setenv("ANNOTATOR_INSTANCE_PATH", str(tmp_path / "fresh"))
    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", "sqlite:///" + str(tmp_path / "f.sqlite"))
    first = _cli_app().config["SECRET_KEY"]
    assert (tmp_path / "fresh" / "config.py").exists()
    assert len(first) == 64 and _cli_app().config["SECRET_KEY"] == first


def test_make_app_helper_is_isolated(database_url, tmp_path):
    """Sanity check for this module's fixtures: make_app talks to the test database."""
    assert make_app(database_url, str(tmp_path / "i")).config["TESTING"] is True


def test_console_script_demo_serves_the_app(tmp_path):
    """README's first command: ``annotator demo`` sets up the demo and answers on its port."""
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    env.pop("ANNOTATOR_TEST_DATABASE_URL", None)
    env.pop("ANNOTATOR_DATABASE_URL", None)
    env["ANNOTATOR_INSTANCE_PATH"] = str(tmp_path / "instance")
    proc = subprocess.Popen(
        [console_script(), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    assert r.status == 200
                    assert b"Log in" in r.read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.communicate(timeout=5)[0]) from None
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(10)
