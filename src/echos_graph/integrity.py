"""Check that a store can be used: it opens, its published generation is whole, its data meets the shapes.

What ``echos-graph check`` runs, after a crash, a full disk or a restore,
and what the fault-injection tests run after every fault they inject.  For
the embedded store it verifies that the ``CURRENT`` pointer names a
generation that exists and opens, reads every quad of it (so that a damaged
database file shows up as an error rather than as a quietly short answer),
and notes a ``PREVIOUS`` pointer that names a missing generation and the
abandoned generations an interrupted write leaves (the next write sweeps
them).  For every kind of store it counts the triples and named graphs of
each source and runs the fast SHACL gate (:func:`echos_graph.shapecheck.check_store`)
over the whole store.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from .errors import EchosGraphError, StoreError
from .results import compact
from .validate import ValidationReport

__all__ = ["IntegrityReport", "check_integrity"]

_GENERATION = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class IntegrityReport:
    """What :func:`check_integrity` found.

    ``status`` is ``ok`` (exit code 0), ``not-conforming`` (1: the store
    opens and is whole, but its data breaks the shapes) or ``damaged`` (3:
    missing, unreadable, or a pointer naming a missing generation).
    """

    location: str
    status: str
    generation: str | None = None
    previous: str | None = None
    triples: int = 0
    graphs: int = 0
    sources: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    validation: ValidationReport | None = None

    @property
    def exit_code(self) -> int:
        """Return the exit code of ``echos-graph check``: 0 ok, 1 not conforming, 3 damaged."""
        return {"ok": 0, "not-conforming": 1}.get(self.status, StoreError.exit_code)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data (violations as their text)."""
        data = asdict(self)
        data["exit_code"] = self.exit_code
        validation = self.validation
        data["validation"] = None if validation is None else {
            "conforms": validation.conforms, "triples": validation.triples,
            "violations": [v.text() for v in validation.violations]}
        return data

    def to_json(self) -> str:
        """Return the report as JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def text(self) -> str:
        """Return the report as readable text."""
        head = {"ok": "ok", "not-conforming": "NOT CONFORMING", "damaged": "DAMAGED"}.get(self.status, self.status)
        lines = [f"Store {self.location}: {head}"]
        if self.generation:
            lines.append(f"  generation {self.generation}" + (f" (previous: {self.previous})" if self.previous else ""))
        if self.status != "damaged" or self.triples:
            lines.append(f"  {self.triples} triples in {self.graphs} named graphs")
            lines += [f"  source {compact(source)}: {n['triples']} triples in {n['graphs']} graph(s)"
                      for source, n in self.sources.items()]
        lines += [f"  problem: {p}" for p in self.problems]
        lines += [f"  note: {n}" for n in self.notes]
        if self.validation is not None:
            lines += ["  shapes: " + line for line in self.validation.text().splitlines()]
        return "\n".join(lines)


def check_integrity(location: str | None = None) -> IntegrityReport:
    """Open the store at ``location`` and check it.

    Parameters
    ----------
    location : str, optional
        As for :func:`echos_graph.store.open_store` (default: the
        ``ECHOS_GRAPH_STORE`` variable, else ``var/graph``).

    Returns
    -------
    IntegrityReport
        Never raises for a damaged store: the damage is the report.

    Examples
    --------
    >>> import tempfile
    >>> from echos_graph import build, open_store
    >>> folder = tempfile.mkdtemp() + "/graph"
    >>> _ = build(open_store(folder))
    >>> report = check_integrity(folder)
    >>> report.status, report.exit_code, report.triples > 3000
    ('ok', 0, True)
    """
    from .store import EmbeddedStore, default_location, open_store

    loc = str(location) if location is not None else default_location()
    notes: list[str] = []
    generation = previous = None
    try:
        store = open_store(loc)
        if isinstance(store, EmbeddedStore):
            generation, previous, found = _generations(store)
            notes += found
            if generation is None:
                return IntegrityReport(loc, "damaged", problems=(
                    f"the store at {loc} holds no published graph (missing or never built); "
                    f"build it with 'echos-graph build --store {loc}'",), notes=tuple(notes))
            triples = _read_everything(store, generation)
        else:
            triples = _count(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
            if not triples:
                return IntegrityReport(loc, "damaged", problems=(f"the store at {loc} is empty; build it first",))
        from .info import summarise
        from .shapecheck import check_store

        summary = summarise(store)
        validation = check_store(store)
    except (EchosGraphError, OSError, RuntimeError) as exc:  # OSError, RuntimeError: Oxigraph's reading errors
        return IntegrityReport(loc, "damaged", generation, previous,
                               problems=(f"{type(exc).__name__}: {exc}" if not isinstance(exc, EchosGraphError)
                                         else str(exc),), notes=tuple(notes))
    if summary.triples != triples:
        return IntegrityReport(loc, "damaged", generation, previous, triples=triples, problems=(
            f"reading every quad gave {triples} but counting the named graphs gave {summary.triples}",))
    return IntegrityReport(
        loc, "ok" if validation.conforms else "not-conforming", generation, previous, triples,
        len(summary.graphs), summary.sources, (), tuple(notes), validation)


def _generations(store: Any) -> tuple[str | None, str | None, list[str]]:
    """Return the current and previous generations of an embedded store, and notes on leftovers."""
    current = store.current_generation()  # raises StoreError when CURRENT names a missing generation
    if current is not None and not _GENERATION.match(current):
        raise StoreError(f"{store.path / 'CURRENT'} holds {current!r}, which is not a generation name: "
                         "the store is damaged; rebuild it with 'echos-graph build'")
    notes = []
    previous = None
    pointer = store.path / "PREVIOUS"
    if pointer.exists():
        previous = pointer.read_text(encoding="ascii").strip() or None
        if previous and not (store.path / "generations" / previous).is_dir():
            notes.append(f"PREVIOUS names generation {previous}, which is gone; nothing to fall back on")
    folder = store.path / "generations"
    if folder.is_dir():
        # each write sweeps first, so what remains is the generation before PREVIOUS (named with an
        # earlier time) or what a write left when it was interrupted after the last publish
        for entry in sorted(folder.iterdir()):
            if entry.name in (current, previous):
                continue
            if entry.name < (previous or current or ""):
                notes.append(f"generation {entry.name} is the one before PREVIOUS; the next write deletes it")
            else:
                notes.append(f"generation {entry.name} was never published (an interrupted write); "
                             "the next write deletes it")
    return current, previous, notes


def _read_everything(store: Any, generation: str) -> int:
    """Open ``generation`` read-only on its own and read every quad; return how many there are."""
    reader = ox.Store.read_only(str(store.path / "generations" / generation))
    return sum(1 for q in reader.quads_for_pattern(None, None, None, None) if not isinstance(q.graph_name, ox.DefaultGraph))


def _count(result: Any) -> int:
    """Return the ``?n`` of a one-row COUNT query."""
    return int(next(iter(result))["n"].value)
