"""``annotator demo``: a ready-to-annotate media-bias project on the instance database."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from werkzeug.serving import run_simple

from annotator.cli.base import fail_cleanly

DEMO_USERS = (
    ("lead", "demo-lead", "lead"),
    ("alice", "demo-alice", "annotator"),
    ("bob", "demo-bob", "annotator"),
)
# A site admin (user management at /users), not a member of the project: admins act as leads.
DEMO_ADMIN = ("admin", "demo-admin", "site admin")
DEMO_PROJECT = "Media bias demo"
ARTICLES = Path(__file__).parents[1] / "demo_articles" / "articles.jsonl"


def build_demo() -> dict:
    """Create (or complete) the demo users, project, articles and assignments. Idempotent."""
    from annotator.extensions import db
    from annotator.models import Project, User
    from annotator.services.accounts.users import create_user
    from annotator.services.projects.assigning import assign
    from annotator.services.projects.projects import add_member, create_project
    from annotator.services.transfer.importing import import_files

    users = {}
    for name, password, _ in (*DEMO_USERS, DEMO_ADMIN):
        user = db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
        users[name] = user or create_user(name, password, admin=name == DEMO_ADMIN[0])
    project = db.session.execute(
        select(Project).where(Project.name == DEMO_PROJECT)
    ).scalar_one_or_none()
    if project is None:
        project = create_project(DEMO_PROJECT, preset="media-bias", lead=users["lead"], per_doc=2)
    for name, _, role in DEMO_USERS:
        add_member(project, users[name], role)
    report = import_files(project, [(ARTICLES.name, ARTICLES.read_bytes())])
    assigned = assign(project)
    db.session.commit()
    return {"project": project, "imported": report.imported, "assigned": assigned.created}


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set up the demo data and exit.")
@with_appcontext
@fail_cleanly
def demo_command(host, port, no_serve):
    """Set up a demo project (a lead, two annotators and a site admin) and serve the app."""
    from annotator.services.database import upgrade_database

    upgrade_database()
    result = build_demo()
    project = result["project"]
    click.echo(
        f"Demo project {project.name!r}: {result['imported']} new articles, "
        f"{result['assigned']} new assignments."
    )
    click.echo("Log in with one of these demo accounts:")
    for name, password, role in (*DEMO_USERS, DEMO_ADMIN):
        click.echo(f"  {name:6} password {password:11} ({role})")
    if no_serve:
        return
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    # Werkzeug's server directly: Flask's app.run() does nothing inside a CLI command.
    run_simple(host, port, current_app._get_current_object(), threaded=True)


COMMANDS = [demo_command]
