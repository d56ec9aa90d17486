"""The project's write stamp: ``project.write_stamp`` changes with every committed write to the
project's data, whoever makes it (ORM, Core statements, the CLI, raw SQL), because database
triggers keep it - not application code that every new write path would have to remember.

Tables whose rows belong to one project (directly by ``project_id`` or through
``document_id``) carry the triggers; audit logs (``span_event``, ``gold_event``) change only
with the rows they record. A new table of project data must be added to ``TABLES``.

- SQLite: one ``AFTER INSERT/UPDATE/DELETE`` trigger per table and operation adds one to the
  stamp (SQLite has one writer at a time, so updating the project row costs no waiting).
- PostgreSQL: writers never update the project row (that would queue every save of a project
  behind the others, and behind a running import, on its row lock). A row trigger appends one
  row to ``project_write`` once per project and transaction (a transaction-local setting
  remembers it); appends never wait for each other. The stamp is ``project.write_stamp`` plus
  the project's ``project_write`` rows, read in one statement (one snapshot), so it grows with
  every committed writing transaction. ``compact`` folds the rows into ``write_stamp`` in one
  transaction, which leaves the sum unchanged.

Readers (``services/report_cache``) read the stamp before the data, so a report stored under a
stamp never holds data older than that stamp.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import db

# table -> how a row names its project: "project" (a project_id column) or "document"
TABLES = {
    "document": "project",
    "assignment": "project",
    "membership": "project",
    "label": "project",
    "document_question": "project",
    "outlet": "project",
    "model_run": "project",
    "span": "document",
    "document_answer": "document",
    "gold_span": "document",
    "gold_answer": "document",
    "document_curation": "document",
    "guideline_version": "project",
}
FUNCTION = "annotator_bump_write_stamp"
STAMP = text(
    "SELECT p.write_stamp + (SELECT count(*) FROM project_write w WHERE w.project_id = p.id) "
    "FROM project p WHERE p.id = :project_id"
)


class ProjectWrite(db.Model):
    """One committed writing transaction of a project not yet folded into its stamp
    (PostgreSQL only; SQLite triggers add to ``project.write_stamp`` directly)."""

    __tablename__ = "project_write"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        db.ForeignKey("project.id", ondelete="CASCADE"), index=True
    )


def stamp(connection, project_id: int) -> int | None:
    """The project's write stamp (None: no such project)."""
    return connection.execute(STAMP, {"project_id": project_id}).scalar()


def compact(connection, project_id: int) -> None:
    """Fold the project's ``project_write`` rows into ``project.write_stamp`` (the sum, and so
    the stamp, stays; rows of transactions not committed yet are not seen and stay)."""
    folded = connection.execute(
        text("DELETE FROM project_write WHERE project_id = :p"), {"p": project_id}
    ).rowcount
    if folded:
        connection.execute(
            text("UPDATE project SET write_stamp = write_stamp + :n WHERE id = :p"),
            {"n": folded, "p": project_id},
        )


@contextmanager
def counted_inserts(connection, table: str, project_id: int) -> Iterator[list[int]]:
    """A block of bulk inserts into ``table`` (rows of one project) whose stamp is bumped once,
    by the number of rows the block reports (``rows[0] += n``), instead of once per row:
    the same stamp as the row trigger gives. On SQLite the table's insert trigger is dropped
    at the start and created again at the end, both inside the caller's transaction (SQLite
    DDL is transactional and the transaction holds the write lock, so no other connection
    sees the database without it; a rollback restores it). PostgreSQL's row triggers run as
    usual (they stamp once per transaction anyway)."""
    rows = [0]
    if connection.dialect.name != "sqlite":
        yield rows
        return
    name = f"write_stamp_{table}_insert"
    create = next(sql for sql in sqlite_statements() if f" {name} " in sql)
    # The DDL must run inside the transaction (pysqlite begins one at the first write, not at
    # DDL): a write that changes nothing opens it if need be; never drop a trigger outside one.
    connection.exec_driver_sql("UPDATE project SET write_stamp = write_stamp WHERE 0")
    if not getattr(connection.connection.dbapi_connection, "in_transaction", True):
        raise RuntimeError("counted_inserts needs an open transaction")
    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield rows
    finally:
        connection.exec_driver_sql(create)
    if rows[0]:
        connection.execute(
            text("UPDATE project SET write_stamp = write_stamp + :n WHERE id = :p"),
            {"n": rows[0], "p": project_id},
        )


