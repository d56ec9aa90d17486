"""``annotator create-project``, ``add-member`` and ``assign``."""

from __future__ import annotations

import click

from annotator.cli.base import command


@command("create-project")
@click.argument("name")
@click.option("--preset", default="media-bias", show_default=True)
@click.option("--lead", "lead_name", required=True, help="User name of the project lead.")
@click.option("--per-doc", default=2, show_default=True, type=click.IntRange(1, 50))
def create_project_command(name, preset, lead_name, per_doc):
    """Create a project from a preset with USER as its lead."""
    from annotator.extensions import db
    from annotator.services.accounts.users import get_user
    from annotator.services.projects.projects import create_project

    project = create_project(name, preset=preset, lead=get_user(lead_name), per_doc=per_doc)
    db.session.commit()
    click.echo(f"Created project {project.name!r} (id {project.id}).")


@command("add-member")
@click.argument("project")
@click.argument("username")
@click.option("--role", type=click.Choice(["annotator", "lead"]), default="annotator")
def add_member_command(project, username, role):
    """Add USERNAME to PROJECT (name or id) as annotator or lead."""
    from annotator.extensions import db
    from annotator.services.accounts.users import get_user
    from annotator.services.projects.projects import add_member, get_project

    add_member(get_project(project), get_user(username), role)
    db.session.commit()
    click.echo(f"{username} is a {role} of {project}.")


@command("assign")
@click.argument("project")
@click.option(
    "--per-doc",
    type=click.IntRange(1, 50),
    default=None,
    help="Annotators per article (default: the project's k).",
)
def assign_command(project, per_doc):
    """Give every article in PROJECT to k annotators, balancing workloads."""
    from annotator.extensions import db
    from annotator.services.projects.assigning import assign
    from annotator.services.projects.projects import get_project

    target = get_project(project)
    if per_doc:
        target.per_doc = per_doc
    report = assign(target, per_doc)
    db.session.commit()
    click.echo(report.summary())


COMMANDS = [create_project_command, add_member_command, assign_command]
