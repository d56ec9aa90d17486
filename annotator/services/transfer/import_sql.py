"""The SQL of the bulk annotation import, at the driver: the span statements of a dialect
(``_SpanBulk``), multi-row inserts of rows given as dicts (``insert_rows``), primary keys
taken before the insert (``_reserve_ids``), and foreign-key checks off for an import's own
transaction on SQLite (``skip_foreign_key_checks``)."""

from __future__ import annotations

import json
import re
from itertools import chain

from sqlalchemy import event, func, select, text, update
from sqlalchemy.pool import Pool

from annotator.extensions import db
from annotator.models import Span, write_stamp
from annotator.services.transfer.import_prepare import AttributeJSON

SPAN_COLUMNS = ("id", "document_id", "user_id", "label_id", "start", "end", "text", "attributes",
                "note", "fragments", "guidelines_version", "source", "version", "created_at",
                "updated_at")  # fmt: skip
VARYING = 11  # the first columns vary by span; source, version and the times are the batch's
PLAIN_WIDTH = 8  # a plain row's varying columns: its note, fragments and version are constants
ROWS_PER_INSERT = 500  # rows per multi-row INSERT: 5,500 parameters, well below the limits
_TIME = re.compile(r"[0-9][0-9 :.+T-]*")


def json_serializer(dialect):
    """What SQLAlchemy stores JSON columns with: the engine's serializer, else json.dumps."""
    return getattr(dialect, "_json_serializer", None) or json.dumps


class _SpanBulk:
    """The raw statements of the span import for one dialect, with the values SQLAlchemy
    would store (its JSON serializer, ``json.dumps`` unless the engine names another; its
    date-time bind processor) and the driver's placeholders. The batch's constants are
    literals of the statement (fewer parameters to bind per row)."""

    def __init__(self, dialect) -> None:
        self.pg = dialect.name == "postgresql"
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.dumps = json_serializer(dialect)
        self.attributes = AttributeJSON(self.dumps)
        at = Span.__table__.c.created_at.type
        self._when = at.dialect_impl(dialect).bind_processor(dialect)
        quote = dialect.identifier_preparer.quote
        self._columns = ", ".join(quote(n) for n in SPAN_COLUMNS)
        holders = [
            f"{mark}::json" if self.pg and n in ("attributes", "fragments") else mark
            for n in SPAN_COLUMNS[:VARYING]
        ]
        self._holders = ", ".join(holders)
        self._plain_holders = ", ".join(holders[:PLAIN_WIDTH])
        # The audit row of a create (as ``services/annotation`` writes it): no "before"
        # (JSON null, as SQLAlchemy stores None), "after" the span's start, end, text and
        # attributes, built by the database from the rows just inserted. The same JSON as
        # json.dumps gives, except that the text's non-ASCII characters are not escaped.
        quoted_text = "to_json(text)::text" if self.pg else "json_quote(text)"
        attributes = "attributes::text" if self.pg else "attributes"
        after = (
            f"""'{{"start": ' || start || ', "end": ' || "end" || ', "text": ' || """
            f"""{quoted_text} || ', "attributes": ' || {attributes} || '}}'"""
        )
        which = "id = ANY(%s)" if self.pg else "id BETWEEN ? AND ?"
        cast = "::json" if self.pg else ""
        self.event_sql = (
            'INSERT INTO span_event (span_id, document_id, user_id, action, "before", "after", '
            f"at) SELECT id, document_id, user_id, 'create', 'null'{cast}, ({after}){cast}, "
            f"created_at FROM span WHERE {which} ORDER BY id"
        )

    def span_sql(self, moment, rows: int, plain_version: int | None = None) -> str:
        """The insert of ``rows`` spans of a batch created at ``moment``; with
        ``plain_version``, of plain rows: no note, no fragments, that guidelines version."""
        if self.pg:
            at = f"'{moment.isoformat()}'::timestamptz"
            check = moment.isoformat()
        else:
            check = self._when(moment) if self._when else str(moment)
            at = f"'{check}'"
        if not _TIME.fullmatch(check):
            raise ValueError(f"unexpected time literal {check!r}")
        holders = self._holders
        if plain_version is not None:
            holders = f"{self._plain_holders}, '', NULL, {int(plain_version)}"
        one = f"({holders}, 'import', 1, {at}, {at})"
        return f"INSERT INTO span ({self._columns}) VALUES {', '.join([one] * rows)}"

    def event_params(self, ids) -> tuple:
        """Which spans the audit insert covers: their ids (consecutive on SQLite)."""
        if self.pg:
            return (list(ids),)
        return (ids[0], ids[-1])


