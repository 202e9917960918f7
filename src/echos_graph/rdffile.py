"""Read an RDF file that someone else wrote: its syntax from its suffix, nothing fetched, no entity bomb.

Both doors that read an RDF file, ``echos-graph ingest rdf`` and
``echos-graph validate FILE``, read it here, with Oxigraph's parsers, which
never open a file or a URL that the data names (a JSON-LD remote context is
refused, an XML external entity is never read).  Oxigraph's RDF/XML parser
does expand internal entities without a limit, so that the few hundred bytes
of a "billion laughs" file would take tens of gigabytes: an RDF/XML file is
therefore read once by expat first (:func:`check_xml`), which refuses
external entities, parameter entities and external DTDs, and stops when the
entities would add more than :data:`MAX_EXPANSION` characters (or the size
of the file, if larger) to the text.  Internal entities of ordinary size, as
ontology editors write them (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``),
are accepted.
"""

from __future__ import annotations

import stat
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox

from .errors import DataError

__all__ = ["FORMATS", "MAX_EXPANSION", "check_xml", "parse_file"]

#: File suffixes and the syntax each holds.
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

#: Characters that entity references may add to an XML file beyond its own size.
MAX_EXPANSION = 64 * 1024 * 1024


class _Refused(Exception):
    """Stop expat: the file declares something echos-graph does not read."""


class _Done(Exception):
    """Stop expat: the root element started with no DOCTYPE, so no entity can follow."""


def check_xml(path: Path, *, limit: int = MAX_EXPANSION) -> None:
    """Refuse an XML file whose entities would read a file or URL, or expand without bound.

    Parameters
    ----------
    path : Path
        The XML file.
    limit : int
        Characters that entity expansion may add beyond the file's own
        size (or as many as the file has, if that is more).

    Raises
    ------
    DataError
        For an external entity or DTD, a parameter entity, entities that
        expand past the limit, or XML that is not well formed before the
        first element.

    Examples
    --------
    >>> import tempfile
    >>> bomb = Path(tempfile.mkdtemp()) / "bomb.rdf"
    >>> _ = bomb.write_text('<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><r>' + '&b;' * 10 + '</r>')
    >>> check_xml(bomb, limit=100)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    echos_graph.errors.DataError: ...bomb.rdf: its entities expand to more than 108 characters beyond the file's ...
    """
    size = path.stat().st_size
    budget = size + max(limit, size)
    seen = {"doctype": False, "chars": 0}
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True

    def count(n: int) -> None:
        seen["chars"] += n
        if seen["chars"] > budget:
            raise _Refused(f"its entities expand to more than {budget - size} characters beyond the file's own "
                           "size (an entity bomb, or entities misused); write the values out instead of entities")

    def doctype(name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
        seen["doctype"] = True
        if system_id or public_id:
            raise _Refused(f"names an external DTD ({system_id or public_id}); echos-graph reads nothing a file "
                           "points to: delete the DOCTYPE line or put its declarations inside the file")

    def entity(name: str, parameter: int, value: str | None, base: str | None, system_id: str | None,
               public_id: str | None, notation: str | None) -> None:
        if parameter:
            raise _Refused(f"declares the parameter entity %{name}; echos-graph does not read DTD parameter "
                           "entities: write the declarations out")
        if value is None:
            raise _Refused(f"declares the external entity &{name}; ({system_id or public_id}); echos-graph never "
                           "reads a file or URL that a source names: put the value in the file itself")

    def start(name: str, attributes: dict[str, str]) -> None:
        if not seen["doctype"]:
            raise _Done
        count(sum(len(v) for v in attributes.values()))

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    parser.CharacterDataHandler = lambda data: count(len(data))
    parser.ExternalEntityRefHandler = lambda *args: 0  # never reached: external entities are refused when declared
    try:
        with open(path, "rb") as handle:
            parser.ParseFile(handle)
    except _Done:
        return
    except _Refused as exc:
        raise DataError(str(exc), path=str(path)) from None
    except expat.ExpatError as exc:
        if "amplification" in str(exc):  # expat's own guard against entity bombs
            raise DataError("its entities expand far more than the file's own size (an entity bomb); write the "
                            "values out instead of entities", path=str(path), line=exc.lineno) from None
        where = f"line {exc.lineno}, column {exc.offset + 1}"
        raise DataError(f"is not well-formed XML: {expat.ErrorString(exc.code)} ({where})", path=str(path),
                        line=exc.lineno) from None
    except LookupError as exc:  # <?xml encoding="..."?> names an encoding Python does not know
        raise DataError(f"declares an XML encoding that cannot be read ({exc}); save it as UTF-8",
                        path=str(path)) from None
    except RecursionError:  # pragma: no cover - expat does not recurse through Python
        raise DataError("nests entities too deeply", path=str(path)) from None


def parse_file(path: Path) -> tuple[ox.RdfFormat, list[ox.Quad]]:
    """Return the syntax and the quads of an RDF file, read safely.

    Parameters
    ----------
    path : Path
        The file; its syntax comes from its suffix (see :data:`FORMATS`).

    Returns
    -------
    tuple of pyoxigraph.RdfFormat and list of pyoxigraph.Quad
        Blank nodes are renamed, so two files never share one by accident.

    Raises
    ------
    DataError
        For an unknown suffix, a path that is not a regular file, a syntax
        error (with its line and column), a remote JSON-LD context, or an
        XML file refused by :func:`check_xml`.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError(f"has a suffix that does not tell its RDF syntax; name it with one of "
                        f"{', '.join(sorted(FORMATS))}", path=str(path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DataError("does not exist; check the path", path=str(path)) from None
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}", path=str(path)) from None
    if not stat.S_ISREG(mode):
        raise DataError("is not a regular file (a folder, a pipe or a device); give the RDF file itself",
                        path=str(path))
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml(path)
    try:
        return fmt, list(ox.parse(path=str(path), format=fmt, rename_blank_nodes=True))
    except SyntaxError as exc:
        if "LoadDocumentCallback" in str(exc):
            raise DataError("refers to a remote JSON-LD context (an \"@context\" or \"@import\" URL); echos-graph "
                            "never fetches one: put the context inside the file", path=str(path)) from None
        raise DataError(f"is not valid {fmt.name}: {exc}; fix the syntax there", path=str(path)) from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot be read as {fmt.name}: {exc}", path=str(path)) from None
