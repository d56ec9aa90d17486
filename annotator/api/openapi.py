"""The OpenAPI 3 document for /api/v1, served at /api/v1/openapi.json.

A test checks that every /api/v1 route and method is described here.
"""

from __future__ import annotations

from flask import jsonify

from annotator.api import openapi_comments, openapi_curation  # noqa: F401  (add their paths)
from annotator.api.blueprint import bp
from annotator.api.openapi_parts import PATHS
from annotator.version import __version__


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "annotator API",
            "version": __version__,
            "description": "Offsets are Unicode code points. Session calls need the "
            "X-CSRFToken header; Bearer tokens are read-only.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "responses": {
                "Error": {
                    "description": "error",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "error": {"type": "string"},
                                    "status": {"type": "integer"},
                                },
                            }
                        }
                    },
                }
            },
        },
        "security": [{"bearer": []}, {"session": []}],
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
