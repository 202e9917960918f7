"""Read tables (CSV, XLSX) for the ingesters, with errors a person can act on.

Every problem is reported as a :class:`~echos_graph.errors.DataError` that
names the file, the line and the column, what was found, what was expected
and how to fix it: an empty file, a file that is not UTF-8, a wrong
separator, a missing column, a row with too many fields.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError
from .evidence import VERIFICATION_STATUSES, Evidence

__all__ = ["MAX_UNZIPPED", "Row", "Table", "check_zip", "decode", "iter_csv_text", "iter_json_records", "read_csv",
           "read_csv_text", "read_file", "read_xlsx"]

csv.field_size_limit(16 * 1024 * 1024)
#: Bytes that one member of a zip (a CORDIS export, an XLSX workbook) may unpack to: far above the
#: real files (the CORDIS organization.csv of Horizon Europe is about 100 MB), far below a zip bomb's.
MAX_UNZIPPED = 2 * 1024**3
#: Bytes that one part of an XLSX workbook may unpack to: a stakeholder sheet of 100,000 rows is about 60 MB.
MAX_XLSX_PART = 256 * 1024**2
#: Characters no text value may hold: NUL and lone UTF-16 surrogates (JSON can write both as escapes).
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
#: A line and its end, split as a file opened with ``newline=""`` splits (\r\n, \r or \n).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """Yield the lines of ``text`` with their ends, for :mod:`csv`, without a copy of the whole text.

    (``io.StringIO`` would hold four bytes a character: 430 MB for the 108 MB
    organisation file of the s100k benchmark.)

    Examples
    --------
    >>> list(_lines('a;"b\\r\\nc"\\r\\nd\\re\\nf'))
    ['a;"b\\r\\n', 'c"\\r\\n', 'd\\r', 'e\\n', 'f']
    """
    return map(re.Match.group, _LINE.finditer(text))


@dataclass(frozen=True)
class Row:
    """One record of a table with where it came from (file and first line)."""

    file: str
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """Return the stripped value of ``column`` ('' when empty or absent)."""
        return (self.values.get(column) or "").strip()

    def fail(self, column: str, message: str) -> DataError:
        """Return a DataError about ``column`` of this row."""
        return DataError(f"column {column!r} {message}", path=self.file, line=self.line)

    def need(self, column: str) -> str:
        """Return the value of a required column or raise naming the fix."""
        value = self.get(column)
        if not value:
            raise self.fail(column, "is empty; every row needs a value there")
        return value

    def choice(self, column: str, allowed: Sequence[str] | Mapping[str, object], *, optional: bool = False) -> str:
        """Return the value of ``column`` after checking it is one of ``allowed``."""
        value = self.get(column) if optional else self.need(column)
        if value and value not in allowed:
            raise self.fail(column, f"has {value!r}; use one of: {', '.join(allowed)}")
        return value

    def evidence(self, *, status: str | None = None, note: str | None = None) -> Evidence:
        """Return the row's evidence (source_url, verification, verification_note columns)."""
        urls = tuple(u.strip() for u in self.need("source_url").split(" ; ") if u.strip())
        for url in urls:
            if not re.match(r"^https?://\S+$", url) or not _is_iri(url):
                raise self.fail("source_url", f"has {url!r}, which is not an http(s) URL; "
                                "separate several URLs with ' ; ' (spaces, quotes, brackets and <> must be "
                                "percent-encoded)")
        row_status = self.choice("verification", VERIFICATION_STATUSES)
        return Evidence(urls, status or row_status,
                        self.get("verification_note") if note is None else note, self.file)


def _is_iri(text: str) -> bool:
    """Return whether ``text`` is an IRI that RDF accepts."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Table:
    """The rows of a table and its header."""

    file: str
    header: tuple[str, ...]
    rows: list[Row]


def decode(data: bytes, display: str) -> str:
    """Decode UTF-8 (with or without a byte-order mark) or fail naming line and column."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            f"is not UTF-8: byte 0x{data[exc.start]:02x} at column {column} cannot be decoded "
            "(the file looks like Latin-1 or Windows-1252); re-save it as UTF-8 "
            "(in a spreadsheet: Save As, 'CSV UTF-8')",
            path=display, line=line,
        ) from None


