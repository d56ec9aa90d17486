"""The comment threads part of the OpenAPI document."""

from annotator.api.openapi_parts import PATHS, _id, _json, _ok, _query

MESSAGE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "author": {"type": "string"},
        "body": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
THREAD = {
    "type": "object",
    "properties": {
        **MESSAGE["properties"],
        "document_id": {"type": "integer"},
        "annotator": {"type": "string", "description": "whose thread: only they and leads see it"},
        "span": {"type": ["object", "null"], "description": "the span asked about, if any"},
        "resolved": {"type": "boolean"},
        "resolved_by": {"type": ["string", "null"]},
        "replies": {"type": "array", "items": MESSAGE},
    },
}
NEW_COMMENT = {
    "type": "object",
    "required": ["body"],
    "properties": {
        "body": {"type": "string", "minLength": 1, "maxLength": 5000},
        "span_id": {"type": "integer", "description": "a new thread about this span"},
        "parent_id": {"type": "integer", "description": "a reply to this thread"},
        "annotator": {"type": "string", "description": "leads: start a thread to this annotator"},
    },
    "additionalProperties": False,
}
PATHS.update(
    {
        "/documents/{document_id}/comments": {
            "get": {
                "summary": "The article's comment threads the caller may see (annotators: "
                "their own; leads: all, or one annotator's)",
                "parameters": [_id("document_id"), _query("annotator", {"type": "string"})],
                "responses": _ok(
                    "threads",
                    {
                        "type": "object",
                        "properties": {"threads": {"type": "array", "items": THREAD}},
                    },
                ),
            },
            "post": {
                "summary": "Ask a question about the article or a span, or reply to a thread",
                "parameters": [_id("document_id")],
                "requestBody": _json(NEW_COMMENT),
                "responses": _ok("the thread", THREAD, code="201"),
            },
        },
        "/comments/{comment_id}/resolve": {
            "post": {
                "summary": "Resolve (or reopen with resolved=false) a thread (leads)",
                "parameters": [_id("comment_id")],
                "requestBody": _json(
                    {"type": "object", "properties": {"resolved": {"type": "boolean"}}}
                ),
                "responses": _ok("the thread", THREAD),
            }
        },
        "/projects/{project_id}/comments": {
            "get": {
                "summary": "The project's open questions, most recently active first (leads)",
                "parameters": [
                    _id("project_id"),
                    _query("status", {"type": "string", "enum": ["open", "all"]}),
                ],
                "responses": _ok(
                    "threads",
                    {
                        "type": "object",
                        "properties": {"threads": {"type": "array", "items": THREAD}},
                    },
                ),
            }
        },
    }
)
