"""Human-readable API documentation at /api/v1/docs: Swagger UI over /api/v1/openapi.json.

Swagger UI's built files come from the ``swagger-ui-bundle`` package and are served by the app
itself (no CDN); the page starts it from a script file of ours (static/js/api-docs.js), so the
Content-Security-Policy stays as strict as on every other page (no inline script or style).
"""

from __future__ import annotations

from flask import abort, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from annotator.api.blueprint import bp
from annotator.api.openapi_parts import PATHS

# The only files the page needs (the bundle also ships the standalone preset, maps, an HTML
# page of its own and an OAuth helper): everything else is 404.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"})


@bp.get("/docs")
def docs():
    return render_template("api/docs.html")


@bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str):
    if filename not in ASSETS:
        abort(404)
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


PATHS.update(
    {
        "/docs": {
            "get": {
                "summary": "This documentation, as a web page (Swagger UI)",
                "security": [],
                "responses": {"200": {"description": "HTML page", "content": {"text/html": {}}}},
            }
        },
        "/docs/assets/{filename}": {
            "get": {
                "summary": "Swagger UI's script, stylesheet and icon for the documentation page",
                "security": [],
                "parameters": [
                    {
                        "name": "filename",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": sorted(ASSETS)},
                    }
                ],
                "responses": {"200": {"description": "the file"}, "404": {"description": "none"}},
            }
        },
    }
)
