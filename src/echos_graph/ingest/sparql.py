"""Ingest the answer of a remote SPARQL endpoint to a CONSTRUCT query as a source.

The query is a saved one (``queries/construct-*.rq``) or a ``.rq`` file.  It
is sent with SPARQLWrapper, with our User-Agent and a timeout; answers 429
(too many requests) and 503 (unavailable) are retried with exponential
back-off, honouring ``Retry-After``.  The triples then go in as the
:mod:`~echos_graph.ingest.rdf` ingester puts a file in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import urllib.error
from collections.abc import Callable

import pyoxigraph as ox

from .. import __version__
from ..errors import DataError, RemoteError
from ..queries import resolve_query
from ..schemes import Schemes
from .evidence import Evidence, IngestResult
from .identity import IdentityIndex
from .rdf import import_triples

__all__ = ["RETRY_STATUSES", "fetch_construct", "read_sparql"]

#: HTTP statuses that mean "try again later".
RETRY_STATUSES = (429, 503)


def fetch_construct(url: str, query: str, *, timeout: float = 60.0, retries: int = 4,
                    backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> bytes:
    """Send a CONSTRUCT ``query`` to the endpoint ``url`` and return its Turtle answer.

    Parameters
    ----------
    url : str
        The SPARQL endpoint.
    query : str
        The query text (a CONSTRUCT or DESCRIBE).
    timeout : float
        Seconds one request may take.
    retries : int
        How many times to retry after a 429 or 503 answer.
    backoff : float
        Seconds before the first retry; doubled each time (a ``Retry-After``
        header, when given, is honoured up to 60 seconds).

    Raises
    ------
    RemoteError
        When the endpoint cannot be reached, times out, or keeps refusing.
    DataError
        When the endpoint rejects the query.
    """
    from SPARQLWrapper import TURTLE, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

    client = SPARQLWrapper(url, agent=f"echos-graph/{__version__} (+https://w3id.org/echos-graph)")
    client.setQuery(query)
    client.setMethod("POST")
    client.setTimeout(int(timeout))
    client.setReturnFormat(TURTLE)
    if client.queryType not in ("CONSTRUCT", "DESCRIBE"):
        raise DataError(f"the query is a {client.queryType}; ingesting from an endpoint needs a CONSTRUCT query")
    delay = backoff
    for attempt in range(retries + 1):
        try:
            return client.query().response.read()  # type: ignore[no-any-return]
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
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"cannot reach the SPARQL endpoint {url}: {reason}") from None
    raise RemoteError(f"the SPARQL endpoint {url} kept refusing")  # pragma: no cover - loop always returns


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
    except SyntaxError as exc:
        raise RemoteError(f"the SPARQL endpoint {url} answered something that is not Turtle: {exc}") from None
    if progress is not None:
        progress(len(quads), len(quads))
    digest = hashlib.sha256(body).hexdigest()
    evidence = Evidence(source_urls or (url,), verification,
                        f"answer of {url} to query {saved.name} (sha256:{digest[:16]})", url)
    return import_triples(quads, source=source, title=f"{saved.name} from {url}", ingester="sparql",
                          identity=identity, evidence=evidence, location=url,
                          files=[(f"answer to {saved.name}", body, len(quads))], started=started)
