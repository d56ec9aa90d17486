"""WSGI entry point for production: ``gunicorn wsgi:app``."""

import gc

from annotator.app import build_app

app = build_app(web_server=True)  # without what only the commands use (migrations)

# The loaded app is ~110,000 long-lived objects; a full garbage collection walks them all and
# pauses the worker for ~50 ms now and then. Frozen, they are left out of every collection.
gc.collect()
gc.freeze()
