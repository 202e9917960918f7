"""Fuzzing every ingest input: each one is published, or refused clearly with the store unchanged.

Property tests (hypothesis, derandomized so CI sees the same inputs every
run) over the CSV and JSON of a CORDIS export, the CSV and XLSX of a
stakeholder spreadsheet, RDF in every syntax the rdf ingester reads (with
hostile XML and JSON-LD), SPARQL text and saved-query parameters.  The
generators live in ``tests/fuzzing.py``; ``fuzz/campaign.py`` runs them for
as long as one likes.  Figures are in docs/RELIABILITY.md.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from fuzzing import (
    AWKWARD,
    PARAMETER_VALUES,
    RDF_SUFFIXES,
    SPARQL_TEXT,
    TEMPLATE,
    cordis_json_files,
    csv_cells,
    dump,
    hostile_rdf,
    ingest_outcome,
    mutate_bytes,
    rdf_bytes,
    xlsx_files,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from echos_graph import build, open_store
from echos_graph.cli import cli
from echos_graph.errors import DataError, QueryError
from echos_graph.queries import bind_parameters, load_catalogue, load_query, run_query

REPO = Path(__file__).resolve().parent.parent
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])


@pytest.fixture(scope="module")
def store():
    """The bundled graph in memory: ingests that fail must leave it as it was."""
    memory = open_store("memory:")
    build(memory)
    return memory


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _export(work: Path, files: dict[str, bytes]) -> Path:
    folder = work / "export"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


# -- CORDIS ----------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_broken_cordis_csv_is_refused_clearly_or_ingested(store, work: Path, data) -> None:
    target = data.draw(st.sampled_from(["project.csv", "organization.csv"]))
    files = {name: (AWKWARD / name).read_bytes() for name in ("project.csv", "organization.csv")}
    mutate = data.draw(st.sampled_from([mutate_bytes, csv_cells]))
    files[target] = data.draw(mutate(files[target], separator=";"))
    ingest_outcome(store, "cordis", _export(work, files))


@FUZZ
@given(files=cordis_json_files())
def test_broken_cordis_json_is_refused_clearly_or_ingested(store, work: Path, files: dict[str, bytes]) -> None:
    ingest_outcome(store, "cordis", _export(work, files))


# -- stakeholder spreadsheets ------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_broken_stakeholder_csv_is_refused_clearly_or_ingested(store, work: Path, data) -> None:
    mutate = data.draw(st.sampled_from([mutate_bytes, csv_cells]))
    path = work / "sheet.csv"
    path.write_bytes(data.draw(mutate(TEMPLATE.read_bytes())))
    ingest_outcome(store, "stakeholders", path)


@FUZZ
@given(book=xlsx_files())
def test_broken_or_hostile_stakeholder_xlsx_is_refused_clearly_or_ingested(store, work: Path, book: bytes) -> None:
    path = work / "sheet.xlsx"
    path.write_bytes(book)
    ingest_outcome(store, "stakeholders", path)


# -- RDF ----------------------------------------------------------------------------------------


@FUZZ
@given(suffix=st.sampled_from(sorted(RDF_SUFFIXES)), data=st.data())
def test_broken_rdf_in_every_syntax_is_refused_clearly_or_ingested(store, work: Path, suffix: str, data) -> None:
    path = work / f"file{suffix}"
    path.write_bytes(data.draw(mutate_bytes(rdf_bytes(suffix))))
    ingest_outcome(store, "rdf", path)


@pytest.mark.parametrize("suffix", sorted(RDF_SUFFIXES))
def test_hostile_rdf_reads_no_file_and_no_url_and_stays_small(store, tmp_path: Path, suffix: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET\n")
    context = tmp_path / "context.jsonld"
    context.write_text('{"@context": {"p": "http://example.org/TOP-SECRET"}}')
    paths = []
    for n, content in enumerate(hostile_rdf(suffix, (context if suffix == ".jsonld" else secret).as_uri())):
        paths.append(tmp_path / f"hostile{n}{suffix}")
        paths[-1].write_bytes(content)
    # in a child process with 2 GB of address space: an entity bomb would be killed there, not pass
    script = ("import sys; from fuzzing import ingest_outcome, dump; from echos_graph import build, open_store\n"
              "s = open_store('memory:'); build(s)\n"
              "for path in sys.argv[1:]: print(path, ingest_outcome(s, 'rdf', path), b'TOP-SECRET' in dump(s))")
    limit = 2 * 1024**3
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", script, *map(str, paths)], check=False, capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).parent, env=env,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    assert proc.returncode == 0, proc.stderr[-3000:]
    outcomes = [line.split() for line in proc.stdout.splitlines()]
    assert len(outcomes) == len(paths)
    for path, outcome, leaked in outcomes:
        assert leaked == "False", f"{path} read {secret.name}"
        if suffix == ".rdf" or suffix == ".jsonld" and path.endswith(("0.jsonld", "1.jsonld")):  # remote or bombs
            assert outcome == "DataError", f"{path} was not refused: {outcome}"


def test_rdf_validate_command_reads_no_entity_and_no_remote_context(runner, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET\n")
    context = tmp_path / "context.jsonld"
    context.write_text('{"@context": {"p": "http://example.org/p"}}')
    for suffix in (".rdf", ".jsonld"):
        for n, content in enumerate(hostile_rdf(suffix, (context if suffix == ".jsonld" else secret).as_uri())[:4]):
            path = tmp_path / f"hostile{n}{suffix}"
            path.write_bytes(content)
            result = runner.invoke(cli, ["validate", str(path)])
            assert result.exit_code in (0, 1, 2), result.output
            assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
                repr(result.exception)
            assert "TOP-SECRET" not in result.output
            if suffix == ".jsonld" and n < 2:  # the remote context was not read
                assert result.exit_code == 2 and "context" in result.output


# -- SPARQL text and parameters -------------------------------------------------------------------


@pytest.fixture(scope="module")
def probes(tmp_path_factory) -> dict[str, object]:
    """A saved query per parameter type that returns its parameter: the value comes back as data or not at all."""
    folder = tmp_path_factory.mktemp("probes")
    found = {}
    for kind in ("iri", "string", "integer", "decimal", "date", "boolean"):
        path = folder / f"probe-{kind}.rq"
        path.write_text(f"# title: probe\n# param: v ({kind}): the value\nSELECT ?v ?s WHERE {{ BIND(1 AS ?s) }}\n")
        found[kind] = load_query(path)
    return found


@FUZZ
@given(kind=st.sampled_from(["iri", "string", "integer", "decimal", "date", "boolean"]), value=PARAMETER_VALUES)
@example(kind="decimal", value="NaN")  # found by the campaign: became "NaN"^^xsd:decimal, which is no decimal
@example(kind="decimal", value="1e3")  # became "1E+3"^^xsd:decimal
@example(kind="decimal", value="1e999999")  # became a literal of a million digits
@example(kind="string", value="\udcff")  # a command-line byte that is not UTF-8: a ValueError with a traceback
def test_no_parameter_value_changes_the_shape_of_a_query(store, probes, kind: str, value: str) -> None:
    query = probes[kind]
    try:
        bound = bind_parameters(query, {"v": value})
    except QueryError:
        return
    rows = list(run_query(store, query, {"v": value}))
    # one row, the value as one term of the declared type, the query's own variable untouched
    assert len(rows) == 1 and rows[0]["v"] == bound["v"] and rows[0]["s"].value == "1"
    term = bound["v"]
    assert isinstance(term, ox.NamedNode) == (kind == "iri")
    if kind in ("integer", "decimal", "date", "boolean"):  # a well-formed literal of its datatype
        xsd = f"http://www.w3.org/2001/XMLSchema#{kind}"
        assert term.datatype.value == xsd
        cast = next(iter(store.query(f"SELECT ?v ?c WHERE {{ BIND(<{xsd}>(?v) AS ?c) }}", bindings={"v": term})))["c"]
        assert cast == term, f"{value!r} became the ill-formed {term}"


@FUZZ
@given(name=st.sampled_from(sorted(n for n, q in load_catalogue().items() if q.parameters)), data=st.data())
def test_saved_queries_take_any_parameter_value_or_refuse_it(store, name: str, data) -> None:
    query = load_catalogue()[name]
    values = {p.name: data.draw(PARAMETER_VALUES) for p in query.parameters if data.draw(st.booleans()) or p.required}
    try:
        result = run_query(store, query, values)
    except QueryError as exc:
        assert str(exc)
        return
    list(result) if isinstance(result, (ox.QuerySolutions, ox.QueryTriples)) else bool(result)


@FUZZ
@given(text=SPARQL_TEXT)
def test_any_sparql_text_is_answered_or_refused_with_a_query_error(store, text: str) -> None:
    before = dump(store)
    try:
        result = store.query(text)
    except QueryError as exc:
        assert str(exc)
    else:
        list(result) if isinstance(result, (ox.QuerySolutions, ox.QueryTriples)) else bool(result)
    assert dump(store) == before


# -- through the command: exit 2, no traceback -----------------------------------------------------


@pytest.mark.parametrize("content", [b"\x00\x01", b'"unbalanced;"x\n', b"\xff\xfe" + "a,b\n".encode("utf-16-le")])
def test_broken_inputs_through_the_command_exit_2_without_traceback(runner, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "sheet.csv"
    path.write_bytes(content)
    result = runner.invoke(cli, ["ingest", "stakeholders", str(path), "--store", str(tmp_path / "g"), "--no-warm"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_query_parameter_that_is_not_utf8_exits_2(runner, built_dir: Path) -> None:
    result = runner.invoke(cli, ["query", "organisations-by-sector", "--store", str(built_dir),
                                 "-p", "sector=id:sector/\udcffGOV"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)


def test_enormous_csv_field_is_refused_naming_the_line(store, tmp_path: Path) -> None:
    header, example = TEMPLATE.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "big.csv"
    path.write_text(f'{header}\n{example}\n"{"x" * (17 * 1024 * 1024)}",NO\n', encoding="utf-8")
    before = dump(store)
    with pytest.raises(DataError, match=r"big\.csv:3: .*larger than"):
        from echos_graph.ingest import ingest_source

        ingest_source(store, "stakeholders", str(path), name="fuzz")
    assert dump(store) == before


# -- what the fuzzing found, kept as plain regression tests -------------------------------------------


@pytest.mark.parametrize(("text", "fragment"), [
    ('[{"projectID": "\\ud800"}]', "lone surrogate"),  # written raw into N-Quads: UnicodeEncodeError
    ('[{"projectID": "1\\u0000"}]', "NUL character"),
    ("[" * 100_000, "nests arrays or objects too deeply"),  # RecursionError
    ('[{"projectID": 1' + "0" * 5000 + "}]", "cannot be read"),  # ValueError: more than 4300 digits
])
def test_cordis_json_found_by_fuzzing_is_refused_clearly(store, work: Path, text: str, fragment: str) -> None:
    files = {"project.json": (AWKWARD / "project.csv").read_bytes(), "organization.json": text.encode()}
    from fuzzing import awkward_as_json

    files["project.json"] = __import__("json").dumps(awkward_as_json()["project"]).encode()
    before = dump(store)
    with pytest.raises(DataError, match=fragment):
        from echos_graph.ingest import ingest_source

        ingest_source(store, "cordis", str(_export(work, files)), name="fuzz")
    assert dump(store) == before


def test_cordis_zip_bomb_is_refused_before_it_is_unpacked(store, tmp_path: Path, monkeypatch) -> None:
    import zipfile

    from echos_graph.ingest import tabular

    monkeypatch.setattr(tabular, "MAX_UNZIPPED", 20 * 1024**2)  # 2 GB in use; 20 MB keeps the test fast
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.csv", (AWKWARD / "project.csv").read_bytes())
        with archive.open("organization.csv", "w", force_zip64=True) as member:
            block = b"x" * (1024 * 1024)
            for _ in range(21):  # 21 MB that deflate to 21 kB
                member.write(block)
    before = dump(store)
    with pytest.raises(DataError, match="unpacks to 21 MB, more than the 20 MB"):
        from echos_graph.ingest import ingest_source

        ingest_source(store, "cordis", str(path), name="fuzz")
    assert dump(store) == before


def test_query_file_whose_parameter_is_not_selected_exits_2(runner, built_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "hidden.rq"  # found while writing the probes: a RuntimeError and a traceback
    path.write_text("# title: hidden\n# param: hub (iri): a hub\nSELECT ?s WHERE { ?s a echo:CancerMissionHub }\n")
    result = runner.invoke(cli, ["query", str(path), "--store", str(built_dir), "-p", "hub=id:hub/NO"])
    assert result.exit_code == 2, result.output
    assert "SELECT" in result.output and isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(("kind", "name", "content", "fragment"), [
    # found by fuzz/campaign.py (seed 7): tracebacks instead of a DataError
    ("stakeholders", "sheet.csv", "source_url", "which is not an http"),
    ("cordis", "export", "name", "no Latin letters or digits"),
    ("rdf", "file.rdf", '<?xml version="1.0" encoding="UTxx"?><rdf:RDF/>', "encoding"),
])
def test_inputs_found_by_the_campaign_are_refused_clearly(store, work: Path, kind, name, content, fragment) -> None:
    from echos_graph.ingest import ingest_source

    if kind == "stakeholders":
        header, example = TEMPLATE.read_text(encoding="utf-8").splitlines()[:2]
        path = work / name
        path.write_text(header + "\n" + example.replace("https://cancermission.no", 'https://cancer"mission.no') + "\n")
    elif kind == "cordis":
        text = (AWKWARD / "organization.csv").read_text(encoding="utf-8-sig")
        path = _export(work, {"project.csv": (AWKWARD / "project.csv").read_bytes(),
                              "organization.csv": text.replace("Synthetic University 00001", "\ufffe").encode()})
    else:
        path = work / name
        path.write_text(content)
    before = dump(store)
    with pytest.raises(DataError, match=fragment):
        ingest_source(store, kind, str(path), name="fuzz")
    assert dump(store) == before
