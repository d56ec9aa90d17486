"""Error pages: JSON with a message under /api/, an HTML page elsewhere. Never a bare 500."""

from __future__ import annotations

from flask import jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from annotator.services.errors import ServiceError


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def _render(status: int, message: str, payload: dict | None = None):
    if wants_json():
        response = jsonify({"error": message, "status": status, **(payload or {})})
    else:
        response = make_response(
            render_template("errors/error.html", status=status, message=message)
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
        if exc.code == 429:
            message = f"Too many requests: {exc.description}. Wait a minute and try again."
        response = _render(exc.code or 500, message)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def internal_error(exc):
        return _render(500, "Something went wrong on our side; the error has been logged.")
