"""The saved-query catalogue: load ``queries/*.rq`` and run them with bound parameters.

Each ``.rq`` file holds one query and starts with a header comment::

    # title: Hub sector coverage
    # description: For each hub, the sectors its members cover and the
    #   sectors of the scheme that none of them covers.
    # param: hub (iri, optional): one hub, e.g. id:hub/NO; all hubs if omitted
    # columns: hub, hubLabel, sector, sectorLabel, covered, members

Parameter values arrive as text (from the command line or a URL), are turned
into RDF terms of the declared type and bound by the engine as variable
substitutions, and also as a VALUES block that pyoxigraph writes from the
terms (so that Oxigraph's planner sees them; a remote store gets the VALUES
block only): no value is ever pasted into the query as text, so none can
change a query's shape.  The engine binds projected variables only, so every
parameter is a variable of the query's ``SELECT`` (and of its ``GROUP BY``
when the query aggregates).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from .errors import QueryError
from .namespaces import PREFIXES, XSD
from .resources import queries_dir
from .store import GraphStore, QueryResult

__all__ = [
    "PARAMETER_TYPES",
    "Parameter",
    "SavedQuery",
    "bind_parameters",
    "declare_prefixes",
    "load_catalogue",
    "load_query",
    "resolve_query",
    "run_query",
    "saved_query",
]

#: The types a saved-query parameter may declare.
PARAMETER_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")

_HEADER_KEY = re.compile(r"^#\s*(title|description|param|columns)\s*:\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<type>\w+)(?P<opts>(?:\s*,\s*[^)]*)?)\)\s*:?\s*(?P<doc>.*)$"
)


@dataclass(frozen=True)
class Parameter:
    """A declared parameter of a saved query: a variable the caller may bind."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class SavedQuery:
    """A query of the catalogue, with the documentation from its header."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)
    columns: tuple[str, ...] = field(default_factory=tuple)
    path: Path | None = None

    def parameter(self, name: str) -> Parameter:
        """Return the parameter called ``name`` or raise a QueryError listing the valid ones."""
        for param in self.parameters:
            if param.name == name:
                return param
        valid = ", ".join(p.name for p in self.parameters) or "none"
        raise QueryError(f"query {self.name!r} has no parameter {name!r}; its parameters are: {valid}")


def load_query(path: Path, *, name: str | None = None) -> SavedQuery:
    """Read one ``.rq`` file and its header.

    Parameters
    ----------
    path : Path
        The query file.
    name : str, optional
        The catalogue name; defaults to the file name without ``.rq``.

    Returns
    -------
    SavedQuery

    Raises
    ------
    QueryError
        If the file cannot be read or a ``param`` line is malformed.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read query file {path}: {exc}") from None
    fields: dict[str, list[str]] = {"title": [], "description": [], "columns": []}
    params: list[Parameter] = []
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER_KEY.match(line)
        if match:
            last = match.group(1)
            if last == "param":
                params.append(_parse_param(match.group(2), path, number))
            else:
                fields[last].append(match.group(2).strip())
        elif last and line[1:].startswith("  "):
            if last == "param":
                prev = params[-1]
                params[-1] = Parameter(prev.name, prev.type, prev.required, prev.default,
                                       f"{prev.description} {line[1:].strip()}".strip())
            else:
                fields[last].append(line[1:].strip())
    columns = tuple(c.strip() for c in " ".join(fields["columns"]).split(",") if c.strip())
    return SavedQuery(
        name=name or path.stem,
        text=text,
        title=" ".join(fields["title"]),
        description=" ".join(fields["description"]),
        parameters=tuple(params),
        columns=columns,
        path=path,
    )


