"""Production defaults for ``gunicorn wsgi:app`` (read from the working directory).

One gevent worker per core. A worker serves many keep-alive browser connections on one thread,
switching between them only where a request waits (socket, PostgreSQL), so the requests of
this CPU-bound app never contend for the GIL. Measured on 2 cores with the same code, an article
read cost 1.0-1.1 ms of server CPU here against 1.2-1.5 ms with threaded workers, whose threads
hand the GIL to one another around every SQLite call (README, "Performance").

Set ANNOTATOR_WORKER_CLASS=gthread for threaded workers instead (ANNOTATOR_THREADS each),
e.g. when long CPU-bound pages must not hold up the other connections of their worker.
Override anything else on the command line or with the environment variables below.
"""

import multiprocessing
import os

cores = multiprocessing.cpu_count()
worker_class = os.environ.get("ANNOTATOR_WORKER_CLASS", "gevent")
workers = int(os.environ.get("ANNOTATOR_WORKERS", cores if worker_class == "gevent" else 2 * cores))
threads = int(os.environ.get("ANNOTATOR_THREADS", 4))
keepalive = int(os.environ.get("ANNOTATOR_KEEPALIVE", 15))
bind = os.environ.get("ANNOTATOR_BIND", "127.0.0.1:8000")


def on_starting(server):
    """Training runs of the thread backend die with their worker: any left "queued" or
    "running" by the previous server are marked failed before the new workers start (with
    ANNOTATOR_REDIS_URL, runs live on in the rq workers and are left alone).

    The check runs in a child process, so the master never imports the app (nor SQLAlchemy
    and psycopg): psycopg chooses how it waits for the database when it is first imported, and
    imported in the master it was inherited by the workers before gevent patched them, so each
    wait for PostgreSQL blocked the whole worker (one request at a time per worker)."""
    if os.environ.get("ANNOTATOR_REDIS_URL"):
        return
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: check, report the count, exit without running any cleanup
        os.close(read)
        code = 0
        try:
            os.write(write, str(_fail_interrupted_runs(server)).encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        count = pipe.read().decode() or "0"
    os.waitpid(pid, 0)
    if count != "0":
        server.log.warning("Marked %s interrupted training run(s) as failed.", count)


def _fail_interrupted_runs(server) -> int:
    from annotator import create_app
    from annotator.extensions import db
    from annotator.services.analysis.training import fail_interrupted_runs

    app = create_app()
    with app.app_context():
        try:
            count = fail_interrupted_runs()
        except Exception as exc:  # no database yet (before init-db): nothing to mark
            server.log.warning("Could not check for interrupted training runs: %s", exc)
            count = 0
        db.engine.dispose()
    return count


def post_worker_init(worker):
    """Say in the log when login limits are per worker (no ANNOTATOR_REDIS_URL)."""
    app = getattr(worker, "wsgi", None)
    if hasattr(app, "config"):
        from annotator.security import warn_about_rate_limit_storage

        warn_about_rate_limit_storage(app)


def post_request(worker, req, environ, resp):
    """A refused body (413, or an error while a chunked body was unread): close the connection
    now that the answer is sent, instead of reading the rest of the body (annotator's request
    guard sets ``annotator.close_connection``). Reading it would hold the worker for as long
    as the client keeps sending.

    gevent: after each response, let the worker's other connections go first.

    Without this, a keep-alive client whose next request is already waiting is served again
    at once, and the worker's other connections wait: p99 read latency was 40-60 ms with it
    missing and 8-10 ms with it."""
    if environ.get("annotator.close_connection"):
        import socket

        sock = environ.get("gunicorn.socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass
    _give_back_memory(environ)
    if worker.cfg.worker_class_str == "gevent":
        import gevent

        gevent.sleep(0)


def _malloc_trim():
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


MALLOC_TRIM = _malloc_trim()


def _give_back_memory(environ) -> None:
    """After an import or export (or any body of 1 MiB or more), hand the heap's free pages
    back to the system: glibc keeps them otherwise, and one 2,000-article upload left a worker
    ~30 MB larger for good (124 -> 92 MB RSS with the trim, measured in-process)."""
    if MALLOC_TRIM is None:
        return
    path = environ.get("PATH_INFO", "")
    length = environ.get("CONTENT_LENGTH") or "0"
    big = length.isdigit() and int(length) >= 2**20
    if big or "/export" in path or "/import" in path:
        MALLOC_TRIM(0)
