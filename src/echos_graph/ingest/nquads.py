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
from collections.abc import Callable
from types import TracebackType

__all__ = ["CHUNK_QUADS", "NQuadsFile", "iri", "literal"]

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


#: Quads per file.  Oxigraph's bulk loader holds about 1.9 GB while it loads the 2.7 million quads
#: of the s100k benchmark in one call, and about 0.75 GB when they come in files of 350,000 loaded
#: two at a time (measured on this project's machine, bench/README.md), so large sources are
#: written, and loaded, in parts.
CHUNK_QUADS = 350_000


class NQuadsFile:
    """Temporary N-Quads files of at most ``chunk`` quads each (:data:`CHUNK_QUADS`), removed when closed.

    ``on_chunk``, if given, is called with each file as soon as it is
    complete (the last one by :meth:`finish`), so that a loader can read it
    while the next one is written.

    Examples
    --------
    >>> with NQuadsFile(chunk=2) as out:
    ...     for n in range(5):
    ...         out.quad("<http://e/s>", "<http://e/p>", literal(str(n)), "<http://e/g>")
    ...     [len(p.read_text().splitlines()) for p in out.finish()]
    [2, 2, 1]
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, *, chunk: int | None = None,
                 on_chunk: Callable[[Path], None] | None = None) -> None:
        self.paths: list[Path] = []
        self._on_chunk = on_chunk
        self.count = 0
        self._directory = directory
        self._chunk = chunk or CHUNK_QUADS
        self._next = self._chunk
        self._open()

    def _open(self) -> None:
        """Start the next file."""
        handle, name = tempfile.mkstemp(prefix="echos-graph-", suffix=".nq", dir=self._directory)
        self.paths.append(Path(name))
        self._file = os.fdopen(handle, "w", encoding="utf-8", buffering=1 << 20)
        self._write = self._file.write

    def _rotate(self) -> None:
        """Close the full file, hand it over, and start the next one."""
        self._file.close()
        if self._on_chunk is not None:
            self._on_chunk(self.paths[-1])
        self._next = self.count + self._chunk
        self._open()

    def cut(self) -> None:
        """End the current file here (if it holds any quad) and hand it over, so a loader can start on it.

        Examples
        --------
        >>> with NQuadsFile(chunk=5) as out:
        ...     out.quad("<http://e/s>", "<http://e/p>", literal("1"), "<http://e/g>")
        ...     out.cut()
        ...     out.cut()  # nothing written since: no empty file
        ...     out.quad("<http://e/s>", "<http://e/p>", literal("2"), "<http://e/g>")
        ...     [len(p.read_text().splitlines()) for p in out.finish()]
        [1, 1]
        """
        if self.count > self._next - self._chunk:
            self._rotate()

    def quad(self, subject: str, predicate: str, obj: str, graph: str) -> None:
        """Write one quad of already-serialised terms."""
        if self.count >= self._next:
            self._rotate()
        self._write(f"{subject} {predicate} {obj} {graph} .\n")
        self.count += 1

    def block(self, text: str, quads: int) -> None:
        """Write ``quads`` quads already joined as N-Quads lines (each ending in ``" .\\n"``)."""
        if self.count >= self._next:
            self._rotate()
        self._write(text)
        self.count += quads

    def finish(self) -> tuple[Path, ...]:
        """Flush and close the files for reading; return their paths in order."""
        if not self._file.closed:
            self._file.close()
            if self._on_chunk is not None:
                self._on_chunk(self.paths[-1])
        return tuple(self.paths)

    def close(self) -> None:
        """Close and delete the files (without handing over an unfinished one; even when closing fails, as on
        a full disk)."""
        self._on_chunk = None
        try:
            self.finish()
        finally:
            for path in self.paths:
                path.unlink(missing_ok=True)

    def __enter__(self) -> NQuadsFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
