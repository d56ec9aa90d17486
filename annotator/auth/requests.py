"""Per-request authentication: Bearer tokens (read-only, no cookies) and CSRF for sessions."""

from __future__ import annotations

from flask import g, jsonify, request

from annotator.extensions import csrf, login_manager

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer ") :].strip()
    return None


def init_app(app) -> None:
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @login_manager.request_loader
    def load_from_token(req):
        raw = bearer_token()
        if raw is None or not req.path.startswith("/api/"):
            return None
        from annotator.services.accounts.tokens import user_for_token

        user = user_for_token(raw)
        if user is not None:
            g.token_auth = True
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import redirect, url_for

        if request.path.startswith("/api/"):
            return jsonify({"error": "Log in or send a valid API token.", "status": 401}), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def protect():
        if request.method in SAFE_METHODS:
            return None
        if bearer_token() is not None and request.path.startswith("/api/"):
            return jsonify(
                {"error": "API tokens are read-only; writes need a browser session.", "status": 403}
            ), 403
        if app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        return None