def read_file(path: Path, *, display: str | None = None, kind: str = "file") -> bytes:
    """Return the bytes of a regular file, or fail saying why it cannot be read.

    A folder, a named pipe or a device is refused before it is opened (reading
    a pipe with no writer would wait for ever, a device such as /dev/zero
    would never end).

    Raises
    ------
    DataError
        For a missing path, something other than a regular file, or a file
        that cannot be read (permissions, I/O error).
    """
    import stat

    name = display or str(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DataError(f"the {kind} does not exist; check the path", path=name) from None
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}; check the path and its permissions", path=name) from None
    if stat.S_ISDIR(mode):
        raise DataError(f"is a folder; give the {kind} itself", path=name)
    if not stat.S_ISREG(mode):
        raise DataError(f"is not a regular file (a pipe, a socket or a device); give the {kind} itself", path=name)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}; check its permissions", path=name) from None


def check_zip(archive: zipfile.ZipFile, display: str, *, limit: int | None = None) -> None:
    """Refuse a zip holding a member that unpacks to more than ``limit`` bytes (a zip bomb, or the wrong file).

    The sizes checked are those the zip declares; Python's zip reader never
    returns more bytes than declared, so the check bounds what is read.
    ``limit`` defaults to :data:`MAX_UNZIPPED`.
    """
    limit = MAX_UNZIPPED if limit is None else limit
    for info in archive.infolist():
        if info.file_size > limit:
            raise DataError(f"holds {info.filename}, which unpacks to {info.file_size / 1024**2:,.0f} MB, more than "
                            f"the {limit / 1024**2:,.0f} MB an export or a workbook can hold; is it the right file?",
                            path=display)


def read_csv(
    path: Path,
    *,
    delimiter: str = ",",
    required: Sequence[str] = (),
    display: str | None = None,
    kind: str = "file",
) -> Table:
    """Read a CSV file whose columns are found by header name.

    Parameters
    ----------
    path : Path
        The file.
    delimiter : str
        The separator the format uses (CORDIS exports use ``;``).
    required : sequence of str
        Columns the header must have.
    display : str, optional
        How to name the file in messages (defaults to the path).
    kind : str
        What the file is, for messages ("CORDIS organization.csv").

    Returns
    -------
    Table

    Raises
    ------
    DataError
        For a missing or empty file, a file that is not UTF-8, a wrong
        separator, a missing column or a malformed row.
    """
    name = display or str(path)
    data = read_file(path, display=name, kind=kind)
    return read_csv_text(decode(data, name), name, delimiter=delimiter, required=required, kind=kind)


def read_csv_text(text: str, name: str, *, delimiter: str, required: Sequence[str], kind: str) -> Table:
    """Parse decoded CSV ``text`` into a table (see :func:`read_csv`)."""
    header, rows = iter_csv_text(text, name, delimiter=delimiter, required=required, kind=kind)
    return Table(name, header, list(rows))


