"""Heavy reports built once per project write stamp and kept in the database.

``cached(project_id, kind, params, build)`` answers a stored report when the project's
``write_stamp`` (kept by database triggers on every write to its data, see
``models/write_stamp``) still equals the one the report was built under, and otherwise builds,
stores and answers it. The store is the ``report_cache`` table, so every worker process and
every server sharing the database shares it (a per-process cache would rebuild the report once
per worker and could not be told about writes made by another worker), it needs no extra
service, and the stamp and the reports live in the same place. Redis is not used: it would
only add a second place that can disagree with the database.

Reports are stored as JSON with the Python types JSON lacks kept (tuples, non-string keys,
NaN and infinities), so a stored report equals the one that was built. A report that cannot
be stored this way is answered unstored (logged). The stamp is read before the data, so a
report is never stored under a stamp newer than its data. A session holding uncommitted writes
neither reads nor stores (its report must show them, and they may roll back). Set
``REPORT_CACHE = False`` to build every time.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import orjson
from flask import current_app
from sqlalchemy import delete, insert, select

from annotator.extensions import db
from annotator.models import ReportCache, write_stamp

log = logging.getLogger(__name__)
_TAG = "\x00"  # no key of a stored report starts with NUL (text with NUL is never stored)


def cached(project_id: int, kind: str, params: dict[str, Any], build: Callable[[], Any]) -> Any:
    if not current_app.config.get("REPORT_CACHE", True) or _session_wrote():
        return build()
    key = orjson.dumps(params, option=orjson.OPT_SORT_KEYS).decode()
    stamp = write_stamp.stamp(db.session.connection(), project_id)
    if stamp is None:
        return build()
    row = db.session.execute(
        select(ReportCache.stamp, ReportCache.payload).where(
            ReportCache.project_id == project_id,
            ReportCache.kind == kind,
            ReportCache.params == key,
        )
    ).one_or_none()
    if row is not None and row.stamp == stamp:
        return decode(row.payload)
    report = build()
    try:
        payload = encode(report)
    except TypeError as error:
        log.warning("report %s of project %s not cached: %s", kind, project_id, error)
        return report
    _store(project_id, kind, key, stamp, payload)
    return report


def _session_wrote() -> bool:
    """Whether this session's transaction holds writes not committed yet: its report must
    neither come from the store (it would miss them) nor go into it (they may roll back)."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        return True
    if not session.in_transaction():
        return False
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return bool(
            connection.exec_driver_sql(
                "SELECT pg_current_xact_id_if_assigned() IS NOT NULL"
            ).scalar()
        )
    if connection.dialect.name == "sqlite":  # the driver opens a transaction at the first write
        return bool(connection.connection.dbapi_connection.in_transaction)
    return True


def _store(project_id: int, kind: str, key: str, stamp: int, payload: bytes) -> None:
    """Replace the stored report in a transaction of its own (the request's session may hold
    a read snapshot; a failed store - a concurrent worker storing the same key - is only
    logged: the next view stores it)."""
    where = (
        ReportCache.project_id == project_id,
        ReportCache.kind == kind,
        ReportCache.params == key,
    )
    try:
        with db.engine.begin() as connection:
            connection.execute(delete(ReportCache).where(*where))
            connection.execute(
                insert(ReportCache).values(
                    project_id=project_id, kind=kind, params=key, stamp=stamp, payload=payload
                )
            )
            if connection.dialect.name == "postgresql":
                write_stamp.compact(connection, project_id)
    except Exception as error:  # noqa: BLE001 - a cache that cannot store still answers
        log.warning("report %s of project %s not stored: %s", kind, project_id, error)


def encode(value: Any) -> bytes:
    return orjson.dumps(_tag(value))


def decode(payload: bytes) -> Any:
    return _untag(orjson.loads(payload))


def _tag(value: Any) -> Any:
    if value is None or value is True or value is False:
        return value
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return value
    if kind is float:
        return value if math.isfinite(value) else {_TAG + "f": repr(value)}
    if kind is list:
        return [_tag(v) for v in value]
    if kind is dict:
        if all(type(k) is str and not k.startswith(_TAG) for k in value):
            return {k: _tag(v) for k, v in value.items()}
        return {_TAG + "d": [[_tag(k), _tag(v)] for k, v in value.items()]}
    if kind is tuple:
        return {_TAG + "t": [_tag(v) for v in value]}
    if hasattr(value, "item") and type(value).__module__ == "numpy":  # numpy scalars
        return _tag(value.item())
    raise TypeError(f"cannot store a {kind.__name__}")


def _untag(value: Any) -> Any:
    if type(value) is list:
        return [_untag(v) for v in value]
    if type(value) is dict:
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key == _TAG + "f":
                return float(inner)
            if key == _TAG + "t":
                return tuple(_untag(v) for v in inner)
            if key == _TAG + "d":
                return {_untag(k): _untag(v) for k, v in inner}
        return {k: _untag(v) for k, v in value.items()}
    return value
