"""Reshape SPARQL query text for a remote endpoint, with a small lexer instead of string search.

A remote server cannot take pyoxigraph's options (a union default graph,
variable substitutions), so :class:`~echos_graph.remote.RemoteStore` writes
them into the query: ``FROM`` and ``FROM NAMED`` clauses that scope the query
to our graphs, a ``VALUES`` block at the top of the ``WHERE`` group that binds
parameters before anything else is evaluated, and the ``SELECT`` under a
``CONSTRUCT``.  The lexer knows IRIs, strings, comments, variables and
brackets, so a brace inside a string or a ``#`` inside an IRI never misleads it.

Examples
--------
>>> query_form("PREFIX ex: <http://e/#a> SELECT * { ?s ?p 'x{' }")
'SELECT'
>>> with_dataset("SELECT * WHERE { ?s ?p ?o }", ["http://e/g"], ["http://e/g"])
'SELECT * FROM <http://e/g> FROM NAMED <http://e/g> WHERE { ?s ?p ?o }'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import QueryError

__all__ = ["Token", "count_query", "expand_escaped_names", "has_dataset", "has_where", "names_a_graph", "query_form", "split_construct", "tokens", "values_block",
           "values_position", "where_variables", "with_dataset", "with_values"]

_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_LEXEME = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)
  | (?P<word>[A-Za-z_][\w.-]*(?::(?:[\w.%:-]|\\[_~.\-!$&'()*+,;=/?\#@%])*)?|:(?:[\w.%:-]|\\[_~.\-!$&'()*+,;=/?\#@%])*|_:[\w.-]+)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    """One lexeme: its kind, text, position, and the bracket depth around it."""

    kind: str
    text: str
    start: int
    end: int
    depth: int

    def is_word(self, *words: str) -> bool:
        """Return whether this is one of ``words`` (keywords, case-insensitive)."""
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> Iterator[Token]:
    """Yield the lexemes of ``text`` except white space and comments.

    ``depth`` counts the ``{``, ``(`` and ``[`` open around a token; an
    opening bracket has the depth outside it, a closing one too.
    """
    depth = 0
    for match in _LEXEME.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if kind == "punct" and value in "}])":
            depth -= 1
        yield Token(kind, value, match.start(), match.end(), depth)
        if kind == "punct" and value in "{[(":
            depth += 1


def _form_token(text: str) -> Token:
    """Return the token of the query form keyword (SELECT, CONSTRUCT, ASK, DESCRIBE)."""
    for token in tokens(text):
        if token.depth == 0 and token.is_word(*_FORMS):
            return token
    raise QueryError("the text is not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE")


def query_form(text: str) -> str:
    """Return SELECT, CONSTRUCT, ASK or DESCRIBE: the form of the query ``text``."""
    return _form_token(text).text.upper()


def _where_open(text: str) -> Token | None:
    """Return the ``{`` that opens the top-level WHERE group, or None (DESCRIBE without WHERE)."""
    form = _form_token(text)
    seen_template = form.text.upper() != "CONSTRUCT"
    after_where = False
    for token in tokens(text[form.end:]):
        if token.depth != 0:
            continue
        if token.is_word("WHERE"):
            after_where = seen_template = True
        elif token.text == "{":
            if seen_template or after_where:
                return Token("punct", "{", token.start + form.end, token.end + form.end, 0)
            seen_template = True  # CONSTRUCT's template; the WHERE group comes next
    return None


def _dataset_position(text: str) -> int | None:
    """Return where FROM clauses go: just before the WHERE keyword or the WHERE group."""
    form = _form_token(text)
    seen_template = form.text.upper() != "CONSTRUCT"
    for token in tokens(text[form.end:]):
        if token.depth != 0:
            continue
        if token.is_word("WHERE"):
            return token.start + form.end
        if token.text == "{":
            if seen_template:
                return token.start + form.end
            seen_template = True
    return None


def has_where(text: str) -> bool:
    """Return whether the query has a WHERE clause (only DESCRIBE may lack one)."""
    return _dataset_position(text) is not None


def names_a_graph(text: str) -> bool:
    """Return whether the query has ``GRAPH <iri>`` (or a prefixed name) rather than ``GRAPH ?variable``.

    Examples
    --------
    >>> names_a_graph("SELECT * { GRAPH ?g { ?s ?p ?o } }"), names_a_graph("ASK { GRAPH id:graph { ?s ?p ?o } }")
    (False, True)
    """
    found = list(tokens(text))
    return any(t.is_word("GRAPH") and n + 1 < len(found) and found[n + 1].kind in ("iri", "word")
               for n, t in enumerate(found))


def has_dataset(text: str) -> bool:
    """Return whether the query names its own dataset with FROM or FROM NAMED."""
    position = _dataset_position(text)
    form = _form_token(text)
    return any(t.depth == 0 and t.is_word("FROM") for t in tokens(text[form.end:position]))


def with_dataset(text: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """Return ``text`` with FROM and FROM NAMED clauses for the graphs, placed before its WHERE clause.

    The IRIs are written by pyoxigraph, so none can break out of its clause.
    Raises :class:`QueryError` for a query with no WHERE clause (a bare DESCRIBE).
    """
    position = _dataset_position(text)
    if position is None:
        raise QueryError("the query has no WHERE clause, so its dataset cannot be set")
    clauses = [f"FROM {ox.NamedNode(g)}" for g in default_graphs] + [f"FROM NAMED {ox.NamedNode(g)}" for g in named_graphs]
    return f"{text[:position]}{' '.join(clauses)} {text[position:]}"


def with_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> str:
    """Return ``text`` with a VALUES block binding ``bindings`` at the start of its WHERE group.

    Bound there, a value is in place before anything else of the group is
    evaluated, as pyoxigraph's substitutions are (a trailing VALUES would
    join only after GROUP BY and HAVING).
    """
    if not bindings:
        return text
    if any(isinstance(v, ox.BlankNode) for v in bindings.values()):
        raise QueryError("a blank node cannot be bound as a parameter of a remote query")
    position = values_position(text)
    if position is None:
        raise QueryError("the query has no WHERE clause, so its parameters cannot be bound")
    return f"{text[:position]} {values_block(bindings)} {text[position:]}"


def values_position(text: str) -> int | None:
    """Return where :func:`with_values` puts its block: just inside the WHERE group's brace; None without one."""
    opening = _where_open(text)
    return None if opening is None else opening.end


def values_block(bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> str:
    """Return a VALUES block of one row binding ``bindings``, every term written by pyoxigraph (no blank node).

    Examples
    --------
    >>> values_block({"hub": ox.NamedNode("http://e/hub/NO"), "n": ox.Literal("2")})
    'VALUES (?hub ?n) { (<http://e/hub/NO> "2") }'
    """
    names = " ".join(str(ox.Variable(name)) for name in bindings)
    values = " ".join(str(value) for value in bindings.values())
    return f"VALUES ({names}) {{ ({values}) }}"


def where_variables(text: str) -> set[str]:
    """Return the names of the variables written inside the WHERE group of ``text`` (none without one).

    Examples
    --------
    >>> sorted(where_variables("SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?p $b } GROUP BY ?a HAVING (?n > ?m)"))
    ['a', 'b', 'p']
    """
    opening = _where_open(text)
    if opening is None:
        return set()
    found = set()
    for token in tokens(text[opening.end:]):
        if token.depth < 0:
            break
        if token.kind == "var":
            found.add(token.text[1:])
    return found


def expand_escaped_names(text: str, prefixes: Mapping[str, str]) -> str:
    """Return ``text`` with each prefixed name holding a backslash escape written as a full IRI.

    SPARQL 1.1 allows ``id:project\\/101900001``; Virtuoso 7.2 does not.
    Prefixes come from the query's PREFIX declarations, then ``prefixes``.

    Examples
    --------
    >>> expand_escaped_names(r"SELECT * { ?s ?p ex:a\\/b }", {"ex": "http://e/"})
    'SELECT * { ?s ?p <http://e/a/b> }'
    """
    if "\\" not in text:
        return text
    found = list(tokens(text))
    declared = dict(prefixes)
    for n, token in enumerate(found[:-2]):
        if token.is_word("PREFIX") and found[n + 2].kind == "iri":
            declared[found[n + 1].text.rstrip(":")] = found[n + 2].text[1:-1]
    out, last = [], 0
    for token in found:
        if token.kind == "word" and "\\" in token.text and ":" in token.text:
            prefix, _, local = token.text.partition(":")
            if prefix in declared:
                out += [text[last:token.start], str(ox.NamedNode(declared[prefix] + re.sub(r"\\(.)", r"\1", local)))]
                last = token.end
    return "".join(out) + text[last:]


def split_construct(text: str) -> tuple[str, str, str]:
    """Split a CONSTRUCT query into its prologue, its template and what follows (WHERE and modifiers).

    For the short form ``CONSTRUCT WHERE { pattern }`` the template is the pattern.

    Examples
    --------
    >>> split_construct("PREFIX e: <http://e/> CONSTRUCT { ?s e:p ?o } WHERE { ?s e:q ?o } LIMIT 2")
    ('PREFIX e: <http://e/> ', ' ?s e:p ?o ', 'WHERE { ?s e:q ?o } LIMIT 2')
    """
    form = _form_token(text)
    if form.text.upper() != "CONSTRUCT":
        raise QueryError(f"expected a CONSTRUCT query, not {form.text.upper()}")
    prologue = text[:form.start]
    rest = list(tokens(text[form.end:]))
    if not rest:
        raise QueryError("the CONSTRUCT query has no template")
    base = form.end
    if rest[0].is_word("WHERE", "FROM"):  # the short form, maybe with its dataset first
        where = next((n for n, t in enumerate(rest) if t.depth == 0 and t.is_word("WHERE")), len(rest))
        opening = rest[where + 1] if len(rest) > where + 1 else None
        closing = next((t for t in rest[where + 2:] if t.depth == 0 and t.text == "}"), None)
        if opening is None or opening.text != "{" or closing is None:
            raise QueryError("the CONSTRUCT WHERE query has no pattern in braces")
        template = text[base + opening.end: base + closing.start]
        return prologue, template, text[base + rest[0].start:]
    if rest[0].text != "{":
        raise QueryError("the CONSTRUCT query has no template in braces")
    closing = next((t for t in rest[1:] if t.depth == 0 and t.text == "}"), None)
    if closing is None:
        raise QueryError("the CONSTRUCT template is not closed")
    return prologue, text[base + rest[0].end: base + closing.start], text[base + closing.end:].lstrip()


def count_query(text: str) -> str:
    """Return a query counting the solutions of the SELECT query ``text`` (wrapped as a sub-select).

    Examples
    --------
    >>> count_query("PREFIX e: <http://e/> SELECT ?s FROM <http://g> WHERE { ?s e:p ?o } LIMIT 5")
    'PREFIX e: <http://e/> SELECT (COUNT(*) AS ?n) FROM <http://g> WHERE { SELECT ?s WHERE { ?s e:p ?o } LIMIT 5 }'
    """
    form = _form_token(text)
    if form.text.upper() != "SELECT":
        raise QueryError(f"only a SELECT query can be counted, not {form.text.upper()}")
    where = _dataset_position(text)
    if where is None:
        raise QueryError("the query has no WHERE clause")
    head = text[form.start:where]
    dataset = ""
    first_from = next((t for t in tokens(head) if t.depth == 0 and t.is_word("FROM")), None)
    if first_from is not None:
        dataset = head[first_from.start:].strip() + " "
        head = head[:first_from.start]
    return f"{text[:form.start]}SELECT (COUNT(*) AS ?n) {dataset}WHERE {{ {head.strip()} {text[where:].strip()} }}"
