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
