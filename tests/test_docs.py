"""The documentation stays honest: every command, setting and export is documented."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import echos_graph
from echos_graph.cli import cli
from echos_graph.web import SETTINGS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"echos-graph {command}" in README


@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_every_setting_is_documented(setting: str) -> None:
    assert f"`{setting}`" in README


def test_readme_gives_the_two_setup_commands() -> None:
    assert "make run" in README and "make test" in README


MODULES = ["answer", "builder", "errors", "guard", "export", "info", "integrity", "rdffile", "namespaces", "ontology",
           "queries", "remote", "resources",
           "results", "service", "store", "validate", "ingest", "ingest.bundled", "ingest.evidence", "ingest.cordis", "ingest.identity",
           "ingest.nquads", "ingest.publish", "ingest.rdf", "ingest.sparql", "ingest.stakeholders", "ingest.tabular",
           "schemes", "shapecheck", "analysis", "analysis.projection", "analysis.gaps", "analysis.recommend",
           "analysis.diversity", "analysis.profile", "analysis.cache", "analysis.formatting", "analysis.plots",
           "analysis.results_rdf", "analysis.network", "analysis.synergies", "analysis.community", "analysis.mixing",
           "analysis.entities", "analysis.measures", "entity", "landscape",
           "analysis.explorer", "analysis.layout", "analysis.warm", "web.network"]


@pytest.mark.parametrize("module", MODULES)
def test_every_module_declares_its_public_names_and_they_exist(module: str) -> None:
    mod = importlib.import_module(f"echos_graph.{module}")
    assert mod.__all__, f"echos_graph.{module} has an empty __all__"
    for name in mod.__all__:
        assert hasattr(mod, name), f"echos_graph.{module}.__all__ names {name}, which is missing"


def test_package_exports_exist() -> None:
    for name in echos_graph.__all__:
        assert hasattr(echos_graph, name)


def test_readme_python_snippet_runs(capsys) -> None:
    """The Python example of the README works as printed."""
    snippet = README.split("## From Python", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    exec(compile(snippet, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "Cancer Mission Hub Norway" in printed and "SINTEF" in printed
