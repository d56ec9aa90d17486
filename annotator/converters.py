"""URL converters: ``<int:...>`` ids are bounded to what the databases can store (else 404)."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # id columns are 32-bit integers on PostgreSQL


class BoundedIntConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
