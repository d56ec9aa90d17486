"""WSGI entry point for production: ``gunicorn wsgi:app``."""

import gc

from annotator import create_app

app = create_app()

# The loaded app is ~110,000 long-lived objects; a full garbage collection walks them all and
# pauses the worker for ~50 ms now and then. Frozen, they are left out of every collection.
gc.collect()
gc.freeze()
