"""What every CLI command shares: the app context and one-line errors. Imports no command."""

from __future__ import annotations

import functools

import click
from flask.cli import with_appcontext

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
