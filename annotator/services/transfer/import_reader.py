"""An annotation import's reading in a process of its own: the files read, merged, normalised,
checked and their spans turned into row values (``import_prepare``) while the importing
process writes the batch before, so the two halves of an import run on two cores (a thread
would not: the reader's Python holds the GIL that the writer needs between two statements).

The reader never touches the database or the app: it gets the file names and the options and
sends back batches (as plain tuples, ``Batch.to_wire``), then "end"; a bad file's
ServiceError comes back as its message and is raised in the importing process as it would be
there, after the batches before it. At most ``AHEAD`` batches wait in the queue, so memory
stays bounded. The process is forked where that is safe (one thread: the CLI), else spawned.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue as queues
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from annotator.services.errors import ServiceError
from annotator.services.transfer.import_files import iter_annotation_files
from annotator.services.transfer.import_prepare import Batch, prepare_batches

AHEAD = 3  # batches read ahead of the writer, at most
COLLECT_EVERY = 25  # batches between two cycle collections in the reader (see ``_read``)


def batches_from_a_process(
    fmt: str,
    paths: list[str],
    *,
    annotator: str | None,
    offsets: str,
    as_gold: bool,
    version: int,
    n: int,
    spans: int,
) -> Iterator[Batch]:
    """``prepare_batches`` of the files, computed in a reader process (see the module)."""
    method = "fork" if threading.active_count() == 1 else "spawn"
    if method not in multiprocessing.get_all_start_methods():
        method = "spawn"
    context = multiprocessing.get_context(method)
    channel = context.Queue(maxsize=AHEAD)
    reader = context.Process(
        target=_read,
        args=(channel, fmt, paths, annotator, offsets, as_gold, version, n, spans),
        name="annotator-import-reader",
        daemon=True,
    )
    reader.start()
    try:
        while True:
            kind, payload = _next(channel, reader)
            if kind == "batch":
                yield Batch.from_wire(payload)
            elif kind == "end":
                return
            elif kind == "error":
                raise ServiceError(payload)
            else:
                raise RuntimeError(f"The import's reader process failed:\n{payload}")
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()
        channel.close()
        channel.cancel_join_thread()


def _next(channel, reader) -> tuple[str, object]:
    while True:
        try:
            return channel.get(timeout=0.5)
        except queues.Empty:
            if not reader.is_alive():  # it ended without a word: killed, or out of memory
                try:
                    return channel.get(timeout=0.5)
                except queues.Empty:
                    raise RuntimeError(
                        f"The import's reader process ended with exit code {reader.exitcode}."
                    ) from None


@contextmanager
def no_cycle_collection():
    """No automatic cycle collection for a block that makes millions of short-lived, acyclic
    objects (records, row tuples): CPython's collector would otherwise run every 700
    allocations and walk the growing older generations again and again (a third of the
    reader's time, a tenth of the writer's). Objects alive at the start are frozen (never
    walked); reference counting still frees everything the block drops; the collector is
    back as it was afterwards."""
    was = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        gc.unfreeze()


def _read(channel, fmt, paths, annotator, offsets, as_gold, version, n, spans) -> None:
    """The reader process: every batch, then "end"; or the error that stopped it. Without
    automatic cycle collection (``no_cycle_collection``): a full one every ``COLLECT_EVERY``
    batches frees any cycles a reader made."""
    try:
        documents = iter_annotation_files(fmt, paths, annotator=annotator, offsets=offsets)
        with no_cycle_collection():
            batches = prepare_batches(documents, as_gold=as_gold, version=version, n=n, spans=spans)
            for k, batch in enumerate(batches, 1):
                channel.put(("batch", batch.to_wire()))
                if k % COLLECT_EVERY == 0:
                    gc.collect()
        channel.put(("end", None))
    except ServiceError as exc:
        channel.put(("error", exc.message))
    except BaseException:  # noqa: BLE001 (sent to the importing process, which raises it)
        channel.put(("crash", traceback.format_exc()))
