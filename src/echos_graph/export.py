"""Export the store in standard RDF formats (network formats come with the analyses)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

from .errors import DataError
from .results import GRAPH_FORMATS
from .store import GraphStore

__all__ = ["export_store"]


def export_store(store: GraphStore, output: Path | IO[bytes], fmt: str) -> None:
    """Write every named graph of ``store`` to ``output`` in format ``fmt``.

    A file is written to a temporary name first and renamed when complete, so
    an interrupted export never leaves a half-written file.

    Parameters
    ----------
    store : GraphStore
    output : Path or binary file
    fmt : str
        A key of :data:`echos_graph.results.GRAPH_FORMATS`: nq, trig and
        jsonld keep the named graphs, the others merge them into one graph.
    """
    if fmt not in GRAPH_FORMATS:
        raise DataError(f"unknown export format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
    rdf_format = GRAPH_FORMATS[fmt][0]
    if not isinstance(output, Path):
        store.dump(output, rdf_format)
        return
    handle, tmp = tempfile.mkstemp(dir=output.parent or Path("."), prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            store.dump(out, rdf_format)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
