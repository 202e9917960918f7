"""Turn analysis results into text: an aligned table, CSV, Markdown or JSON.

Result dataclasses of the analyses offer ``to_rows()`` (flat rows of plain
values, for tables and CSV) and ``to_dict()`` (nested plain data, for
JSON); :func:`render` writes either in the format a user asked for, so the
CLI, the web pages and the JSON API format alike.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from ..errors import DataError

__all__ = ["FORMATS", "FORMULA_STARTS", "Reportable", "format_value", "neutralise_formula", "render", "render_rows"]

#: The output formats of :func:`render`.
FORMATS = ("table", "json", "csv", "md")


class Reportable(Protocol):
    """A result that can be written as rows and as nested data."""

    def to_rows(self) -> list[dict[str, Any]]: ...  # pragma: no cover

    def to_dict(self) -> dict[str, Any]: ...  # pragma: no cover


def format_value(value: Any) -> str:
    """Return a cell's text: floats with 3 decimals, None as empty, lists joined with '; '.

    Examples
    --------
    >>> format_value(0.66666), format_value(None), format_value(["GOV", "RES"]), format_value(True)
    ('0.667', '', 'GOV; RES', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(format_value(v) for v in value)
    return str(value)


#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    r"""Return a text cell that a spreadsheet would read as a formula with a leading apostrophe; others unchanged.

    Examples
    --------
    >>> neutralise_formula('=HYPERLINK("http://example.org","x")')
    '\'=HYPERLINK("http://example.org","x")'
    >>> neutralise_formula("-0.5"), neutralise_formula(-0.5), neutralise_formula("Oslo")
    ("'-0.5", -0.5, 'Oslo')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render_rows(rows: Sequence[Mapping[str, Any]], fmt: str = "table", *, max_width: int = 70) -> str:
    """Write flat rows as ``table``, ``csv``, ``md`` or ``json`` (a list of objects).

    Parameters
    ----------
    rows : sequence of mapping
        The rows; the first row's keys are the columns.
    fmt : str
        One of :data:`FORMATS`.
    max_width : int
        Table cells longer than this are cut (``table`` only).

    Raises
    ------
    DataError
        For an unknown format.

    Examples
    --------
    >>> print(render_rows([{"hub": "id:hub/NO", "coverage": 0.7}], "md"))
    | hub | coverage |
    | --- | --- |
    | id:hub/NO | 0.700 |
    """
    if fmt not in FORMATS:
        raise DataError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps([dict(r) for r in rows], indent=2, ensure_ascii=False, default=str)
    columns = list(rows[0]) if rows else []
    cells = [[format_value(row.get(c)) for c in columns] for row in rows]
    if fmt == "csv":  # for spreadsheets: text that would read as a formula is neutralised, numbers kept
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([neutralise_formula(cell) if isinstance(row.get(c), str) else cell
                          for c, cell in zip(columns, line)] for row, line in zip(rows, cells))
        return out.getvalue().rstrip("\n")
    if fmt == "md":
        def esc(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
        return "\n".join(lines)
    cut = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(n), *(len(r[i]) for r in cut)]) for i, n in enumerate(columns)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cut]
    return "\n".join(lines)


def render(results: Iterable[Reportable], fmt: str = "table", *, max_width: int = 70) -> str:
    """Write analysis results: JSON from their ``to_dict()``, the other formats from their ``to_rows()``.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class R:
    ...     x: int
    ...     def to_rows(self): return [{"x": self.x}]
    ...     def to_dict(self): return {"x": self.x}
    >>> print(render([R(1), R(2)], "csv"))
    x
    1
    2
    """
    items = list(results)
    if fmt == "json":
        return json.dumps([item.to_dict() for item in items], indent=2, ensure_ascii=False, default=str)
    return render_rows([row for item in items for row in item.to_rows()], fmt, max_width=max_width)
