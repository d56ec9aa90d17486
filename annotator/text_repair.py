"""Finding and repairing stored text that no response could carry: a lone surrogate or a NUL in
a JSON column (stored as the escapes ``\\udfff``, ``\\u0000`` before the request guard
refused them), NaN or infinity in a JSON column (SQLite stored them as ``NaN``), and NUL in a
text column (SQLite keeps it; PostgreSQL never accepted it).

Each bad value is replaced (U+FFFD for a character, null for a number) and reported: table,
row id, column and what was found. Run by migration ``0009sessionsrepair``; the tables are
named here, not taken from the models, so the migration keeps meaning what it meant.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import sqlalchemy as sa

from annotator.text_safety import SUSPECT_JSON, bad_char, find_unstorable, scrub

log = logging.getLogger("annotator.text_repair")

JSON_COLUMNS = {
    "document": ("meta",),
    "span": ("attributes",),
    "span_event": ("before", "after"),
    "gold_span": ("attributes", "provenance"),
    "gold_answer": ("provenance",),
    "gold_event": ("before", "after"),
    "label": ("attributes",),
    "document_question": ("options",),
    "model_run": ("params",),
}
TEXT_COLUMNS = {
    "document": ("external_id", "title", "text", "outlet", "author", "url"),
    "assignment": ("skip_reason",),
    "document_answer": ("value",),
    "span": ("text", "note"),
    "gold_span": ("text",),
    "gold_answer": ("value",),
    "project": ("name", "description", "guidelines"),
    "label": ("name", "description"),
    "document_question": ("name", "text"),
}


@dataclass(frozen=True)
class Repair:
    table: str
    row_id: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"{self.table} id {self.row_id}, {self.column}: {self.problem}"


def _json_repairs(connection, table: str, column: str, fix: bool) -> list[Repair]:
    raw = sa.cast(sa.column(column), sa.Text) if connection.dialect.name != "sqlite" else None
    text_col = raw if raw is not None else sa.column(column, sa.Text)
    query = sa.select(sa.column("id"), text_col).select_from(sa.table(table))
    found = []
    for row_id, text in connection.execute(query).all():
        if not text or not SUSPECT_JSON.search(text):
            continue
        value = json.loads(text)
        problem = find_unstorable(value)
        if problem is None:
            continue
        found.append(Repair(table, row_id, column, problem))
        if fix:
            target = sa.table(table, sa.column("id"), sa.column(column, sa.JSON))
            connection.execute(
                target.update().where(target.c.id == row_id).values({column: scrub(value)})
            )
    return found


def _text_repairs(connection, table: str, column: str, fix: bool) -> list[Repair]:
    if connection.dialect.name != "sqlite":
        return []  # PostgreSQL's text cannot hold NUL, and UTF-8 holds no surrogate
    target = sa.table(table, sa.column("id"), sa.column(column, sa.Text))
    query = sa.select(target.c.id, target.c[column]).where(
        sa.func.instr(target.c[column], sa.func.char(0)) > 0
    )
    found = []
    for row_id, text in connection.execute(query).all():
        problem = bad_char(text or "")
        if problem is None:
            continue
        found.append(Repair(table, row_id, column, problem))
        if fix:
            connection.execute(
                target.update().where(target.c.id == row_id).values({column: scrub(text)})
            )
    return found


def repair_unstorable(connection, *, fix: bool = True) -> list[Repair]:
    """Every unstorable value in the database (replaced when ``fix``), each logged."""
    tables = set(sa.inspect(connection).get_table_names())
    found: list[Repair] = []
    for table, columns in JSON_COLUMNS.items():
        for column in columns if table in tables else ():
            found += _json_repairs(connection, table, column, fix)
    for table, columns in TEXT_COLUMNS.items():
        for column in columns if table in tables else ():
            found += _text_repairs(connection, table, column, fix)
    for repair in found:
        log.warning("%s %s", "repaired" if fix else "found", repair)
    if found:
        log.warning(
            "%d stored value(s) could not be served; %s",
            len(found),
            "replaced by U+FFFD / null" if fix else "not changed",
        )
    return found