def _parse_param(spec: str, path: Path, line: int) -> Parameter:
    """Parse the text of a ``# param:`` line."""
    match = _PARAM.match(spec.strip())
    if not match or match.group("type") not in PARAMETER_TYPES:
        raise QueryError(
            f"{path}:{line}: malformed parameter declaration {spec!r}; write "
            f"'# param: NAME (TYPE, optional, default=VALUE): what it means' with TYPE one of {', '.join(PARAMETER_TYPES)}"
        )
    required, default = True, None
    for opt in (o.strip() for o in match.group("opts").split(",") if o.strip()):
        if opt == "optional":
            required = False
        elif opt == "required":
            required = True
        elif opt.startswith("default="):
            default, required = opt[len("default="):], False
        else:
            raise QueryError(f"{path}:{line}: unknown parameter option {opt!r} (use optional, required or default=VALUE)")
    return Parameter(match.group("name"), match.group("type"), required, default, match.group("doc").strip())


def load_catalogue(folder: Path | None = None) -> dict[str, SavedQuery]:
    """Return every saved query of ``folder`` (default: the bundled ``queries/``), by name.

    Examples
    --------
    >>> "hub-sector-coverage" in load_catalogue()
    True
    """
    folder = folder or queries_dir()
    return {path.stem: load_query(path) for path in sorted(folder.glob("*.rq"))}


_IRI_OR_STRING = re.compile(r'<[^<>"{}|^`\\\s]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def declare_prefixes(text: str) -> str:
    """Return ``text`` with a ``PREFIX`` line for each of our prefixes it uses but does not declare.

    Saved queries lean on the prefixes that the engine predeclares
    (:data:`echos_graph.namespaces.PREFIXES`); with the declarations added a
    query also runs on any other SPARQL endpoint, in a query editor and
    from a shared link.  The lines go after the header comment.

    Parameters
    ----------
    text : str
        A SPARQL query.

    Returns
    -------
    str

    Examples
    --------
    >>> print(declare_prefixes("# title: Hubs\\nSELECT ?h { ?h a echo:CancerMissionHub }"))
    # title: Hubs
    PREFIX echo: <https://w3id.org/echos-graph/ontology#>
    SELECT ?h { ?h a echo:CancerMissionHub }
    """
    code = _IRI_OR_STRING.sub(" ", text)
    declared = {match.group(1) or "" for match in _DECLARED.finditer(code)}
    used = [prefix for prefix in PREFIXES
            if prefix not in declared and re.search(rf"(?<![\w.:-]){re.escape(prefix)}:", code)]
    if not used:
        return text
    lines = text.splitlines(keepends=True)
    header = 0
    while header < len(lines) and (lines[header].startswith("#") or not lines[header].strip()):
        header += 1
    declarations = "".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}>\n" for prefix in used)
    return "".join(lines[:header]) + declarations + "".join(lines[header:])


def saved_query(name: str) -> SavedQuery | None:
    """Return the catalogue's query called ``name``, reading its own file only; None if there is none.

    Cheaper than :func:`load_catalogue` (every file, 1.85 ms) for one query;
    a name with a path separator or a leading dot names no saved query.

    Examples
    --------
    >>> saved_query("hub-sector-coverage").name, saved_query("../etc/passwd")
    ('hub-sector-coverage', None)
    """
    if not name or name.startswith(".") or "/" in name or "\\" in name:
        return None
    own = queries_dir() / f"{name}.rq"
    return load_query(own) if own.is_file() else None


def resolve_query(name_or_path: str) -> SavedQuery:
    """Return the saved query called ``name_or_path``, or the query in that file.

    Raises
    ------
    QueryError
        If it is neither a catalogue name nor a readable file; the message
        lists the catalogue.
    """
    saved = saved_query(name_or_path)
    if saved is not None:
        return saved
    catalogue = load_catalogue()
    if name_or_path in catalogue:
        return catalogue[name_or_path]
    path = Path(name_or_path)
    if path.is_file():
        return load_query(path)
    names = ", ".join(catalogue)
    raise QueryError(f"no saved query or file called {name_or_path!r}; saved queries: {names}")


