"""Error pages: JSON with a message under /api/, an HTML page elsewhere. Never a bare 500."""

from __future__ import annotations

from flask import jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from annotator.services.errors import ServiceError


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
}
# What to say when a view aborts without a message of its own (instead of Werkzeug's text).
PLAIN = {
    400: "The request could not be understood. Reload the page and try again.",
    403: "You do not have access to this page. If you think you should, ask a site admin "
    "or the project's lead.",
    404: "There is no such page, or it is not shared with you.",
    405: "This address does not accept that kind of request.",
    413: "The upload is larger than this server accepts.",
}


def _render(status: int, message: str, payload: dict | None = None):
    if wants_json():
        response = jsonify({"error": message, "status": status, **(payload or {})})
    else:
        response = make_response(
            render_template(
                "errors/error.html",
                status=status,
                title=TITLES.get(status, "Error"),
                message=message,
            )
        )
    response.status_code = status
    return response


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _render(
            400,
            f"Security token missing or invalid ({exc.description}). "
            "Reload the page and try again.",
        )

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        from annotator.extensions import db

        db.session.rollback()
        return _render(exc.status, exc.message, exc.payload)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = exc.description or exc.name
        if message == type(exc).description and exc.code in PLAIN:
            message = PLAIN[exc.code]  # Werkzeug's generic wording, not the view's
        if exc.code == 429:
            message = f"Too many requests: {exc.description}. Wait a minute and try again."
        response = _render(exc.code or 500, message)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def internal_error(exc):
        return _render(500, "Something went wrong on our side; the error has been logged.")