def iter_csv_text(
    text: str, name: str, *, delimiter: str, required: Sequence[str], kind: str
) -> tuple[tuple[str, ...], Iterator[Row]]:
    """Check the header of decoded CSV ``text`` and return it with an iterator over the rows.

    The rows are parsed as they are consumed, so a large file never holds all
    its records in memory at once.
    """
    if not text.strip():
        raise DataError(f"is empty; a {kind} starts with a header row", path=name)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError("holds a NUL byte, so it is not a text CSV file; export it again as CSV", path=name, line=line)
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    try:
        header = tuple(h.strip() for h in next(reader))
    except csv.Error as exc:
        raise DataError(f"the header row cannot be read: {exc}", path=name, line=1) from None
    missing = [c for c in required if c not in header]
    if missing:
        hint = ""
        first = text.split("\n", 1)[0]
        for other, label in ((",", "','"), (";", "';'"), ("\t", "a tab")):
            if other != delimiter and first.count(other) > first.count(delimiter):
                hint = f"; the file seems to use {label} as separator, but a {kind} uses {delimiter!r}"
                break
        raise DataError(f"the header lacks column(s) {', '.join(missing)}{hint}", path=name, line=1)
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise DataError(f"the header repeats column(s) {', '.join(dup)}; each column once", path=name, line=1)

    def rows() -> Iterator[Row]:
        start = 2
        width = len(header)
        try:
            for fields in reader:
                line, start = start, reader.line_num + 1
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    continue
                if len(fields) > width:
                    raise DataError(
                        f"the row has {len(fields)} fields but the header has {width}; a value holding "
                        f"{delimiter!r} must be quoted with \"", path=name, line=line)
                yield Row(name, line, dict(zip(header, fields)))
        except csv.Error as exc:
            raise DataError(f"malformed CSV: {exc}; check for an unbalanced quote (\")", path=name,
                            line=start) from None

    return header, rows()


def iter_json_records(
    text: str, name: str, *, required: Sequence[str], kind: str
) -> tuple[tuple[str, ...], Iterator[Row]]:
    r"""Check decoded JSON ``text`` (an array of flat objects) and return its keys with an iterator over the rows.

    The layout of the CORDIS JSON export: each file one array, each record an
    object whose keys are the column names of the CSV export.  Numbers and
    booleans become their JSON text, ``null`` an empty value; a nested object
    or array is refused.  Records are decoded one at a time and each
    :class:`Row` carries the line its record starts on.  The header is the
    keys of the first record; ``required`` keys must be there.

    Examples
    --------
    >>> header, rows = iter_json_records('[{"id": 7, "title": "A"},\n {"id": 8, "title": null}]', "p.json",
    ...                                  required=("id",), kind="project.json")
    >>> header, [(r.line, r.values) for r in rows]
    (('id', 'title'), [(1, {'id': '7', 'title': 'A'}), (2, {'id': '8', 'title': ''})])
    """
    decoder = json.JSONDecoder()
    space = re.compile(r"\s*")

    def line_of(position: int) -> int:
        return text.count("\n", 0, position) + 1

    def fail(position: int, message: str) -> DataError:
        return DataError(message, path=name, line=line_of(position))

    position = space.match(text).end()  # type: ignore[union-attr]
    if position == len(text):
        raise DataError(f"is empty; a {kind} is a JSON array of records", path=name)
    if text[position] != "[":
        raise fail(position, f"does not start with '['; a {kind} is a JSON array of records")

    def record_at(position: int) -> tuple[dict[str, str], int]:
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise DataError(f"malformed JSON: {exc.msg} (column {exc.colno}); the file may be cut short or edited "
                            "by hand: download it again", path=name, line=exc.lineno) from None
        except RecursionError:
            raise fail(position, f"nests arrays or objects too deeply to be a {kind} record (records are flat "
                       "objects); the file is damaged or is not a CORDIS export") from None
        except ValueError as exc:  # a number of more than 4300 digits
            raise fail(position, f"holds a value that cannot be read ({exc}); a {kind} record has text or "
                       "numbers of ordinary size") from None
        if not isinstance(value, dict):
            raise fail(position, f"has a {type(value).__name__} where a record (a JSON object) belongs")
        values = {}
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                raise fail(position, f"key {key!r} holds a nested {type(item).__name__}; a {kind} record has "
                           "text or numbers only")
            cell = "" if item is None else json.dumps(item) if isinstance(item, bool) else str(item)
            bad = _NOT_TEXT.search(key + cell)
            if bad:
                what = "a NUL character" if bad.group() == "\x00" else f"the lone surrogate \\u{ord(bad.group()):04x}"
                raise fail(position, f"key {key!r} holds {what} (written as an escape in the file), which is not "
                           "text; the file is damaged: download it again")
            values[key] = cell
        return values, end

    def after(position: int) -> int:
        return space.match(text, position).end()  # type: ignore[union-attr]

    position = after(position + 1)
    first: dict[str, str] | None = None
    if position < len(text) and text[position] != "]":
        first, first_end = record_at(position)
        header = tuple(first)
    else:
        header = ()
    missing = [c for c in required if c not in header]
    if first is not None and missing:
        raise fail(position, f"the first record lacks key(s) {', '.join(missing)}; a {kind} record has "
                   f"the columns of the CSV export")

    def rows() -> Iterator[Row]:
        at = position
        if first is None:
            return
        values, end = first, first_end
        while True:
            yield Row(name, line_of(at), values)
            at = after(end)
            if at < len(text) and text[at] == "]":
                if after(at + 1) != len(text):
                    raise fail(at + 1, "has text after the closing ']' of the array; the file is damaged")
                return
            if at >= len(text) or text[at] != ",":
                raise fail(at, "the array is not closed with ']' or the records are not separated by ','; "
                           "the file may be cut short: download it again")
            at = after(at + 1)
            values, end = record_at(at)

    return header, rows()


