"""Give a query a deadline; when it passes, answer 503 and retire the worker that ran it.

pyoxigraph cannot cancel a query, so the only way to stop a runaway one is to
end the process it runs in.  The production server (gunicorn sync workers,
one request at a time per worker process) does this in two steps:

1. :func:`run_before_deadline` runs the query and the serialisation of its
   answer in a thread of the worker and waits at most the query timeout.
   When the time is up it raises :class:`~echos_graph.errors.QueryTimeoutError`
   (a 503 with a message) and marks the worker to retire;
2. after that answer has been sent, gunicorn's ``post_request`` hook
   (:func:`post_request`) stops the worker's loop and its ``worker_exit``
   hook (:func:`worker_exit`) ends the process at once, runaway thread and
   all; the gunicorn master starts a fresh worker in its place.

Other workers go on serving meanwhile.  gunicorn's own timeout stays as a
backstop, a few seconds later, for work that never returns to Python.
Outside gunicorn (Flask's test client or development server) the client gets
the same 503, but the thread runs on until the query ends.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import QueryTimeoutError

__all__ = ["post_request", "retiring", "run_before_deadline", "worker_exit"]

T = TypeVar("T")

_RETIRE = threading.Event()


def retiring() -> bool:
    """Return whether this worker process has given up on a query and will retire."""
    return _RETIRE.is_set()


def run_before_deadline(work: Callable[[], T], seconds: float) -> T:
    """Return ``work()``, or raise QueryTimeoutError if it takes more than ``seconds``.

    Parameters
    ----------
    work : callable
        Runs the query and builds the answer; it must not need Flask's
        request context (it runs in another thread).
    seconds : float
        The deadline.

    Raises
    ------
    echos_graph.errors.QueryTimeoutError
        When the deadline passes; the process is then marked to retire.

    Examples
    --------
    >>> run_before_deadline(lambda: 6 * 7, 5)
    42
    """
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the waiting thread
            outcome["error"] = _detached(exc)
        finally:
            done.set()

    threading.Thread(target=run, name="echos-graph-query", daemon=True).start()
    if not done.wait(seconds):
        _RETIRE.set()
        raise QueryTimeoutError(
            f"the query ran for more than {seconds:g} s, the most this endpoint allows, and was stopped. "
            "Make it more selective (bind more of the pattern, add LIMIT), or run it on your own copy of "
            "the data (echos-graph export)."
        )
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def _detached(exc: BaseException) -> BaseException:
    """Drop the tracebacks of ``exc`` and the exceptions it chains to.

    Their frames hold pyoxigraph results, which may only be dropped in the
    thread that made them (pyoxigraph objects are "unsendable").
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        _detached(current.__cause__) if current.__cause__ is not None else None
        current = current.__context__
    return exc


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """gunicorn hook: after the answer has been sent, stop a worker that gave up on a query."""
    if _RETIRE.is_set():
        if getattr(worker, "log", None) is not None:
            worker.log.warning("worker %s retires: a query ran past the timeout and is stopped with it", os.getpid())
        worker.alive = False


def worker_exit(server: Any, worker: Any) -> None:
    """gunicorn hook: end a retiring worker's process at once, stopping its runaway query."""
    if _RETIRE.is_set():
        os._exit(0)
