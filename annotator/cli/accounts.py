"""``annotator create-user``."""

from __future__ import annotations

import sys

import click

from annotator.cli.base import command


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


COMMANDS = [create_user_command]
