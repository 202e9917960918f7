"""The echos-graph command: each command works, explains itself and exits with its documented code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from echos_graph.cli import cli


def test_build_then_query_hub_sector_coverage_as_json(runner, tmp_path: Path) -> None:
    store = str(tmp_path / "graph")
    built = runner.invoke(cli, ["build", "--store", store])
    assert built.exit_code == 0, built.output
    assert "conforms" in built.output
    result = runner.invoke(cli, ["query", "hub-sector-coverage", "--store", store, "--format", "json",
                                 "-p", "hub=id:hub/NO"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["head"]["vars"][:2] == ["hub", "hubLabel"]
    assert len(data["results"]["bindings"]) == 10


def test_store_from_environment_variable(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["info"], env={"ECHOS_GRAPH_STORE": str(built_dir)})
    assert result.exit_code == 0, result.output
    assert "echo:CancerMissionHub" in result.output


def test_info_counts_graphs_sources_and_classes(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["info", "--store", str(built_dir), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["triples"] == sum(g["triples"] for g in summary["graphs"])
    assert "https://w3id.org/echos-graph/id/graph/bundled" in summary["sources"]
    assert set(summary["verification"]) <= {f"https://w3id.org/echos-graph/id/verification/{s}"
                                            for s in ("confirmed", "probable", "inferred", "unverified")}


def test_query_table_output_is_aligned_text(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["query", "hubs-by-status", "--store", str(built_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["hub", "hubLabel", "countryCode"]
    assert set(lines[1]) <= {"-", " "}
    assert any("id:hub/PL" in line for line in lines)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml"])
def test_query_writes_standard_result_formats(runner, built_dir: Path, fmt: str) -> None:
    result = runner.invoke(cli, ["query", "hubs-by-status", "--store", str(built_dir), "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "hub" in result.output.splitlines()[0] or fmt == "xml"


def test_query_from_a_file(runner, built_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "ask.rq"
    path.write_text("ASK { <https://w3id.org/echos-graph/id/hub/NO> a echo:CancerMissionHub }")
    result = runner.invoke(cli, ["query", str(path), "--store", str(built_dir)])
    assert (result.exit_code, result.output.strip()) == (0, "true")


def test_bad_parameter_exits_2_with_a_message(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["query", "hub-sector-coverage", "--store", str(built_dir), "-p", "hub=Norway"])
    assert result.exit_code == 2
    assert "parameter 'hub' expects iri" in result.output


def test_malformed_query_file_exits_2(runner, built_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("SELECT ?x WHERE { ?x ")
    result = runner.invoke(cli, ["query", str(path), "--store", str(built_dir)])
    assert result.exit_code == 2
    assert "does not parse" in result.output


def test_empty_store_exits_3_and_says_to_build(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["info", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 3
    assert "echos-graph build" in result.output


def test_validate_store_exits_0_when_it_conforms(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["validate", "--store", str(built_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("conforms")


def test_validate_file_exits_1_and_lists_violations(runner, tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_text(
        "@prefix echo: <https://w3id.org/echos-graph/ontology#> .\n"
        "<https://w3id.org/echos-graph/id/organisation/NO/x> a echo:Organisation .\n"
    )
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "does not conform" in result.output
    assert "id:organisation/NO/x" in result.output


def test_validate_unparseable_file_exits_2(runner, tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("this is not turtle <")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert "broken.ttl" in result.output


def test_build_with_bad_data_exits_2_and_names_the_line(runner, tmp_path: Path, data_copy: Path) -> None:
    path = data_copy / "hubs.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",launched,", ",thriving,", 1), encoding="utf-8")
    result = runner.invoke(cli, ["build", "--store", str(tmp_path / "g"), "--data", str(data_copy)])
    assert result.exit_code == 2
    assert "hubs.csv:" in result.output and "'thriving'" in result.output
    assert not (tmp_path / "g" / "CURRENT").exists()


@pytest.mark.parametrize("fmt", ["nq", "trig", "ttl", "nt", "jsonld"])
def test_export_round_trips_through_rdflib(runner, built_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    result = runner.invoke(cli, ["export", "--store", str(built_dir), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    parsed = rdflib.Dataset()
    parsed.parse(str(out), format={"nq": "nquads", "trig": "trig", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
    assert len(parsed) > 1000 or sum(1 for _ in parsed.quads((None, None, None, None))) > 1000
    assert not list(tmp_path.glob(".*.tmp"))


def test_every_command_has_help_with_an_example(runner) -> None:
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, f"'echos-graph {name} --help' shows no example"


def test_main_help_documents_the_exit_codes(runner) -> None:
    result = runner.invoke(cli, ["--help"])
    for code in "01234":
        assert f"  {code}  " in result.output


def test_queries_lists_the_catalogue(runner) -> None:
    result = runner.invoke(cli, ["queries"])
    assert result.exit_code == 0
    assert "hub-sector-coverage: Hub sector coverage" in result.output


def test_gaps_of_norway_as_json_names_the_missing_sectors(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["gaps", "--store", str(built_dir), "--hub", "id:hub/NO", "--format", "json"])
    assert result.exit_code == 0, result.output
    gap = json.loads(result.output)[0]
    assert sorted(s["sector"] for s in gap["sectorsMissing"]) == ["INT", "PAT", "REG"]  # hand-checked, test_queries.py


def test_gaps_recommend_needs_a_hub(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["gaps", "--store", str(built_dir), "--recommend"])
    assert result.exit_code == 2 and "--hub" in result.output


def test_analyse_summary_reports_the_methods_used(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["analyse", "--store", str(built_dir), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "organisations,45" in result.output  # 45 organisations in data/organisations.csv
    assert "betweenness" in result.output


def test_synergies_give_pairs_with_reasons(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["synergies", "--store", str(built_dir), "--top", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.output)
    assert len(pairs) == 3 and all(p["reason"].startswith("both work with") for p in pairs)


def test_plot_writes_a_png(runner, built_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "coverage.png"
    result = runner.invoke(cli, ["plot", "coverage", "--store", str(built_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")


def test_analyse_store_results_makes_them_queryable(runner, store_copy) -> None:
    result = runner.invoke(cli, ["analyse", "--store", store_copy.location, "--store-results"])
    assert result.exit_code == 0, result.output
    rows = runner.invoke(cli, ["query", "analysis-results", "--store", store_copy.location, "--format", "csv",
                               "-p", "hub=id:hub/NO", "-p", "measure=id:measure/coverage"])
    assert rows.exit_code == 0, rows.output
    assert ",0.7," in rows.output  # 7 of the 10 sectors, hand-checked in test_queries.py