def insert_rows(table, rows: list[dict], project_id: int) -> None:
    """``INSERT`` ``rows`` (dicts with the same keys, all of one project) in multi-row INSERTs
    and one executemany for the rest, on the session's connection: the columns' Python-side
    defaults filled in and every value put through its column type's bind processor (stored
    exactly as SQLAlchemy stores it), without SQLAlchemy's per-row statement work; the write
    stamp bumped once by the number of rows (``write_stamp.counted_inserts``)."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    filled = [
        c for c in table.c if c.name not in names and c.default is not None and not c.primary_key
    ]
    constants = []
    for c in filled:
        arg = c.default.arg
        constants.append(arg(None) if c.default.is_callable else arg)  # e.g. created_at: now
    columns = [table.c[n] for n in names] + filled
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    tail = tuple(p(v) if p else v for p, v in zip(processors[len(names) :], constants, strict=True))
    todo = [(i, p) for i, p in enumerate(processors[: len(names)]) if p is not None]
    values = []
    for r in rows:
        row = list(r.values())
        for i, p in todo:
            row[i] = p(row[i])
        values.append((*row, *tail))
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    quoted = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    one = f"({', '.join([mark] * len(columns))})"
    sql = f"INSERT INTO {table.name} ({quoted}) VALUES "
    per = max(1, min(ROWS_PER_INSERT, 5_000 // len(columns)))  # rows per multi-row INSERT
    full = len(values) - len(values) % per
    with write_stamp.counted_inserts(connection, table.name, project_id) as counted:
        if full:
            many = sql + ", ".join([one] * per)
            for i in range(0, full, per):
                connection.exec_driver_sql(many, tuple(chain.from_iterable(values[i : i + per])))
        if full < len(values):
            connection.exec_driver_sql(sql + one, values[full:])
        counted[0] += len(values)


FOREIGN_KEYS_OFF = "annotator_foreign_keys_off"  # a pool connection record's info key


def skip_foreign_key_checks() -> bool:
    """SQLite: stop checking foreign keys for the rest of the session's transaction, which
    must not have written yet (the pragma is a no-op inside a transaction: then nothing
    changes and this says False). For a bulk import only: its rows name just the articles,
    users and labels that the same transaction looked up or created while it holds the
    database's write lock, so no row can name a missing one, and the checks (a lookup per key
    per row: spans, audit rows, assignments) are a tenth of the import's time. Checks are on
    again when the transaction ends (commit or rollback) and, failing that, when the
    connection goes back to the pool (``_foreign_keys_back_on``)."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return False
    fairy = connection.connection
    raw = fairy.dbapi_connection
    if raw.in_transaction:
        return False
    raw.execute("PRAGMA foreign_keys=OFF")
    fairy.info[FOREIGN_KEYS_OFF] = True
    session = db.session()

    def back_on(_session) -> None:
        if fairy.info.pop(FOREIGN_KEYS_OFF, False):
            raw.execute("PRAGMA foreign_keys=ON")

    event.listen(session, "after_commit", back_on, once=True)
    event.listen(session, "after_rollback", back_on, once=True)
    return True


@event.listens_for(Pool, "checkin")
def _foreign_keys_back_on(dbapi_connection, connection_record) -> None:
    if connection_record is not None and connection_record.info.pop(FOREIGN_KEYS_OFF, False):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")


def _reserve_ids(table, n: int) -> list[int]:
    """``n`` new primary keys for ``table``, taken before the insert so links can name them and
    the rows go in with one plain executemany (no RETURNING round trips). PostgreSQL draws them
    from the table's sequence; SQLite continues after the largest id, which is safe because the
    transaction holds the database's write lock from its first write (taken here if need be)."""
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        )
        return [r[0] for r in rows]
    db.session.execute(update(table).where(table.c.id == -1).values(id=table.c.id))  # write lock
    top = db.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(top + 1, top + 1 + n))
