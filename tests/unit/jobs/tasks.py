"""Job functions the job tests submit by dotted path (RQ workers import them from here)."""

import threading

from annotator.jobs import progress_callback, report_progress

gate = threading.Event()


def add(a, b, scale=1):
    return (a + b) * scale


def steps(n):
    hook = progress_callback()
    for i in range(1, n + 1):
        hook(i, n)
    return n


def wait_at_half():
    report_progress(0.5)
    gate.wait(10)
    return "done"


def boom():
    raise RuntimeError("broken on purpose")


def busy_steps(n, seconds_each):
    """CPU-bound work in ``n`` steps with a progress report after each; returns (start, end)."""
    import time

    hook = progress_callback()
    start = time.perf_counter()
    for i in range(1, n + 1):
        until = time.perf_counter() + seconds_each
        while time.perf_counter() < until:
            pass
        hook(i, n)
    return start, time.perf_counter()
