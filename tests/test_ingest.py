"""Ingesting sources: CORDIS exports, RDF files, SPARQL endpoints; identity, provenance, atomicity.

Tests taking ``writable_store`` run on the embedded store and on Virtuoso.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from echos_graph import open_store
from echos_graph.cli import cli
from echos_graph.errors import DataError, NotConformingError
from echos_graph.ingest import ingest_source, source_name
from echos_graph.namespaces import graph_iri, id_iri
from echos_graph.queries import run_query
from echos_graph.results import to_rows

DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parent.parent
AWKWARD = DATA / "cordis-awkward"
BAD = DATA / "cordis-bad"


def select(store, sparql: str) -> list[dict[str, str]]:
    result = store.query(sparql)
    return [{v.value: row[v.value].value for v in result.variables if row[v.value] is not None} for row in result]


def dump(store) -> bytes:
    out = __import__("io").BytesIO()
    store.dump(out, ox.RdfFormat.N_QUADS)
    return b"\n".join(sorted(out.getvalue().splitlines()))


# -- CORDIS --------------------------------------------------------------------------


def test_awkward_cordis_export_is_read_by_header_name(writable_store) -> None:
    report = ingest_source(writable_store, "cordis", str(AWKWARD), name="cordis-awkward")
    assert report.validation.conforms, report.validation.text()
    # The folder's README: 4 projects, 11 participations, 7 organisations, one coordinator per project.
    counts = select(writable_store, """
        SELECT (COUNT(DISTINCT ?p) AS ?projects) (COUNT(DISTINCT ?part) AS ?parts) (COUNT(DISTINCT ?o) AS ?orgs)
        WHERE { GRAPH ?g { ?p eurio:hasInvolvedParty ?part . ?part eurio:isRoleOf ?o }
                FILTER(STRSTARTS(STR(?g), "https://w3id.org/echos-graph/id/graph/cordis-awkward")) }""")
    assert counts == [{"projects": "4", "parts": "11", "orgs": "7"}]
    coordinators = select(writable_store, """
        SELECT ?p (COUNT(?part) AS ?n) WHERE { ?p eurio:hasInvolvedParty ?part . ?part echo:role id:role\\/coordinator .
          FILTER(STRSTARTS(STR(?p), "https://w3id.org/echos-graph/id/project/1019")) } GROUP BY ?p""")
    assert sorted(r["n"] for r in coordinators) == ["1", "1", "1", "1"]


def test_awkward_cordis_values_survive_quotes_separators_newlines_and_codes(writable_store) -> None:
    ingest_source(writable_store, "cordis", str(AWKWARD), name="cordis-awkward")
    titles = {r["t"] for r in select(writable_store, "SELECT ?t WHERE { id:project\\/101900001 dcterms:title ?t }")}
    assert titles == {'Synthetic "awkward" title; part one\nand part two'}
    greek = select(writable_store, "SELECT DISTINCT ?c WHERE { id:organisation\\/pic\\/999900001 echo:country/skos:notation ?c }")
    uk = select(writable_store, "SELECT DISTINCT ?c WHERE { id:organisation\\/pic\\/999900002 echo:country/skos:notation ?c }")
    assert (greek, uk) == ([{"c": "GR"}], [{"c": "GB"}])
    amounts = {r["a"] for r in select(writable_store, "SELECT ?a WHERE { ?p echo:ecContribution ?a }")}
    assert {"212500.5", "137499.25"} <= amounts
    names = {r["n"] for r in select(writable_store, "SELECT ?n WHERE { id:organisation\\/pic\\/999900005 skos:prefLabel ?n }")}
    assert names == {'Synthetic Foundation 00005; Patients "First"'}


def test_cordis_activity_type_becomes_a_sector_marked_inferred(writable_store) -> None:
    ingest_source(writable_store, "cordis", str(AWKWARD), name="cordis-awkward")
    rows = select(writable_store, """
        SELECT ?type ?sector ?status WHERE {
          ?o echo:cordisActivityType/skos:notation ?type .
          GRAPH ?g { ?o org:classification ?s } ?s skos:notation ?sector . ?g echo:verificationStatus ?status
          FILTER(STRSTARTS(STR(?g), "https://w3id.org/echos-graph/id/graph/cordis-awkward")) }""")
    assert rows
    crosswalk = {"HES": "ACA", "REC": "RES", "PRC": "IND", "PUB": "GOV", "OTH": "NGO"}  # ontology/sectors.ttl
    assert all(crosswalk[r["type"]] == r["sector"] for r in rows)
    assert {r["status"] for r in rows} == {id_iri("verification", "inferred")}


def test_cordis_zip_as_downloaded_gives_the_same_facts_as_the_folder(tmp_path: Path, built_dir: Path) -> None:
    archive = tmp_path / "cordis-HORIZONprojects-csv.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("project.csv", "organization.csv"):
            z.write(AWKWARD / name, f"csv/{name}")
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(built_dir, a)
    shutil.copytree(built_dir, b)
    ingest_source(open_store(a), "cordis", str(AWKWARD), name="cordis-x")
    ingest_source(open_store(b), "cordis", str(archive), name="cordis-x")
    facts = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } ?g a echo:EvidenceGraph ; dcterms:isPartOf id:graph\\/cordis-x }"
    assert sorted(map(str, select(open_store(a), facts))) == sorted(map(str, select(open_store(b), facts)))


@pytest.mark.parametrize(("case", "where", "fragment"), [
    ("comma-separator", "project.csv:1", "separator"),
    ("latin1-encoding", "organization.csv:3", "is not UTF-8"),
    ("missing-organisationID", "organization.csv:1", "organisationID"),
    ("duplicate-project-id", "project.csv:4", "repeats project 101900011"),
    ("malformed-startDate", "project.csv:3", "'01/04/2023'"),
    ("malformed-ecContribution", "organization.csv:3", "'12k'"),
    ("empty-organization", "organization.csv", "no participation"),
    ("zero-byte-file", "project.csv", "is empty"),
])
def test_broken_cordis_export_fails_clearly_and_leaves_the_store_unchanged(writable_store, case, where, fragment) -> None:
    before = dump(writable_store)
    with pytest.raises(DataError) as error:
        ingest_source(writable_store, "cordis", str(BAD / case))
    assert where in str(error.value) and fragment in str(error.value)
    assert dump(writable_store) == before


def test_broken_export_through_the_command_exits_2_without_a_traceback(runner, store_copy) -> None:
    result = runner.invoke(cli, ["ingest", "cordis", str(BAD / "malformed-startDate"), "--store", store_copy.location])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "YYYY-MM-DD" in result.output


def test_missing_export_is_a_clear_error(store_copy, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        ingest_source(store_copy, "cordis", str(tmp_path / "nowhere.zip"))


# -- identity, provenance, replacement -------------------------------------------------


def _cordis_with_a_bundled_organisation(tmp_path: Path) -> Path:
    """The awkward export with one organisation renamed to SINTEF in Norway, as CORDIS would write it."""
    folder = tmp_path / "cordis"
    shutil.copytree(AWKWARD, folder)
    path = folder / "organization.csv"
    text = path.read_text(encoding="utf-8-sig")
    row = next(line for line in text.splitlines() if '"999900004"' in line)
    fields = row.split(";")
    header = text.splitlines()[0].split(";")
    fields[header.index('"name"')] = '"SINTEF"'
    fields[header.index('"country"')] = '"NO"'
    path.write_text(text.replace(row, ";".join(fields)), encoding="utf-8")
    return folder


def test_organisation_known_from_another_source_is_one_node_and_the_match_is_recorded(writable_store, tmp_path) -> None:
    report = ingest_source(writable_store, "cordis", str(_cordis_with_a_bundled_organisation(tmp_path)), name="cordis-m")
    assert report.matches == 1
    sintef = id_iri("organisation", "NO", "sintef")
    assert select(writable_store, f"SELECT ?pic WHERE {{ <{sintef}> echo:pic ?pic }}") == [{"pic": "999900004"}]
    assert len(select(writable_store, f"SELECT ?n WHERE {{ <{sintef}> skos:prefLabel ?n }}")) == 1
    match = select(writable_store, f"SELECT ?rule ?key WHERE {{ ?m a echo:IdentityMatch ; echo:matchedOrganisation <{sintef}> ;"
                               " echo:matchRule ?rule ; echo:matchKey ?key }")
    assert match == [{"rule": "name-country", "key": "NO/sintef"}]
    assert select(writable_store, 'SELECT ?o WHERE { ?o echo:pic "999900004" }') == [{"o": sintef}]


def test_bundled_organisation_added_after_its_cordis_twin_is_reported_and_merged_by_a_reingest(
        tmp_path: Path, data_copy: Path, runner) -> None:
    # SINTEF (NO/sintef in data/organisations.csv) left out of the bundled data, then its CORDIS twin
    # ingested, then SINTEF added back to data/: the build warns, and a re-ingest makes them one node.
    full = {name: (data_copy / name).read_text(encoding="utf-8")
            for name in ("organisations.csv", "hub_memberships.csv", "participations.csv")}
    for name, text in full.items():
        (data_copy / name).write_text("".join(line for line in text.splitlines(keepends=True)
                                              if "NO/sintef" not in line), encoding="utf-8")
    folder = tmp_path / "graph"
    cordis = str(_cordis_with_a_bundled_organisation(tmp_path))
    assert runner.invoke(cli, ["build", "--store", str(folder), "--data", str(data_copy)]).exit_code == 0
    ingest_source(open_store(folder), "cordis", cordis, name="cordis-m")
    for name, text in full.items():
        (data_copy / name).write_text(text, encoding="utf-8")

    result = runner.invoke(cli, ["build", "--store", str(folder), "--data", str(data_copy)])
    assert result.exit_code == 0
    sintef, pic_node = id_iri("organisation", "NO", "sintef"), id_iri("organisation", "pic", "999900004")
    assert f"{sintef} = {pic_node} (same name-country: NO/sintef)" in result.stderr
    assert "cordis-m" in result.stderr

    ingest_source(open_store(folder), "cordis", cordis, name="cordis-m")
    assert select(open_store(folder), 'SELECT ?o WHERE { ?o echo:pic "999900004" }') == [{"o": sintef}]
    again = runner.invoke(cli, ["build", "--store", str(folder), "--data", str(data_copy)])
    assert again.exit_code == 0 and "Warning" not in again.stderr


def test_reingest_gives_the_same_iris_and_replaces_only_its_own_graphs(writable_store) -> None:
    ingest_source(writable_store, "cordis", str(AWKWARD), name="cordis-awkward")
    first = dump(writable_store)
    bundled_before = [g for g in writable_store.named_graphs() if "/graph/bundled" in g]
    ingest_source(writable_store, "cordis", str(AWKWARD), name="cordis-awkward")
    second = dump(writable_store)
    times = (b"startedAtTime", b"endedAtTime")
    strip = lambda d: [line for line in d.splitlines() if not any(t in line for t in times)]  # noqa: E731
    assert strip(first) == strip(second)
    assert [g for g in writable_store.named_graphs() if "/graph/bundled" in g] == bundled_before


def test_every_ingested_fact_can_be_traced_to_its_source(writable_store) -> None:
    ingest_source(writable_store, "cordis", str(AWKWARD), name="cordis-awkward")
    rows = to_rows(run_query(writable_store, "fact-provenance", {"subject": "id:project/101900001"}))[1]
    assert rows and all(r[3] == "id:verification/confirmed" for r in rows if r[1] == "dcterms:title")
    source = select(writable_store, """SELECT ?checksum ?bytes ?records WHERE { id:graph\\/cordis-awkward prov:wasDerivedFrom ?f .
        ?f dcterms:title "organization.csv" ; echo:checksum ?checksum ; dcat:byteSize ?bytes ; echo:recordCount ?records }""")
    assert source[0]["records"] == "11" and source[0]["checksum"].startswith("sha256:")


def test_source_name_comes_from_the_file() -> None:
    assert source_name("rdf", "/x/Partners List.ttl") == "rdf-partners-list"


# -- RDF files -----------------------------------------------------------------------


RDF_TTL = """@prefix echo: <https://w3id.org/echos-graph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
<https://example.org/org/oslo-cancer-cluster> a echo:Organisation ;
    skos:prefLabel "Oslo Cancer Cluster" ;
    echo:country <https://w3id.org/echos-graph/id/country/NO> ;
    org:classification <https://w3id.org/echos-graph/id/sector/IND> .
