"""The audit log part of the OpenAPI document."""

from annotator.api.openapi_parts import PATHS, _id, _query

STATE = {
    "type": ["object", "null"],
    "description": "the span as it was (before) or became (after); null on create/delete",
}
EVENT = {
    "type": "object",
    "properties": {
        "at": {"type": "string", "format": "date-time"},
        "annotator": {"type": "string", "description": "who made the change"},
        "action": {"type": "string", "enum": ["create", "update", "delete"]},
        "change": {"type": "string", "description": "one line: what changed"},
        "span_id": {"type": "integer"},
        "document_id": {"type": "integer"},
        "document": {"type": "string", "description": "the article's external id"},
        "label_before": {"type": "string"},
        "label_after": {"type": "string"},
        "start_before": {"type": ["integer", "string"]},
        "end_before": {"type": ["integer", "string"]},
        "start_after": {"type": ["integer", "string"]},
        "end_after": {"type": ["integer", "string"]},
        "text_before": {"type": "string"},
        "text_after": {"type": "string"},
        "before": STATE,
        "after": STATE,
    },
}
_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
_STAMP = {"type": "string", "description": "UTC unless an offset is given"}
PATHS.update(
    {
        "/projects/{project_id}/audit": {
            "get": {
                "summary": "The project's audit log: every span created, moved, resized, "
                "relabelled, edited or deleted, by whom and when, oldest first (leads). JSON "
                "pages, or the whole filtered log as CSV or JSONL",
                "parameters": [
                    _id("project_id"),
                    _query("annotator", {"type": "string"}, "only this user's changes"),
                    _query("since", _STAMP, "from this date or time on, e.g. 2026-01-31"),
                    _query("until", _STAMP, "up to this date or time, e.g. 2026-02-28T12:00"),
                    _query("document", _ID, "one article"),
                    _query("span", _ID, "one span"),
                    _query("format", {"type": "string", "enum": ["json", "csv", "jsonl"]}),
                    _query("offset", {"type": "integer", "minimum": 0}),
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1},
                        "JSON: 1-500 events a page (default 100); CSV/JSONL: at most this "
                        "many (default: all)",
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "a page of events (JSON), or the events as CSV "
                        "(a header row, then one row an event; before/after as JSON text) or "
                        "JSONL (one event a line)",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "offset": {"type": "integer"},
                                        "limit": {"type": "integer"},
                                        "next_offset": {
                                            "type": ["integer", "null"],
                                            "description": "the next page's offset; null: "
                                            "this was the last page",
                                        },
                                        "events": {"type": "array", "items": EVENT},
                                    },
                                }
                            },
                            "text/csv": {"schema": {"type": "string"}},
                            "application/x-ndjson": {"schema": {"type": "string"}},
                        },
                    },
                    "4XX": {"$ref": "#/components/responses/Error"},
                },
            }
        },
    }
)