def read_xlsx(path: Path, *, required: Sequence[str] = (), display: str | None = None, kind: str = "file") -> Table:
    """Read the first sheet of an XLSX workbook as a table (header in row 1).

    Cell values are read as stored (formulas are not evaluated: a formula
    cell is refused with its address), dates become ``YYYY-MM-DD``.
    """
    name = display or str(path)
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise DataError("reading .xlsx needs openpyxl: pip install openpyxl", path=name) from None
    data = read_file(path, display=name, kind=kind)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(archive, name, limit=MAX_XLSX_PART)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            header, rows = _sheet_rows(book.worksheets[0], name, required=required, kind=kind)
        finally:
            book.close()
    except _BROKEN_WORKBOOK as exc:
        raise DataError(f"is not a readable .xlsx workbook ({type(exc).__name__}: {str(exc)[:200]}); save it again "
                        "as Excel Workbook (.xlsx) or as CSV UTF-8", path=name) from None
    return Table(name, header, rows)


#: What openpyxl raises on a damaged or hostile workbook: a bad zip, malformed XML (ParseError is a
#: SyntaxError), XML with entities (defusedxml's errors are ValueErrors), parts missing or of the wrong type.
_BROKEN_WORKBOOK = (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, SyntaxError, EOFError, TypeError,
                    AttributeError, IndexError, LookupError)


def _sheet_rows(sheet: Any, name: str, *, required: Sequence[str], kind: str) -> tuple[tuple[str, ...], list[Row]]:
    """Read the header and the non-empty rows of a worksheet."""
    import datetime as dt

    values = sheet.iter_rows(values_only=True)
    try:
        header = tuple(str(h).strip() if h is not None else "" for h in next(values))
    except StopIteration:
        raise DataError(f"is empty; a {kind} starts with a header row", path=name) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(f"the header lacks column(s) {', '.join(missing)}", path=name, line=1)
    rows = []
    for number, cells in enumerate(values, start=2):
        record: dict[str, str] = {}
        for column, cell in zip(header, cells):
            if cell is None:
                text = ""
            elif isinstance(cell, dt.datetime):
                text = cell.date().isoformat()
            elif isinstance(cell, dt.date):
                text = cell.isoformat()
            elif isinstance(cell, float) and cell.is_integer():
                text = str(int(cell))
            else:
                text = str(cell)
            if text.startswith("=") and len(text) > 1:
                raise DataError(f"column {column!r} holds a formula ({text[:40]!r}); "
                                "replace it by its value (copy, paste values)", path=name, line=number)
            record[column] = text
        if any(v.strip() for v in record.values()):
            rows.append(Row(name, number, record))
    return header, rows
