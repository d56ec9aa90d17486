"""Reading rows as the driver's plain tuples, and JSON columns from their text."""

from __future__ import annotations

import json

from annotator.extensions import db
from annotator.text_safety import SUSPECT_JSON, scrub


def plain_rows(query, params: dict) -> list[tuple]:
    """All rows of ``query`` as the driver's tuples (no Row objects, no type processing)."""
    result = db.session.connection().execute(query, params)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


_scan = json.JSONDecoder().scan_once  # json.loads without its Python-level wrapper


def json_object(value: str | None) -> dict:
    """A JSON column's object from its text (``null`` and SQL NULL read as empty)."""
    if not value:
        return {}
    try:
        decoded, end = _scan(value, 0)
    except StopIteration:
        end = -1
    if end != len(value):
        decoded = json.loads(value)  # leading or trailing space, or an error to raise
    if SUSPECT_JSON.search(value):  # a row stored before the request guard
        decoded = scrub(decoded)
    return decoded or {}
