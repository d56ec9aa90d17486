"""Building blocks of the OpenAPI document: parameter helpers, schemas and the core paths."""

from __future__ import annotations


def _id(name: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }


def _query(name: str, schema: dict, description: str = "") -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _json(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _ok(description: str, schema: dict | None = None, code: str = "200") -> dict:
    body = {"description": description}
    if schema:
        body["content"] = {"application/json": {"schema": schema}}
    return {code: body, "4XX": {"$ref": "#/components/responses/Error"}}


SPAN = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label_id": {"type": "integer"},
        "label": {"type": "string"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "text": {"type": "string"},
        "fragments": {
            "type": ["array", "null"],
            "items": {"type": "array", "items": {"type": "integer"}},
            "description": "a discontinuous span's [start, end] pieces (start/end: their "
            "hull); null when contiguous",
        },
        "attributes": {"type": "object"},
        "note": {"type": "string"},
        "source": {"type": "string"},
        "version": {"type": "integer"},
        "guidelines_version": {"type": "integer"},
    },
}
NEW_SPAN = {
    "type": "object",
    "required": ["label_id", "start", "end", "text"],
    "properties": {
        "label_id": {"type": "integer"},
        "start": {"type": "integer", "minimum": 0, "description": "code-point offset"},
        "end": {"type": "integer", "minimum": 1, "description": "code-point offset, exclusive"},
        "text": {"type": "string", "description": "must equal the article text[start:end]"},
        "attributes": {"type": "object"},
        "note": {"type": "string"},
        "source": {"type": "string", "enum": ["manual", "suggestion", "import"]},
    },
}
SPAN_PATCH = {
    "type": "object",
    "required": ["version"],
    "properties": {
        "version": {"type": "integer"},
        "label_id": {"type": "integer"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "text": {"type": "string"},
        "attributes": {"type": "object"},
        "note": {"type": "string"},
    },
}
PAGE = [
    _query("offset", {"type": "integer", "minimum": 0}),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
]
OBJECT = {"type": "object"}

PATHS = {
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": _ok("OpenAPI 3 document", OBJECT),
        }
    },
    "/projects": {
        "get": {
            "summary": "Projects visible to the caller",
            "responses": _ok("projects", {"type": "array", "items": OBJECT}),
        }
    },
    "/projects/{project_id}/documents": {
        "get": {
            "summary": "Articles (annotators: their assigned ones)",
            "parameters": [_id("project_id"), *PAGE],
            "responses": _ok("a page", OBJECT),
        }
    },
    "/projects/{project_id}/spans": {
        "get": {
            "summary": "Spans of a page of articles (annotators: their own)",
            "parameters": [_id("project_id"), *PAGE],
            "responses": _ok("a page", OBJECT),
        }
    },
    "/projects/{project_id}/export": {
        "get": {
            "summary": "Streamed export (leads)",
            "parameters": [
                _id("project_id"),
                _query(
                    "format",
                    {
                        "type": "string",
                        "enum": [
                            "jsonl",
                            "doccano",
                            "doccano-merged",
                            "doccano-relations",
                            "labelstudio",
                            "brat",
                            "conll",
                            "csv",
                            "csv-answers",
                            "hf",
                            "xmi",
                            "prodigy",
                            "spacy",
                        ],
                    },
                ),
                _query("content", {"type": "string", "enum": ["raw", "gold", "majority"]}),
                _query("label", {"type": "string"}),
                _query("annotator", {"type": "string"}),
                _query("done_only", {"type": "string", "enum": ["0", "1"]}),
                _query("soft_labels", {"type": "string", "enum": ["0", "1"]}),
                _query("purpose", {"type": "string", "enum": ["work", "training", "control"]}),
                _query(
                    "aggregation", {"type": "string", "enum": ["majority", "dawid_skene", "mace"]}
                ),
                _query("raw_cells", {"type": "string", "enum": ["0", "1"]}),
                _query("label_columns", {"type": "string", "enum": ["0", "1"]}),
                _query("bundle", {"type": "string", "enum": ["0", "1"]}),
            ],
            "responses": {
                "200": {"description": "the file"},
                "4XX": {"$ref": "#/components/responses/Error"},
            },
        }
    },
    "/projects/{project_id}/agreement": {
        "get": {
            "summary": "Agreement report (leads)",
            "parameters": [_id("project_id")],
            "responses": _ok("report", OBJECT),
        }
    },
    "/documents/{document_id}": {
        "get": {
            "summary": "An article with the caller's spans (leads: ?annotator=name or *)",
            "parameters": [_id("document_id"), _query("annotator", {"type": "string"})],
            "responses": _ok("article data", OBJECT),
        }
    },
    "/documents/{document_id}/suggestions": {
        "get": {
            "summary": "Suggested spans with scores, at or above the project's threshold, from "
            "the latest model or the project's model server (when the lead turned them on); "
            "502 when the model server is down",
            "parameters": [_id("document_id")],
            "responses": _ok("suggestions", OBJECT),
        }
    },
    "/documents/{document_id}/suggestions/decisions": {
        "post": {
            "summary": "Record the caller's answer to a suggestion (undecided removes it)",
            "parameters": [_id("document_id")],
            "requestBody": _json(
                {
                    "type": "object",
                    "required": ["label_id", "start", "end", "decision"],
                    "properties": {
                        "label_id": {"type": "integer"},
                        "start": {"type": "integer", "minimum": 0},
                        "end": {"type": "integer", "minimum": 1},
                        "score": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
                        "decision": {
                            "type": "string",
                            "enum": ["accepted", "dismissed", "undecided"],
                        },
                    },
                }
            ),
            "responses": _ok("recorded", OBJECT),
        }
    },
    "/runs/{run_id}": {
        "get": {
            "summary": "A training run's status and metrics (leads)",
            "parameters": [_id("run_id")],
            "responses": _ok("run", OBJECT),
        }
    },
    "/documents/{document_id}/spans": {
        "post": {
            "summary": "Create a span",
            "parameters": [_id("document_id")],
            "requestBody": _json(NEW_SPAN),
            "responses": _ok("created", SPAN, "201"),
        }
    },
    "/spans/{span_id}": {
        "get": {
            "summary": "One of the caller's spans",
            "parameters": [_id("span_id")],
            "responses": _ok("span", SPAN),
        },
        "patch": {
            "summary": "Update a span (409 on a stale version)",
            "parameters": [_id("span_id")],
            "requestBody": _json(SPAN_PATCH),
            "responses": _ok("span", SPAN),
        },
        "delete": {
            "summary": "Delete a span",
            "parameters": [_id("span_id"), _query("version", {"type": "integer"})],
            "responses": {
                "204": {"description": "deleted"},
                "4XX": {"$ref": "#/components/responses/Error"},
            },
        },
    },
    "/documents/{document_id}/answers/{question_id}": {
        "put": {
            "summary": "Answer an article-level question",
            "parameters": [_id("document_id"), _id("question_id")],
            "requestBody": _json(
                {
                    "type": "object",
                    "required": ["value"],
                    "properties": {"value": {"type": ["string", "integer"]}},
                }
            ),
            "responses": _ok("answer", OBJECT),
        }
    },
    "/documents/{document_id}/status": {
        "post": {
            "summary": "Mark the assignment in progress, done or skipped",
            "parameters": [_id("document_id")],
            "requestBody": _json(
                {
                    "type": "object",
                    "required": ["status"],
                    "properties": {
                        "status": {"type": "string", "enum": ["in_progress", "done", "skipped"]},
                        "reason": {"type": "string"},
                    },
                }
            ),
            "responses": _ok("status and next article", OBJECT),
        }
    },
    "/documents/{document_id}/time": {
        "post": {
            "summary": "Add seconds spent on the page",
            "parameters": [_id("document_id")],
            "requestBody": _json(
                {
                    "type": "object",
                    "required": ["seconds"],
                    "properties": {"seconds": {"type": "number", "minimum": 0, "maximum": 600}},
                }
            ),
            "responses": _ok("ok", OBJECT),
        }
    },
}
