"""Ingesters: one module per kind of source, registered by name.

An ingester reads a source and returns an
:class:`~echos_graph.ingest.bundled.IngestResult`: the quads of the source's
evidence graphs and catalogue graph.  It never writes to a store; the caller
publishes the result in one transaction.
"""

from __future__ import annotations

from .bundled import IngestResult, ingest_bundled
from .evidence import VERIFICATION_STATUSES, Evidence, SourceBuilder

__all__ = ["INGESTERS", "VERIFICATION_STATUSES", "Evidence", "IngestResult", "SourceBuilder", "ingest_bundled"]

#: Ingesters by source kind name.
INGESTERS = {"bundled": ingest_bundled}
