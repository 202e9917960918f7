"""The exceptions echos-graph raises, and the exit code each one maps to.

Every message names the bad value, where it came from and how to fix it.  The
CLI and the web app turn these into output in one place each
(:func:`echos_graph.cli.main` and :mod:`echos_graph.web.errors`).

Exit codes of the ``echos-graph`` command:

==== =====================================================================
code meaning
==== =====================================================================
0    success (``validate``: the data conforms)
1    the data does not conform to the shapes (``validate``, ``build``)
2    bad input: a file, a value, a query or an option is wrong
3    the store cannot be used: missing, locked by another writer, damaged
4    a remote service failed (a SPARQL endpoint, Java for the reasoner)
==== =====================================================================
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "EchosGraphError",
    "NotConformingError",
    "OntologyError",
    "QueryError",
    "QueryTimeoutError",
    "RemoteError",
    "ResultTooLargeError",
    "StoreError",
    "StoreLockedError",
]


class EchosGraphError(Exception):
    """Base class of every error echos-graph reports to a user."""

    exit_code = 2


class DataError(EchosGraphError):
    """An input file or value is wrong; the message says where and how to fix it.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    path : str, optional
        The file the bad value came from.
    line : int, optional
        The line (1-based, header is line 1) of the bad value.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else f"{path}: " if path else ""
        super().__init__(where + message)


class QueryError(EchosGraphError):
    """A SPARQL query or one of its parameters is wrong."""

    exit_code = 2


class ResultTooLargeError(QueryError):
    """A query's result has more rows than one answer may carry; the message says how to page."""


class QueryTimeoutError(EchosGraphError):
    """A query ran past the time allowed; its work was stopped."""

    exit_code = 3


class NotConformingError(EchosGraphError):
    """Data breaks the SHACL shapes; ``report`` holds the readable violations."""

    exit_code = 1

    def __init__(self, message: str, report: object | None = None) -> None:
        self.report = report
        super().__init__(message)


class StoreError(EchosGraphError):
    """The store cannot be opened or used."""

    exit_code = 3


class StoreLockedError(StoreError):
    """Another process is writing to the store."""


class RemoteError(EchosGraphError):
    """A remote service (SPARQL endpoint, Java reasoner) failed or is missing.

    Parameters
    ----------
    message : str
        What failed and how to fix it.
    status : int, optional
        The HTTP status the service answered, if it answered.
    """

    exit_code = 4

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class OntologyError(EchosGraphError):
    """The ontology cannot be loaded or reasoned over."""

    exit_code = 4
