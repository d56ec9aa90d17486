"""Production defaults for ``gunicorn wsgi:app`` (read from the working directory).

Threaded workers keep browser connections alive between the annotate page's calls; a few
processes use every core. Override any of them on the command line or with the
environment variables below.
"""

import multiprocessing
import os

cores = multiprocessing.cpu_count()
worker_class = "gthread"
workers = int(os.environ.get("ANNOTATOR_WORKERS", 2 * cores))
threads = int(os.environ.get("ANNOTATOR_THREADS", 4))
keepalive = int(os.environ.get("ANNOTATOR_KEEPALIVE", 15))
bind = os.environ.get("ANNOTATOR_BIND", "127.0.0.1:8000")
