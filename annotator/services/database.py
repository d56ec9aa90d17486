"""Schema management: migrations for real databases, create_all for throwaway test databases."""

from __future__ import annotations

import os

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


def upgrade_database() -> None:
    """Apply every migration (creates the database file on SQLite), then make sure the
    write-stamp triggers exist (a SQLite batch migration that rebuilds a table drops them)."""
    from flask import current_app
    from flask_migrate import Migrate, upgrade

    from annotator.extensions import db
    from annotator.models import write_stamp

    if "migrate" not in current_app.extensions:  # an app built for the web server
        Migrate(current_app, db, directory=MIGRATIONS)
    upgrade(directory=MIGRATIONS)
    with db.engine.begin() as connection:
        write_stamp.install(connection)
