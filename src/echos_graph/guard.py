"""What a public SPARQL endpoint refuses, found by reading the query text.

The embedded engine (Oxigraph) has an HTTP client: ``SERVICE <url>`` in a
query and ``LOAD <url>`` in an update make it send requests to addresses the
client chose.  A public endpoint must never do that, so :func:`check_query`
and :func:`check_update` refuse both before the engine sees the text.

They read the text with a small lexer that follows the SPARQL 1.1 grammar's
terminals (comments, the four kinds of string, IRIs, variables, prefixed
names and blank node labels), after the codepoint escapes ``\\uXXXX`` and
``\\UXXXXXXXX`` that SPARQL allows anywhere have been decoded.  A keyword
counts only as a bare word: ``ex:service``, ``?load`` or ``"SERVICE"`` do
not.  The lexer errs on the side of refusing: any bare word SERVICE or LOAD,
whatever the parser would make of it, is refused.  It is about 50 times
faster than parsing with rdflib, which matters at hundreds of queries a
second; the tests check it against rdflib's parser on the W3C syntax tests.

The same lexer places the dataset of an update request (the protocol's
``using-graph-uri`` and ``using-named-graph-uri``) as ``USING`` clauses:
:func:`add_using`.

References
----------
.. [1] SPARQL 1.1 Query Language, section 19.2 (codepoint escapes) and 19.8
   (grammar terminals), https://www.w3.org/TR/sparql11-query/#grammar
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .errors import QueryError

__all__ = ["Token", "add_using", "check_query", "check_update", "tokens", "unescape_codepoints"]

_PN_CHARS_BASE = "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D" \
                 "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_PN_CHARS = _PN_CHARS_BASE + r"_0-9\u00B7\u0300-\u036F\u203F-\u2040\-"
_LOCAL_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"

_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_PN_CHARS_BASE}_0-9\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<bnode>_:[{_PN_CHARS}.]*)
  | (?P<pname>(?:[{_PN_CHARS_BASE}][{_PN_CHARS}.]*)?:(?:[{_PN_CHARS}.:]|%[0-9A-Fa-f]{{2}}|{_LOCAL_ESC})*)
  | (?P<word>[{_PN_CHARS_BASE}_][{_PN_CHARS}]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    """One lexical token of a SPARQL text: its kind, its text and where it starts."""

    kind: str
    text: str
    start: int


def unescape_codepoints(text: str) -> str:
    r"""Decode the codepoint escapes ``\uXXXX`` and ``\UXXXXXXXX`` of a SPARQL text.

    Examples
    --------
    >>> unescape_codepoints(r"\u0053ERVICE")
    'SERVICE'
    """
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _ESCAPE.sub(replace, text)


def tokens(text: str) -> Iterator[Token]:
    """Yield the tokens of a SPARQL text, whitespace and comments left out.

    Examples
    --------
    >>> [t.text for t in tokens('SELECT ?s { ?s ex:p "a # b" } # end')]
    ['SELECT', '?s', '{', '?s', 'ex:p', '"a # b"', '}']
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), match.start())


def _refuse_words(text: str, words: dict[str, str]) -> None:
    """Raise QueryError if a bare word of ``words`` (upper case -> why) is in ``text``."""
    lowered = unescape_codepoints(text)
    folded = lowered.upper()
    if not any(word in folded for word in words):
        return
    for token in tokens(lowered):
        if token.kind == "word" and token.text.upper() in words:
            raise QueryError(words[token.text.upper()])


_SERVICE = ("SERVICE is refused on this endpoint: it would make the server send requests to addresses "
            "the query names. Query the other endpoint yourself and combine the results on your side.")
_LOAD = ("LOAD is refused on this endpoint: it would make the server fetch a URL the update names. "
         "Send the data in the request instead (INSERT DATA, or PUT/POST to /rdf-graph-store).")


def check_query(text: str) -> None:
    """Refuse a query that would make the server reach out to other addresses (SERVICE).

    Parameters
    ----------
    text : str
        The query text.

    Raises
    ------
    echos_graph.errors.QueryError
        If the text has SERVICE as a keyword.

    Examples
    --------
    >>> check_query("SELECT ?service WHERE { ?service a <http://example.org/Service> }")
    >>> check_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    echos_graph.errors.QueryError: SERVICE is refused on this endpoint: ...
    """
    _refuse_words(text, {"SERVICE": _SERVICE})


def check_update(text: str) -> None:
    """Refuse an update that would make the server reach out to other addresses (LOAD, SERVICE).

    Raises
    ------
    echos_graph.errors.QueryError
        If the text has LOAD or SERVICE as a keyword.
    """
    _refuse_words(text, {"SERVICE": _SERVICE, "LOAD": _LOAD})


def add_using(update: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> str:
    """Give every ``DELETE``/``INSERT ... WHERE`` operation of an update the protocol's dataset.

    The SPARQL 1.1 Protocol's ``using-graph-uri`` and ``using-named-graph-uri``
    parameters act as ``USING`` and ``USING NAMED`` clauses on each operation
    that has a WHERE clause; ``DELETE WHERE`` and the DATA forms have none.

    Parameters
    ----------
    update : str
        The update text.
    default_graphs, named_graphs : sequence of str
        The graph IRIs of ``using-graph-uri`` and ``using-named-graph-uri``.

    Returns
    -------
    str
        The update with the clauses inserted before each WHERE.

    Raises
    ------
    echos_graph.errors.QueryError
        If the update names its own dataset (USING or WITH) as well: the
        protocol makes that an error.

    Examples
    --------
    >>> add_using("INSERT { ?s a ?t } WHERE { ?s a ?t }", ["http://example.org/g"])
    'INSERT { ?s a ?t } USING <http://example.org/g> WHERE { ?s a ?t }'
    """
    if not default_graphs and not named_graphs:
        return update
    clause = " ".join([*(f"USING <{g}>" for g in default_graphs), *(f"USING NAMED <{g}>" for g in named_graphs)])
    depth = 0
    previous = ""
    cuts: list[int] = []
    for token in tokens(update):
        word = token.text.upper() if token.kind == "word" else ""
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif depth == 0 and word in ("USING", "WITH"):
            raise QueryError(f"the update has its own {word} clause and the request has using-graph-uri or "
                             "using-named-graph-uri parameters; the SPARQL protocol allows one or the other")
        elif depth == 0 and word == "WHERE" and previous != "DELETE":
            cuts.append(token.start)
        previous = word
    for cut in reversed(cuts):
        update = f"{update[:cut]}{clause} {update[cut:]}"
    return update
