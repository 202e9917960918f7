"""Write N-Quads text fast, for the bulk path of large sources.

Creating a Python object per term and quad costs more than the store's bulk
loader takes to parse text, so large ingesters write N-Quads lines into a
temporary file that the store loads in one pass (Oxigraph's ``bulk_load``).
IRIs written here come from validated keys; literals are escaped as the
N-Triples grammar requires.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from types import TracebackType

__all__ = ["NQuadsFile", "iri", "literal"]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]').search


def iri(value: str) -> str:
    """Return ``value`` as an N-Triples IRI; the caller guarantees it is a valid IRI."""
    return f"<{value}>"


def literal(value: str, datatype: str | None = None, *, lang: str | None = None) -> str:
    """Return an N-Triples literal with ``"``, ``\\``, newlines and returns escaped.

    Examples
    --------
    >>> literal('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    >>> literal("2023-04-01", "http://www.w3.org/2001/XMLSchema#date")
    '"2023-04-01"^^<http://www.w3.org/2001/XMLSchema#date>'
    """
    text = f'"{value.translate(_ESCAPES)}"' if _NEEDS_ESCAPE(value) else f'"{value}"'
    if lang:
        return f"{text}@{lang}"
    if datatype:
        return f"{text}^^<{datatype}>"
    return text


class NQuadsFile:
    """A temporary N-Quads file, removed when closed.

    Examples
    --------
    >>> with NQuadsFile() as out:
    ...     out.quad("<http://e/s>", "<http://e/p>", literal("o"), "<http://e/g>")
    ...     out.count
    1
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix="echos-graph-", suffix=".nq", dir=directory)
        self.path = Path(name)
        self._file = os.fdopen(handle, "w", encoding="utf-8", buffering=1 << 20)
        self._write = self._file.write
        self.count = 0

    def quad(self, subject: str, predicate: str, obj: str, graph: str) -> None:
        """Write one quad of already-serialised terms."""
        self._write(f"{subject} {predicate} {obj} {graph} .\n")
        self.count += 1

    def block(self, text: str, quads: int) -> None:
        """Write ``quads`` quads already joined as N-Quads lines (each ending in ``" .\\n"``)."""
        self._write(text)
        self.count += quads

    def finish(self) -> Path:
        """Flush and close the file for reading; return its path."""
        if not self._file.closed:
            self._file.close()
        return self.path

    def close(self) -> None:
        """Close and delete the file."""
        self.finish()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> NQuadsFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