def _to_term(param: Parameter, value: str) -> ox.NamedNode | ox.Literal:
    """Turn the text ``value`` into an RDF term of the parameter's type."""
    hint = f"parameter {param.name!r} expects {param.type}"
    if _SURROGATE.search(value):  # from bytes that are not UTF-8 (a command line in another encoding)
        raise QueryError(f"{hint}; {value!r} is not valid UTF-8 text: write the value in UTF-8")
    if param.type == "iri":
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES and not local.startswith("//"):
            value = PREFIXES[prefix] + local
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", value):
            raise QueryError(f"{hint}, an IRI such as id:hub/NO or https://w3id.org/echos-graph/id/hub/NO; got {value!r}")
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise QueryError(f"{hint}; {value!r} is not a valid IRI: {exc}") from None
    if param.type == "string":
        return ox.Literal(value)
    try:
        if param.type == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(str(XSD.integer)))
        if param.type == "decimal":
            number = Decimal(value)
            if not number.is_finite() or abs(number.adjusted()) > _MAX_DIGITS:  # "1e999999999" would be 1 GB
                raise ValueError(value)
            # the xsd:decimal lexical form: digits and a point, never an exponent ("1E+3")
            return ox.Literal(format(number, "f"), datatype=ox.NamedNode(str(XSD.decimal)))
        if param.type == "date":
            return ox.Literal(dt.date.fromisoformat(value).isoformat(), datatype=ox.NamedNode(str(XSD.date)))
    except (ValueError, InvalidOperation):
        raise QueryError(f"{hint}; {value!r} is not one (example: {_EXAMPLES[param.type]})") from None
    if value.lower() in ("true", "false"):
        return ox.Literal(value.lower(), datatype=ox.NamedNode(str(XSD.boolean)))
    raise QueryError(f"{hint}: true or false; got {value!r}")


_EXAMPLES = {"integer": "42", "decimal": "1500.50", "date": "2025-05-20"}
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_DIGITS = 4300  # as Python's own limit on integer text


def bind_parameters(query: SavedQuery, values: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Turn text parameter values into typed RDF terms for ``query``.

    Parameters
    ----------
    query : SavedQuery
        The query whose header declares the parameters.
    values : mapping of str to str
        Parameter name to its text value.

    Returns
    -------
    dict
        Variable name to term, defaults included; optional parameters left
        out stay unbound.

    Raises
    ------
    QueryError
        For an unknown parameter, a missing required one or a value of the
        wrong type.

    Examples
    --------
    >>> q = load_catalogue()["organisations-by-sector"]
    >>> bind_parameters(q, {"sector": "id:sector/GOV"})["sector"]
    <NamedNode value=https://w3id.org/echos-graph/id/sector/GOV>
    """
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in values.items():
        bound[name] = _to_term(query.parameter(name), value)
    for param in query.parameters:
        if param.name in bound:
            continue
        if param.default is not None:
            bound[param.name] = _to_term(param, param.default)
        elif param.required:
            raise QueryError(
                f"query {query.name!r} needs parameter {param.name!r} ({param.type}): {param.description}; "
                f"pass it with --param {param.name}=VALUE"
            )
    return bound


def run_query(store: GraphStore, query: str | SavedQuery, params: Mapping[str, str] | None = None) -> QueryResult:
    """Run a saved query (by name, file path or object) with bound parameters.

    Parameters
    ----------
    store : GraphStore
        The store to ask.
    query : str or SavedQuery
        A catalogue name such as ``"hub-sector-coverage"``, a path to an
        ``.rq`` file, or a loaded query.
    params : mapping of str to str, optional
        Parameter values as text.

    Returns
    -------
    pyoxigraph.QuerySolutions, pyoxigraph.QueryBoolean or pyoxigraph.QueryTriples
    """
    saved = query if isinstance(query, SavedQuery) else resolve_query(query)
    bindings = bind_parameters(saved, params or {})
    return store.query(saved.text, bindings=bindings)
