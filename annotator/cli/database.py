"""``annotator init-db`` (migrations) and ``annotator backup PATH``: a consistent copy of a live
SQLite database.

Uses SQLite's online backup API, so it is safe while the app is serving. For PostgreSQL use
``pg_dump`` (e.g. ``pg_dump -Fc -f annotator.dump DATABASE``); the command says so.
"""

from __future__ import annotations

import os
import sqlite3

import click

from annotator.cli.base import command


@command("init-db")
def init_db_command():
    """Create or upgrade the database schema (migrations)."""
    from annotator.services.database import upgrade_database

    upgrade_database()
    click.echo("Database is up to date.")


def sqlite_path(url: str) -> str | None:
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            return url[len(prefix) :] or None
    return None


def backup_sqlite(source: str, target: str) -> int:
    """Copy ``source`` into ``target`` page by page; returns the target's size in bytes."""
    if os.path.exists(target):
        raise click.ClickException(f"{target} already exists; choose a new file.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=1024)
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dst.close()
        src.close()
    if check != "ok":
        raise click.ClickException(f"The copy failed its integrity check: {check}")
    return os.path.getsize(target)


@command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Write a consistent copy of the (live) SQLite database to PATH."""
    from flask import current_app

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    source = sqlite_path(url)
    if source is None:
        raise click.ClickException(
            "backup copies SQLite databases; for PostgreSQL run "
            "`pg_dump -Fc -f annotator.dump <database>` (restore with pg_restore)."
        )
    if not os.path.exists(source):
        raise click.ClickException(f"No database at {source}.")
    size = backup_sqlite(source, path)
    click.echo(f"Backed up {source} to {path} ({size:,} bytes, integrity ok).")


COMMANDS = [init_db_command, backup_command]