<https://example.org/org/new> a echo:Organisation ;
    skos:prefLabel "A New Patient Association" ;
    echo:country <https://w3id.org/echos-graph/id/country/NO> ;
    org:classification <https://w3id.org/echos-graph/id/sector/PAT> .
"""


@pytest.mark.parametrize("suffix,fmt", [(".ttl", ox.RdfFormat.TURTLE), (".nq", ox.RdfFormat.N_QUADS),
                                        (".trig", ox.RdfFormat.TRIG), (".jsonld", ox.RdfFormat.JSON_LD),
                                        (".rdf", ox.RdfFormat.RDF_XML), (".nt", ox.RdfFormat.N_TRIPLES)])
def test_rdf_file_in_every_syntax_is_merged_and_matched(writable_store, tmp_path: Path, suffix, fmt) -> None:
    quads = list(ox.parse(RDF_TTL, format=ox.RdfFormat.TURTLE))
    path = tmp_path / f"partners{suffix}"
    if fmt.supports_datasets:
        quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode("https://example.org/g")) for q in quads]
    path.write_bytes(ox.serialize(quads if fmt.supports_datasets else [ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=fmt))
    report = ingest_source(writable_store, "rdf", str(path), name="rdf-partners", options={"verification": "probable"})
    assert report.validation.conforms and report.matches == 1
    occ = id_iri("organisation", "NO", "oslo-cancer-cluster")
    assert select(writable_store, f"SELECT ?s WHERE {{ <{occ}> org:classification ?s }}")
    assert len(select(writable_store, f"SELECT ?n WHERE {{ <{occ}> skos:prefLabel ?n }}")) == 1
    assert bool(writable_store.query("ASK { <https://example.org/org/new> a echo:Organisation }"))


def test_rdf_syntax_error_names_the_file_and_position(writable_store, tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n")
    before = dump(writable_store)
    with pytest.raises(DataError, match=r"broken\.ttl.*not valid"):
        ingest_source(writable_store, "rdf", str(path))
    assert dump(writable_store) == before


def test_rdf_that_breaks_the_shapes_is_refused_with_a_report(writable_store, tmp_path: Path) -> None:
    path = tmp_path / "nameless.ttl"
    path.write_text("<https://example.org/x> a <https://w3id.org/echos-graph/ontology#Organisation> .\n")
    before = dump(writable_store)
    with pytest.raises(NotConformingError) as error:
        ingest_source(writable_store, "rdf", str(path))
    assert "https://example.org/x" in error.value.report.text()
    assert dump(writable_store) == before


def test_xml_external_entities_are_never_read(store_copy, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / "xxe.rdf"
    path.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><ex:p>&xxe;</ex:p></rdf:Description>
</rdf:RDF>""")
    try:
        ingest_source(store_copy, "rdf", str(path))
    except (DataError, NotConformingError):
        pass
    assert b"TOP-SECRET" not in dump(store_copy)


