"""Required-sector profiles: the stakeholder sectors a hub should involve, read from a file.

By default a hub is measured against the whole sector scheme; a profile
narrows that down (a regional hub may not need EU and international bodies).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from ..errors import DataError

__all__ = ["load_profile"]

_HEADERS = {"sector", "sectors", "notation", "code"}


def load_profile(path: str | Path, scheme: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Read a required-sector profile: the sectors a hub should cover.

    The file is text or CSV: sector notations (``GOV``) or labels
    (``Healthcare providers``, any case or accents), separated by new lines,
    commas, semicolons or tabs; ``#`` starts a comment. A CSV whose first
    line has a column called ``sector`` or ``notation`` is read from that
    column only.

    Parameters
    ----------
    path : str or Path
        The profile file.
    scheme : mapping of str to str, optional
        Notation to label of the sector scheme (``Network.sectors``); the
        bundled ontology's scheme when omitted.

    Returns
    -------
    tuple of str
        The sector notations, sorted, without repeats.

    Raises
    ------
    DataError
        If the file cannot be read, names something that is not a sector of
        the scheme (the message gives the line and the valid notations), or
        names no sector at all.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write("# core sectors\\nGOV, HCP\\nPatient and citizen organisations\\n")
    >>> load_profile(f.name)
    ('GOV', 'HCP', 'PAT')
    >>> os.unlink(f.name)
    """
    from ..schemes import fold, load_schemes

    if scheme is None:
        bundled = load_schemes()
        lookup = dict(bundled.sector_labels)
        notations = sorted(bundled.sectors)
    else:
        lookup = {fold(n): n for n in scheme}
        for notation, label in scheme.items():
            lookup.setdefault(fold(label), notation)
        notations = sorted(scheme)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the sector profile: {exc}", path=str(path)) from None
    found: list[str] = []
    column: int | None = None
    first = True
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0]
        if not line.strip():
            continue
        cells = [c.strip() for c in next(csv.reader([line.replace(";", ",").replace("\t", ",")]))]
        if first:
            first = False
            headers = [fold(c) for c in cells]
            named = [i for i, h in enumerate(headers) if h in _HEADERS]
            if named:
                column = named[0]
                continue
        if column is not None:
            cells = cells[column:column + 1]
        for cell in cells:
            if not cell:
                continue
            found_notation = lookup.get(fold(cell))
            if found_notation is None:
                raise DataError(f"{cell!r} is not a sector of the scheme; write a notation or a label, "
                                f"one of: {'; '.join(notations)}", path=str(path), line=number)
            if found_notation not in found:
                found.append(found_notation)
    if not found:
        raise DataError("the sector profile names no sector; write one notation (e.g. GOV) per line",
                        path=str(path))
    return tuple(sorted(found))
