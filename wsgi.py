"""WSGI entry point for production: ``gunicorn wsgi:app``."""

from annotator import create_app

app = create_app()