# -- SPARQL endpoints ------------------------------------------------------------------


def test_construct_answer_of_a_served_endpoint_is_ingested(served: str, tmp_path: Path) -> None:
    store = open_store(tmp_path / "g")
    from echos_graph import build

    build(store)
    report = ingest_source(store, "sparql", served + "/sparql", name="peer",
                           options={"query": "construct-organisations"})
    assert report.validation.conforms
    # every organisation of the peer (the same bundled data) is recognised: one node each
    organisations = select(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a echo:Organisation }")
    bundled = select(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?o a echo:Organisation } "
                            "FILTER(STRSTARTS(STR(?g), STR(id:graph\\/bundled))) }")
    assert organisations == bundled
    assert report.matches == int(bundled[0]["n"])


def test_unreachable_endpoint_is_a_remote_error(store_copy) -> None:
    from echos_graph.errors import RemoteError

    with pytest.raises(RemoteError, match="cannot reach|failed"):
        ingest_source(store_copy, "sparql", "http://127.0.0.1:9/sparql")


def test_busy_endpoint_is_retried_with_back_off(monkeypatch) -> None:
    import urllib.error

    from echos_graph.ingest import sparql

    calls, waits = [], []

    class Busy:
        def query(self):
            calls.append(1)
            if len(calls) < 3:
                raise urllib.error.HTTPError("http://x", 503, "Service Unavailable", {"Retry-After": "2"}, None)
            return type("R", (), {"response": __import__("io").BytesIO(b"<http://e/s> <http://e/p> 1 .")})()

    import SPARQLWrapper

    real = SPARQLWrapper.SPARQLWrapper

    class Wrapper(real):  # type: ignore[misc,valid-type]
        def query(self):  # noqa: D102
            return Busy().query()

    monkeypatch.setattr(SPARQLWrapper, "SPARQLWrapper", Wrapper)
    body = sparql.fetch_construct("http://127.0.0.1:9/sparql", "CONSTRUCT WHERE { ?s ?p ?o }", sleep=waits.append)
    assert body.startswith(b"<http://e/s>")
    assert len(calls) == 3 and waits == [2.0, 2.0]


