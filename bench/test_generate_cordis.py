"""The synthetic CORDIS generator is deterministic and writes the CORDIS format.

Run with ``python -m pytest bench/test_generate_cordis.py`` (bench/ is not in
the default test paths).
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_cordis import LAYOUTS, ORGANIZATION_HEADER, generate  # noqa: E402


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two s1k exports made with the same seed."""
    first, second = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    generate("s1k", first, seed=42, make_zip=True)
    generate("s1k", second, seed=42, make_zip=True)
    return first, second


@pytest.mark.parametrize("name", ["project.csv", "organization.csv", "cordis-HORIZONprojects-csv.zip"])
def test_same_seed_gives_byte_identical_files(twice: tuple[Path, Path], name: str) -> None:
    first, second = twice
    assert (first / name).read_bytes() == (second / name).read_bytes()


def test_another_seed_gives_other_files(twice: tuple[Path, Path], tmp_path: Path) -> None:
    generate("s1k", tmp_path, seed=7)
    assert (tmp_path / "organization.csv").read_bytes() != (twice[0] / "organization.csv").read_bytes()


def test_files_have_bom_quoted_headers_and_every_project_one_coordinator(twice: tuple[Path, Path]) -> None:
    folder = twice[0]
    raw = (folder / "organization.csv").read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf"projectID";"projectAcronym";')
    with (folder / "organization.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=";")
        assert tuple(reader.fieldnames or ()) == ORGANIZATION_HEADER
        rows = list(reader)
    with (folder / "project.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=";")
        assert tuple(reader.fieldnames or ()) == LAYOUTS["current"]
        projects = list(reader)
    assert len(projects) == 300 and len(rows) == 2900
    assert len({r["organisationID"] for r in rows}) == 1000
    coordinators = Counter(r["projectID"] for r in rows if r["role"] == "coordinator")
    assert all(coordinators[p["id"]] == 1 for p in projects)
    assert all(p["id"].startswith("101") and len(p["id"]) == 9 for p in projects)
    assert all(r["name"].startswith("Synthetic ") for r in rows)
    assert any("\n" in p["objective"] for p in projects) and any(";" in p["title"] for p in projects)
