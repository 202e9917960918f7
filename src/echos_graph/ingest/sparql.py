"""Ingest the answer of a remote SPARQL endpoint to a CONSTRUCT query as a source.

The query is a saved one (``queries/construct-*.rq``) or a ``.rq`` file.  It
is sent with SPARQLWrapper, with our User-Agent and a timeout that bounds
the whole exchange; answers 429 (too many requests) and 503 (unavailable)
are retried with exponential back-off, honouring ``Retry-After``; an
endpoint that hangs, resets the connection, answers garbage or too much is
a :class:`~echos_graph.errors.RemoteError`.  The triples then go in as the
:mod:`~echos_graph.ingest.rdf` ingester puts a file in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import re
import threading
import time
import urllib.error
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from .. import __version__
from ..errors import DataError, RemoteError
from ..queries import resolve_query
from ..schemes import Schemes
from .evidence import Evidence, IngestResult
from .identity import IdentityIndex
from .rdf import import_triples

__all__ = ["MAX_ANSWER_BYTES", "RETRY_STATUSES", "fetch_construct", "read_sparql"]

#: HTTP statuses that mean "try again later".
RETRY_STATUSES = (429, 503)
#: The largest CONSTRUCT answer read from an endpoint; the whole answer is held in memory while it is parsed.
MAX_ANSWER_BYTES = 1024**3


def fetch_construct(url: str, query: str, *, timeout: float = 60.0, retries: int = 4,
                    backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep,
                    max_bytes: int | None = None) -> bytes:
    """Send a CONSTRUCT ``query`` to the endpoint ``url`` and return its Turtle answer.

    Parameters
    ----------
    url : str
        The SPARQL endpoint.
    query : str
        The query text (a CONSTRUCT or DESCRIBE).
    timeout : float
        Seconds one request may take, from sending the query to the last
        byte of the answer (an endpoint that hangs, or trickles its answer,
        is given up on then).
    retries : int
        How many times to retry after a 429 or 503 answer.
    backoff : float
        Seconds before the first retry; doubled each time (a ``Retry-After``
        header, when given, is honoured up to 60 seconds).
    max_bytes : int, optional
        The largest answer accepted (default :data:`MAX_ANSWER_BYTES`).

    Raises
    ------
    RemoteError
        When the endpoint cannot be reached, times out, resets the
        connection, answers something that is not HTTP, cuts its answer
        short, answers more than ``max_bytes``, or keeps refusing.
    DataError
        When the endpoint rejects the query.
    """
    from SPARQLWrapper import TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

    client = SPARQLWrapper(url, agent=f"echos-graph/{__version__} (+https://w3id.org/echos-graph)")
    client.setQuery(query)
    client.setMethod("POST")
    client.setTimeout(max(1, int(timeout)))
    client.setReturnFormat(TURTLE)
    if client.queryType not in ("CONSTRUCT", "DESCRIBE"):
        raise DataError(f"the query is a {client.queryType}; ingesting from an endpoint needs a CONSTRUCT query")
    limit = MAX_ANSWER_BYTES if max_bytes is None else max_bytes
    delay = backoff
    for attempt in range(retries + 1):
        try:
            return _answer(client, url, timeout, limit)
        except urllib.error.HTTPError as exc:
            if exc.code not in RETRY_STATUSES or attempt == retries:
                raise RemoteError(f"the SPARQL endpoint {url} answered HTTP {exc.code} {exc.reason}"
                                  + (f" after {attempt + 1} tries" if attempt else "")) from None
            wait = delay
            retry_after = exc.headers.get("Retry-After", "") if exc.headers else ""
            if retry_after.strip().isdigit():
                wait = min(float(retry_after), 60.0)
            sleep(wait)
            delay *= 2
        except QueryBadFormed as exc:
            raise DataError(f"the SPARQL endpoint {url} rejected the query: {exc}") from None
        except SPARQLWrapperException as exc:
            raise RemoteError(f"the SPARQL endpoint {url} failed: {exc}") from None
        except http.client.HTTPException as exc:  # not HTTP at all, or an answer cut short
            raise RemoteError(f"the SPARQL endpoint {url} answered something that is not a whole HTTP answer "
                              f"({type(exc).__name__}: {str(exc)[:200]!r}); is the URL right?") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None
    raise RemoteError(f"the SPARQL endpoint {url} kept refusing")  # pragma: no cover - loop always returns


def _answer(client: Any, url: str, timeout: float, limit: int) -> bytes:
    """Send the query and read the whole answer within ``timeout`` seconds and ``limit`` bytes.

    The request runs in a daemon thread that is abandoned when the time is
    up, because a socket timeout only bounds each read: an endpoint that
    sends one byte a second would otherwise hold the ingest for ever.
    """
    outcome: dict[str, Any] = {}
    given_up = threading.Event()

    def run() -> None:
        try:
            response = client.query().response
            read = getattr(response, "read1", None) or response.read
            parts, size = [], 0
            while not given_up.is_set():
                part = read(1 << 16)
                if not part:
                    break
                size += len(part)
                if size > limit:
                    raise RemoteError(f"the SPARQL endpoint {url} answered more than {limit / 1024**2:,.0f} MB; "
                                      "ask a narrower CONSTRUCT query")
                parts.append(part)
            missing = getattr(response, "length", None)  # bytes still due by Content-Length
            response.close()
            if missing and not given_up.is_set():
                raise http.client.IncompleteRead(b"".join(parts), missing)
            outcome["body"] = b"".join(parts)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="sparql-fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        given_up.set()
        raise RemoteError(f"the SPARQL endpoint {url} did not send its whole answer within {timeout:g} s; "
                          "try again later, or ask a narrower query")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["body"]  # type: ignore[no-any-return]


def read_sparql(
    url: str,
    *,
    source: str,
    identity: IdentityIndex,
    schemes: Schemes,
    query: str = "construct-organisations",
    verification: str = "unverified",
    source_urls: tuple[str, ...] = (),
    progress: Callable[[int, int], None] | None = None,
    timeout: float = 60.0,
) -> IngestResult:
    """Ask the endpoint ``url`` a CONSTRUCT query and read its answer as a source.

    Parameters
    ----------
    url : str
        The SPARQL endpoint (http or https).
    query : str
        A saved query name or a ``.rq`` file path.
    verification : str
        The verification status of the answer's facts (default unverified).
    source_urls : tuple of str
        Where the facts come from (default: the endpoint URL).
    """
    if not re.match(r"^https?://", url):
        raise DataError(f"{url!r} is not an http(s):// SPARQL endpoint URL")
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    saved = resolve_query(query)
    body = fetch_construct(url, saved.text, timeout=timeout)
    try:
        quads = list(ox.parse(body, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))
    except (SyntaxError, ValueError) as exc:
        raise RemoteError(f"the SPARQL endpoint {url} answered something that is not Turtle: {exc}") from None
    if progress is not None:
        progress(len(quads), len(quads))
    digest = hashlib.sha256(body).hexdigest()
    evidence = Evidence(source_urls or (url,), verification,
                        f"answer of {url} to query {saved.name} (sha256:{digest[:16]})", url)
    return import_triples(quads, source=source, title=f"{saved.name} from {url}", ingester="sparql",
                          identity=identity, evidence=evidence, location=url,
                          files=[(f"answer to {saved.name}", body, len(quads))], started=started)
