"""The outlet analysis part of the OpenAPI document."""

from annotator.api.openapi_parts import OBJECT, PATHS, _id, _ok, _query

_CONTENT = _query(
    "content", {"type": "string", "enum": ["gold", "majority", "raw"]}, "default gold"
)
_ANNOTATOR = _query("annotator", {"type": "string"}, "only this annotator's work (raw)")
PATHS.update(
    {
        "/projects/{project_id}/analysis": {
            "get": {
                "summary": "Per outlet or leaning: span, label, attribute and question rates "
                "with 95% bootstrap intervals and Holm-corrected permutation tests (leads)",
                "parameters": [
                    _id("project_id"),
                    _CONTENT,
                    _query("by", {"type": "string", "enum": ["outlet", "leaning"]}),
                    _ANNOTATOR,
                    _query("bootstrap", {"type": "integer", "minimum": 0, "maximum": 10000}),
                    _query("permutations", {"type": "integer", "minimum": 0, "maximum": 100000}),
                    _query("seed", {"type": "integer", "minimum": 0, "maximum": 2**31}),
                ],
                "responses": _ok("analysis report", OBJECT),
            }
        },
        "/projects/{project_id}/stories": {
            "get": {
                "summary": "Stories with their outlets' span rates, most differing first (leads)",
                "parameters": [_id("project_id"), _CONTENT, _ANNOTATOR],
                "responses": _ok("stories", {"type": "array", "items": OBJECT}),
            }
        },
        "/projects/{project_id}/outlets": {
            "get": {
                "summary": "The project's outlets: name, aliases, leaning, rating source (leads)",
                "parameters": [_id("project_id")],
                "responses": _ok("outlets", {"type": "array", "items": OBJECT}),
            }
        },
    }
)
