"""The API blueprint itself, apart from the modules that add its routes (so they import it, not
the package that imports them)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