# -- never half-written ------------------------------------------------------------------


def test_kill_9_during_an_ingest_leaves_the_store_as_it_was(store_copy, tmp_path: Path) -> None:
    export = tmp_path / "s10k"  # big enough (seconds to ingest) that the kills land mid-ingest
    subprocess.run([sys.executable, str(REPO / "bench" / "generate_cordis.py"), "--scale", "s10k", "--out", str(export)],
                   check=True, capture_output=True, timeout=120)
    before = dump(store_copy)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    survived = 0
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen([sys.executable, "-m", "echos_graph.cli", "ingest", "cordis", str(export),
                                 "--store", store_copy.location], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        fresh = open_store(store_copy.location)
        if proc.returncode == 0:  # the ingest finished before the kill: the new graph, complete
            assert graph_iri("cordis-s10k") in fresh.named_graphs()
            break
        assert dump(fresh) == before, f"the store changed after a kill at {delay} s"
        survived += 1
    assert survived >= 1, "no kill landed during the ingest; the test proves nothing"
    finished = subprocess.run([sys.executable, "-m", "echos_graph.cli", "ingest", "cordis", str(export),
                               "--store", store_copy.location], env=env, capture_output=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert dump(open_store(store_copy.location)) != before
    assert graph_iri("cordis-s10k") in open_store(store_copy.location).named_graphs()


def _as_json_export(folder: Path, target: Path) -> Path:
    """Write the CSV export in ``folder`` as the JSON layout: one array of records per file, keys = columns."""
    import csv
    import json

    target.mkdir()
    for stem in ("project", "organization"):
        with open(folder / f"{stem}.csv", encoding="utf-8-sig", newline="") as handle:
            records = list(csv.DictReader(handle, delimiter=";"))
        for record in records:  # the JSON export writes numbers as numbers where it can
            if record.get("order", "").isdigit():
                record["order"] = int(record["order"])
        (target / f"{stem}.json").write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


def test_cordis_json_export_gives_the_same_facts_as_the_csv_export(tmp_path: Path, built_dir: Path) -> None:
    json_export = _as_json_export(AWKWARD, tmp_path / "json")
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(built_dir, a)
    shutil.copytree(built_dir, b)
    ingest_source(open_store(a), "cordis", str(AWKWARD), name="cordis-x")
    ingest_source(open_store(b), "cordis", str(json_export), name="cordis-x")
    facts = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } ?g a echo:EvidenceGraph ; dcterms:isPartOf id:graph\\/cordis-x }"
    rows = sorted(map(str, select(open_store(a), facts)))
    assert len(rows) > 50
    assert rows == sorted(map(str, select(open_store(b), facts)))


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ('[{"projectID": "101900011"', 1, "malformed JSON"),
    ('{"projectID": "101900011"}', 1, "does not start with '['"),
    ('[\nRECORD,\n["not", "a record"]\n]', 3, "where a record (a JSON object) belongs"),
    ('[\nRECORD,\n{"projectID": "1", "name": {"nested": 1}}\n]', 3, "nested dict"),
    ('[\nRECORD\nRECORD\n]', 3, "not separated by ','"),
    ('[\nRECORD\n] trailing', 3, "text after the closing ']'"),
    ("", None, "is empty"),
])
def test_broken_cordis_json_fails_naming_file_and_line_and_leaves_the_store_unchanged(
        store_copy, tmp_path: Path, text: str, line: int | None, fragment: str) -> None:
    import json

    export = _as_json_export(AWKWARD, tmp_path / "json")
    record = json.dumps(json.loads((export / "organization.json").read_text(encoding="utf-8"))[0])  # a valid one
    (export / "organization.json").write_text(text.replace("RECORD", record), encoding="utf-8")
    before = dump(store_copy)
    with pytest.raises(DataError) as error:
        ingest_source(store_copy, "cordis", str(export))
    where = f"organization.json:{line}:" if line else "organization.json:"
    assert where in str(error.value) and fragment in str(error.value)
    assert dump(store_copy) == before


