"""Ingest RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) as a source of their own.

Every triple of the file, whatever graph it was in, goes into the source's
evidence graph.  Organisations (``echo:Organisation``) are matched to those
already in the graph by PIC, ROR id, or name and country; a matched
organisation's IRI is rewritten to the existing one, and the match recorded.
The file is read by :func:`echos_graph.rdffile.parse_file`: no external
entity, remote context or URL is ever fetched, and an XML entity bomb is
refused before it can expand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..errors import DataError
from ..namespaces import ECHO, RDF, SKOS, graph_iri, id_iri
from ..rdffile import FORMATS, parse_file
from ..schemes import Schemes
from .evidence import Evidence, IngestResult, SourceBuilder
from .identity import IdentityIndex, OrganisationKeys, ror_key

__all__ = ["FORMATS", "import_triples", "read_rdf"]

_COUNTRY_PREFIX = id_iri("country") + "/"


def _organisation_keys(subject: ox.NamedNode, triples: list[ox.Triple]) -> OrganisationKeys | None:
    """Return the identity keys stated for ``subject``, or None if it has no name and country."""
    name = country = pic = ror = None
    for t in triples:
        p = t.predicate.value
        if p == str(SKOS.prefLabel) and isinstance(t.object, ox.Literal):
            name = name or t.object.value
        elif p == str(ECHO.country) and isinstance(t.object, ox.NamedNode) and t.object.value.startswith(_COUNTRY_PREFIX):
            country = t.object.value[len(_COUNTRY_PREFIX):]
        elif p == str(ECHO.pic) and isinstance(t.object, ox.Literal) and t.object.value.isdigit():
            pic = t.object.value
        elif p == str(ECHO.rorId) and isinstance(t.object, ox.Literal):
            ror = ror_key(t.object.value)
    if name is None or country is None:
        return None
    return OrganisationKeys(name, country, pic=pic, ror=ror)


def import_triples(
    triples: Iterable[ox.Triple | ox.Quad],
    *,
    source: str,
    title: str,
    ingester: str,
    identity: IdentityIndex,
    evidence: Evidence,
    location: str,
    files: Iterable[tuple[str, Path | bytes, int]] = (),
    started: dt.datetime,
) -> IngestResult:
    """Put ``triples`` into the source's evidence graph, matching organisations to existing ones.

    Returns
    -------
    IngestResult
    """
    builder = SourceBuilder(source, title, ingester)
    items = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
    by_subject: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
    organisations = []
    for t in items:
        if isinstance(t.subject, ox.NamedNode):
            by_subject[t.subject].append(t)
            if t.predicate.value == str(RDF.type) and t.object == ox.NamedNode(str(ECHO.Organisation)):
                organisations.append(t.subject)
    rename: dict[ox.NamedNode, ox.NamedNode] = {}
    origins: dict[str, str] = {}
    for subject in organisations:
        keys = _organisation_keys(subject, by_subject[subject])
        if keys is None:
            continue
        uri = identity.resolve(keys)
        origins[uri] = location
        if uri != subject.value and identity.is_existing(uri):
            rename[subject] = ox.NamedNode(uri)
    label = ox.NamedNode(str(SKOS.prefLabel))
    alt = ox.NamedNode(str(SKOS.altLabel))
    country = ox.NamedNode(str(ECHO.country))
    out = []
    for t in items:
        s = rename.get(t.subject, t.subject)  # type: ignore[arg-type]
        o = rename.get(t.object, t.object)  # type: ignore[arg-type]
        if t.subject in rename or identity.is_existing(s.value if isinstance(s, ox.NamedNode) else ""):
            if t.predicate == label:  # the other source names it; this name becomes an alternative
                out.append(ox.Triple(s, alt, o))
                continue
            if t.predicate == country:
                continue
        out.append(ox.Triple(s, t.predicate, o))
    builder.add(evidence, ((t.subject, t.predicate, t.object) for t in out))  # type: ignore[misc]
    for display, content, count in files:
        builder.add_file(display, content, count)
    ended = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    catalogue = builder.catalogue(version=__version__, started=started, ended=ended, location=location,
                                  matches=identity.matches.values())
    return IngestResult(graph_iri(source), builder.quads + catalogue, builder.records, origins)


def read_rdf(
    path: Path,
    *,
    source: str,
    identity: IdentityIndex,
    schemes: Schemes,
    verification: str = "unverified",
    source_urls: tuple[str, ...] = (),
    progress: Callable[[int, int], None] | None = None,
) -> IngestResult:
    """Read an RDF file into the source's evidence graph.

    Parameters
    ----------
    path : Path
        The file; its syntax comes from its extension (see :data:`FORMATS`).
    source, identity, schemes, progress
        As for every ingester (see :func:`echos_graph.ingest.ingest_source`).
    verification : str
        The verification status of the file's facts (default unverified).
    source_urls : tuple of str
        Where the file came from (default: the file itself).

    Raises
    ------
    DataError
        For a missing file, an unknown extension, a syntax error (with its
        line and column), a file with no triple, or one that names an
        external entity or remote context or holds an entity bomb.
    """
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    fmt, quads = parse_file(path)
    if not quads:
        raise DataError(f"holds no triple; is it the right file? ({fmt.name})", path=str(path))
    if progress is not None:
        progress(len(quads), len(quads))
    evidence = Evidence(source_urls or (path.resolve().as_uri(),), verification,
                        f"RDF file {path.name} ({fmt.name})", str(path))
    return import_triples(quads, source=source, title=f"RDF file {path.name}", ingester="rdf", identity=identity,
                          evidence=evidence, location=str(path.resolve()), files=[(path.name, path, len(quads))],
                          started=started)
