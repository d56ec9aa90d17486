"""The curation (adjudication) part of the OpenAPI document."""

from annotator.api.openapi_parts import OBJECT, PATHS, SPAN_PATCH, _id, _json, _ok, _query

GOLD = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label_id": {"type": "integer"},
        "label": {"type": "string"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
        "text": {"type": "string"},
        "attributes": {"type": "object"},
        "provenance": {"type": "array", "items": {"type": "string"}},
        "disputes": {
            "type": "object",
            "description": "split votes auto-merge left open: attribute -> annotator -> value",
        },
        "notes": {"type": "object", "description": "annotator -> their note on the span"},
        "source": {"type": "string", "enum": ["auto", "manual"]},
        "version": {"type": "integer"},
    },
}
MERGE_RULE = {
    "type": "object",
    "properties": {
        "min_votes": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "annotators who must agree; null: a strict majority",
        },
        "match": {"type": "string", "enum": ["exact", "overlap"]},
        "aggregation": {
            "type": "string",
            "enum": ["majority", "dawid_skene", "mace"],
            "description": "how article answers are pre-filled: a plain vote, or a reliability "
            "model (Dawid-Skene, MACE) fitted on the project",
        },
    },
}
ACCEPT = {
    "type": "object",
    "description": "span_id (an annotator's span) and/or label_id, start, end, text, attributes",
    "properties": {
        "span_id": {"type": "integer"},
        **{k: SPAN_PATCH["properties"][k] for k in ("label_id", "start", "end", "text")},
        "attributes": {"type": "object"},
    },
}
_OPTIONAL_RULE = {**_json(MERGE_RULE), "required": False}
MERGE_SUMMARY = {
    "type": "object",
    "properties": {
        "documents": {"type": "integer"},
        "gold_spans_added": {"type": "integer"},
        "per_label": {"type": "object"},
        "gold_answers_added": {"type": "integer"},
        "open_questions": {"type": "integer", "description": "answer ties left open"},
        "links_added": {"type": "integer", "description": "links set on new gold spans"},
        "spans_with_disputes": {"type": "integer", "description": "split attribute votes"},
        "unmerged": {
            "type": "object",
            "description": "candidates not made gold, by reason: below_min_votes, tie, "
            "outvoted, boundary_variant, duplicate, already_gold, overlaps_gold, rejected, empty",
        },
        "rule": MERGE_RULE,
    },
}
PATHS.update(
    {
        "/curation/projects/{project_id}/queue": {
            "get": {
                "summary": "Curation queue, most disagreement first (leads)",
                "parameters": [_id("project_id")],
                "responses": _ok("articles", OBJECT),
            }
        },
        "/curation/projects/{project_id}/merge": {
            "post": {
                "summary": "Auto-merge every article into gold (leads); idempotent",
                "parameters": [_id("project_id")],
                "requestBody": _OPTIONAL_RULE,
                "responses": _ok("counts", MERGE_SUMMARY),
            }
        },
        "/curation/documents/{document_id}": {
            "get": {
                "summary": "An article with every annotator's spans, gold, answers (leads)",
                "parameters": [_id("document_id")],
                "responses": _ok("curation data", OBJECT),
            }
        },
        "/curation/documents/{document_id}/merge": {
            "post": {
                "summary": "Auto-merge one article into gold (leads); idempotent",
                "parameters": [_id("document_id")],
                "requestBody": _OPTIONAL_RULE,
                "responses": _ok("counts", MERGE_SUMMARY),
            }
        },
        "/curation/documents/{document_id}/gold": {
            "post": {
                "summary": "Accept a span into gold (409 when it already is)",
                "parameters": [_id("document_id")],
                "requestBody": _json(ACCEPT),
                "responses": _ok("created", GOLD, "201"),
            }
        },
        "/curation/gold/{gold_id}": {
            "patch": {
                "summary": "Edit a gold span (409 on a stale version)",
                "parameters": [_id("gold_id")],
                "requestBody": _json(SPAN_PATCH),
                "responses": _ok("gold span", GOLD),
            },
            "delete": {
                "summary": "Delete (or with reject=1 reject) a gold span",
                "parameters": [
                    _id("gold_id"),
                    _query("version", {"type": "integer"}),
                    _query("reject", {"type": "string", "enum": ["0", "1"]}),
                ],
                "responses": {
                    "204": {"description": "deleted"},
                    "4XX": {"$ref": "#/components/responses/Error"},
                },
            },
        },
        "/curation/documents/{document_id}/status": {
            "put": {
                "summary": "Set the curation status",
                "parameters": [_id("document_id")],
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["status"],
                        "properties": {
                            "status": {"type": "string", "enum": ["open", "in_progress", "curated"]}
                        },
                    }
                ),
                "responses": _ok("status", OBJECT),
            }
        },
        "/curation/documents/{document_id}/answers/{question_id}": {
            "put": {
                "summary": "Set (or with null clear) the gold answer to a question",
                "parameters": [_id("document_id"), _id("question_id")],
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["value"],
                        "properties": {"value": {"type": ["string", "integer", "null"]}},
                    }
                ),
                "responses": _ok("gold answer", OBJECT),
            }
        },
    }
)