@pytest.fixture()
def private_tmp(tmp_path: Path, monkeypatch) -> Path:
    """A temporary folder of this test's own, so no other process's files are counted."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _temp_nquads() -> set[str]:
    import tempfile

    return {p.name for p in Path(tempfile.gettempdir()).glob("echos-graph-*.nq")}


def test_a_source_in_many_nquads_files_gives_the_same_facts_as_in_one(tmp_path: Path, built_dir: Path,
                                                                      monkeypatch, private_tmp) -> None:
    from echos_graph.ingest import nquads

    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(built_dir, a)
    shutil.copytree(built_dir, b)
    ingest_source(open_store(a), "cordis", str(AWKWARD), name="cordis-x")
    monkeypatch.setattr(nquads, "CHUNK_QUADS", 7)  # loaded file by file while the next is written
    before = _temp_nquads()
    ingest_source(open_store(b), "cordis", str(AWKWARD), name="cordis-x")
    assert dump(open_store(a)) == dump(open_store(b)) or _same_facts(open_store(a), open_store(b))
    assert _temp_nquads() == before == set()  # every file removed


def _same_facts(a, b) -> bool:
    facts = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } ?g a echo:EvidenceGraph ; dcterms:isPartOf id:graph\\/cordis-x }"
    return sorted(map(str, select(a, facts))) == sorted(map(str, select(b, facts)))


def test_a_failing_load_stops_the_ingester_and_leaves_the_store_and_no_files(store_copy, monkeypatch,
                                                                            private_tmp) -> None:
    from echos_graph.ingest import nquads
    from echos_graph.store import OxigraphTransaction

    monkeypatch.setattr(nquads, "CHUNK_QUADS", 7)
    loads = []

    def failing_load(self, path, format, **options):
        loads.append(path)
        if len(loads) == 2:
            raise OSError(28, "No space left on device")
        return original(self, path, format, **options)

    original = OxigraphTransaction.load_file
    monkeypatch.setattr(OxigraphTransaction, "load_file", failing_load)
    before, files = dump(store_copy), _temp_nquads()
    with pytest.raises(OSError, match="No space left"):
        ingest_source(store_copy, "cordis", str(AWKWARD), name="cordis-x")
    assert dump(store_copy) == before
    assert _temp_nquads() == files == set()


def test_an_ingester_error_after_some_files_were_loaded_leaves_the_store_unchanged(store_copy, monkeypatch,
                                                                                  private_tmp) -> None:
    from echos_graph.ingest import cordis, nquads

    monkeypatch.setattr(nquads, "CHUNK_QUADS", 7)
    real = cordis.read_cordis

    def late_failure(*args, on_chunk=None, **kwargs):
        seen = []

        def count(path):
            seen.append(path)
            on_chunk(path)
            if len(seen) == 3:
                raise DataError("a planted failure after three files", path="organization.csv", line=9)

        return real(*args, on_chunk=count, **kwargs)

    monkeypatch.setattr(cordis, "read_cordis", late_failure)
    before, files = dump(store_copy), _temp_nquads()
    with pytest.raises(DataError, match="planted failure"):
        ingest_source(store_copy, "cordis", str(AWKWARD), name="cordis-x")
    assert dump(store_copy) == before
    assert _temp_nquads() == files == set()
