"""The ``annotator`` command line: thin wrappers over services.

Also available as ``flask --app annotator <command>``. Errors exit 1 with one line on stderr.
"""

from __future__ import annotations

import functools
import os
import secrets
import sys
import time
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from annotator.services.errors import ServiceError


def fail_cleanly(func):
    """Turn ServiceError into a one-line ``Error: ...`` and roll back."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from annotator.extensions import db

        try:
            return func(*args, **kwargs)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        except (OperationalError, ProgrammingError) as exc:  # e.g. init-db was never run
            db.session.rollback()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise click.ClickException(
                f"database error ({reason}); run 'annotator init-db' to create or upgrade it."
            ) from None

    return wrapper


def command(name: str, **kwargs):
    """A CLI command that runs in the app context and fails cleanly."""

    def decorate(func):
        return click.command(name, **kwargs)(with_appcontext(fail_cleanly(func)))

    return decorate


@command("init-db")
def init_db_command():
    """Create or upgrade the database schema (migrations)."""
    from annotator.services.database import upgrade_database

    upgrade_database()
    click.echo("Database is up to date.")


@command("create-user")
@click.argument("name")
@click.option("--admin", is_flag=True, help="Make the user a site admin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(name, admin, password_stdin):
    """Create a user account."""
    from annotator.extensions import db
    from annotator.services.accounts.users import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        raise click.ClickException("No terminal to ask for a password: use --password-stdin.")
    create_user(name, password, admin=admin)
    db.session.commit()
    click.echo(f"Created user {name}{' (admin)' if admin else ''}.")


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


@command("import")
@click.argument("project")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def import_command(project, files):
    """Import articles (.txt, .jsonl, .csv, .zip) into PROJECT in one transaction."""
    from flask import current_app

    from annotator.extensions import db
    from annotator.services.projects.projects import get_project
    from annotator.services.transfer.importing import import_files

    target = get_project(project)
    began = time.perf_counter()  # the whole import: reading, checking, inserting, committing
    loaded = []
    for path in files:
        try:
            loaded.append((os.path.basename(path), Path(path).read_bytes()))
        except OSError as exc:
            raise click.ClickException(f"{path}: cannot read ({exc.strerror}).") from None
    bars = []  # the bar starts with the inserts, so a bad file prints only its error line

    def progress(done, total):
        if not bars:
            bars.append(click.progressbar(length=max(total, 1), label="Importing", file=sys.stderr))
            bars[0].__enter__()
        bars[0].update(done - bars[0].pos)

    try:
        report = import_files(
            target,
            loaded,
            progress=progress,
            max_chars=current_app.config["IMPORT_MAX_TEXT_CHARS"],
            max_records=current_app.config["IMPORT_MAX_RECORDS"],
        )
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)
    db.session.commit()
    click.echo(f"{report.summary()} Done in {time.perf_counter() - began:.3f} s.")


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


COMMANDS = [
    init_db_command,
    create_user_command,
    create_project_command,
    add_member_command,
    import_command,
    assign_command,
]


def init_app(app) -> None:
    from annotator.demo import demo_command

    for cmd in [*COMMANDS, demo_command, *_extra_commands()]:
        app.cli.add_command(cmd)


def _extra_commands() -> list:
    """Commands of later features, each in its own module."""
    from annotator import commands

    return commands.all_commands()


def ensure_instance_secret() -> None:
    """Give a fresh instance folder a random secret key so the CLI works out of the box."""
    from annotator.config import instance_path

    if os.environ.get("ANNOTATOR_SECRET_KEY"):
        return
    folder = Path(instance_path())
    config = folder / "config.py"
    if config.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f"# Generated on first use; keep it secret.\nSECRET_KEY = {secrets.token_hex(32)!r}\n"
    )


def _cli_app():
    from annotator import create_app

    ensure_instance_secret()
    return create_app()


def main() -> None:
    FlaskGroup(create_app=_cli_app, help="annotator: media-bias annotation tool.")(
        prog_name="annotator"
    )
