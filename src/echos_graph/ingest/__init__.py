"""Ingesters: one module per kind of source, registered by name.

An ingester reads a source and returns an
:class:`~echos_graph.ingest.evidence.IngestResult`: the quads (or N-Quads
files, for large sources) of the source's evidence graphs and catalogue
graph.  It never writes to a store; :func:`ingest_source` publishes the
result in one transaction behind the validation gate.
"""

from __future__ import annotations

from .bundled import ingest_bundled
from .evidence import VERIFICATION_STATUSES, Evidence, IngestResult, SourceBuilder
from .publish import INGESTERS, IngestReport, ingest_source, source_name

__all__ = [
    "INGESTERS",
    "VERIFICATION_STATUSES",
    "Evidence",
    "IngestReport",
    "IngestResult",
    "SourceBuilder",
    "ingest_bundled",
    "ingest_source",
    "source_name",
]
