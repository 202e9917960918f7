"""The core is typed: mypy passes on the library (cli and web are exempt, see pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_type_error_in_the_library() -> None:
    pytest.importorskip("mypy", reason="mypy is a test dependency (pip install -e '.[test]')")
    result = subprocess.run([sys.executable, "-m", "mypy", "src/echos_graph"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