def _project_of(row: str, via: str) -> str:
    if via == "project":
        return f"{row}.project_id"
    return f"(SELECT project_id FROM document WHERE id = {row}.document_id)"


def sqlite_statements(tables: frozenset[str] | None = None) -> list[str]:
    """The triggers of ``TABLES`` (only those among ``tables``, when given)."""
    out = []
    for table, via in TABLES.items():
        if tables is not None and table not in tables:
            continue
        for op, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            targets = ", ".join(_project_of(r, via) for r in rows)
            out.append(
                f"CREATE TRIGGER IF NOT EXISTS write_stamp_{table}_{op.lower()} "
                f"AFTER {op} ON {table} FOR EACH ROW BEGIN "
                f"UPDATE project SET write_stamp = write_stamp + 1 WHERE id IN ({targets}); END"
            )
    return out


POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pid bigint;
  rec record;
BEGIN
  IF TG_OP = 'DELETE' THEN rec := OLD; ELSE rec := NEW; END IF;
  IF TG_ARGV[0] = 'project' THEN
    pid := rec.project_id;
  ELSE
    SELECT d.project_id INTO pid FROM document d WHERE d.id = rec.document_id;
  END IF;
  IF pid IS NOT NULL
     AND current_setting('annotator.stamped_' || pid, true) IS DISTINCT FROM '1' THEN
    PERFORM set_config('annotator.stamped_' || pid, '1', true);
    -- a project being deleted (its rows going by cascade) needs no stamp
    INSERT INTO project_write (project_id) SELECT pid WHERE EXISTS (
      SELECT 1 FROM project WHERE id = pid);
  END IF;
  RETURN NULL;
END $$
"""


def postgresql_statements(
    present: frozenset[str] = frozenset(), tables: frozenset[str] | None = None
) -> list[str]:
    """The function, and the triggers not in ``present`` (creating a trigger locks its table,
    so one that exists is left alone), of the tables among ``tables`` when given."""
    out = [POSTGRESQL_FUNCTION]
    for table, via in TABLES.items():
        name = f"write_stamp_{table}"
        if name in present or (tables is not None and table not in tables):
            continue
        out.append(
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}('{via}')"
        )
    return out


def statements(connection) -> list[str]:
    """What ``install`` runs, for the tables the database has (a migration older than a table
    installs the triggers of the tables that exist by then; the table's own migration adds
    its triggers)."""
    dialect = connection.dialect.name
    tables = frozenset(inspect(connection).get_table_names())
    if dialect == "sqlite":  # CREATE TRIGGER IF NOT EXISTS: nothing happens for one that is
        return sqlite_statements(tables)
    if dialect == "postgresql":
        present = connection.execute(
            text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgname LIKE 'write_stamp_%' AND pg_table_is_visible(tgrelid)"
            )
        ).scalars()
        return postgresql_statements(frozenset(present), tables)
    raise RuntimeError(f"no write-stamp triggers for the {dialect} dialect")


def install(connection) -> None:
    """Create the triggers that are missing; idempotent. ``upgrade_database`` runs it after the
    migrations too, because SQLite loses a table's triggers when a batch migration rebuilds it
    (and a missing trigger would let reports go stale silently)."""
    for statement in statements(connection):
        connection.execute(text(statement))


def listen(metadata) -> None:
    """Install the triggers whenever ``metadata.create_all`` creates the tables (tests)."""

    @event.listens_for(metadata, "after_create")
    def _after_create(target, connection, **kw):
        install(connection)
