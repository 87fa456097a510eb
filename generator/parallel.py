"""Speed for large builds: two cores, and no cycle collector.

Not a stage: pipeline.py uses these to run the stages over many sources,
and the two scripts' pages, side by side.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
from typing import Callable, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@contextlib.contextmanager
def _no_cycle_collector():
    """Run without Python's cycle collector, as it was when done.

    A build makes millions of small objects that live until it ends; the collector
    would walk all of them again and again (half the time of a large build) to
    find cycles the pipeline does not make. Reference counting still frees the rest.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def fast(function):
    """Run ``function`` without the cycle collector (see ``_no_cycle_collector``)."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with _no_cycle_collector():
            return function(*args, **kwargs)
    return wrapper


# Below this many sources, starting worker processes costs more than it saves.
PARALLEL_FROM = 16


def default_jobs() -> int:
    """Worker processes for a large build: one per core the process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def in_parallel(work: Callable[[T], R], items: list[T], jobs: int,
                meanwhile: Callable[[], object] | None = None) -> list[R]:
    """``[work(item) for item in items]``, spread over ``jobs`` forked processes,
    while this process runs ``meanwhile`` (if given).

    Forked children share the parent's memory as it is (the corpus, the
    converters), so nothing but the results is copied. An exception in a
    child is raised again here. Where fork is unavailable it runs in-process.
    Never call it with ``jobs`` > 1 from a process that runs threads of its own
    (``mkdocs serve``): a forked child gets a copy of every lock another thread
    held, and can hang on one; the MkDocs hook builds with ``jobs=1``.
    """
    jobs = min(jobs, len(items))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile:
            meanwhile()
        return [work(item) for item in items]
    context = multiprocessing.get_context("fork")
    children = []
    for j in range(jobs):
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_work_share, args=(work, items[j::jobs], send), daemon=True)
        child.start()
        send.close()
        children.append((child, receive))
    results: list = [None] * len(items)
    failure = None
    try:
        if meanwhile:
            meanwhile()
    finally:
        for j, (child, receive) in enumerate(children):
            try:
                ok, value = receive.recv()
            except EOFError:
                ok, value = False, RuntimeError(f"a worker process died (exit code {child.exitcode})")
            child.join()
            if ok:
                results[j::jobs] = value
            else:
                failure = failure or value
    if failure is not None:
        raise failure
    return results


def _work_share(work, share, send) -> None:
    try:
        outcome = (True, [work(item) for item in share])
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        outcome = (False, exc)
    try:
        send.send(outcome)
    except Exception as exc:  # a result or an exception that cannot be pickled: say so
        what = f"{type(outcome[1]).__name__}: {outcome[1]}" if not outcome[0] else "its results"
        send.send((False, RuntimeError(f"a worker process could not send back {what} ({exc})")))
