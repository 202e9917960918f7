"""The store: locations, atomic transactions, generations, locking, crash safety.

The transaction tests run on every backend: memory, embedded, and Virtuoso
through the remote store.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from echos_graph.errors import QueryError, StoreError, StoreLockedError
from echos_graph.store import STATISTICS_GRAPH, EmbeddedStore, MemoryStore, _with_values, open_store

G = "https://w3id.org/echos-graph/id/graph/test"


def quad(n: int, graph: str = G) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"http://example.org/s{n}"), ox.NamedNode("http://example.org/p"),
                   ox.Literal(str(n)), ox.NamedNode(graph))


def count(store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value)


@pytest.fixture(params=["memory:", "disk", "virtuoso"])
def empty_store(request: pytest.FixtureRequest, tmp_path: Path):
    """An empty store of each kind: in memory, embedded on disk, and Virtuoso (skipped where it is absent)."""
    if request.param == "virtuoso":
        return request.getfixturevalue("virtuoso_empty")
    return open_store(tmp_path / "g" if request.param == "disk" else request.param)


def test_open_store_picks_the_backend_from_the_location(tmp_path: Path) -> None:
    assert isinstance(open_store("memory:"), MemoryStore)
    assert isinstance(open_store(tmp_path / "g"), EmbeddedStore)
    from echos_graph.remote import RemoteStore

    assert isinstance(open_store("http://127.0.0.1:9/sparql"), RemoteStore)


def test_open_store_rejects_unknown_url_scheme() -> None:
    with pytest.raises(StoreError, match="ftp://"):
        open_store("ftp://example.org/graph")


def test_store_location_that_is_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        open_store(path)


def test_folder_with_foreign_content_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not an echos-graph store"):
        open_store(tmp_path)


def test_transaction_publishes_on_success(empty_store) -> None:
    store = empty_store
    assert store.is_empty()
    with store.transaction() as tx:
        tx.add([quad(1), quad(2)])
        assert count(tx) == 2
        assert count(store) == 0  # not visible before commit
    assert count(store) == 2
    assert store.named_graphs() == [G]


def test_failed_transaction_changes_nothing(empty_store) -> None:
    store = empty_store
    with store.transaction() as tx:
        tx.add([quad(1)])
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.drop_graph(G)
            tx.add([quad(5, G + "/other")])
            raise RuntimeError("simulated failure half-way")
    assert count(store) == 1
    assert store.named_graphs() == [G]


def test_replace_graph_swaps_the_content_of_one_graph_only(empty_store) -> None:
    store = empty_store
    with store.transaction() as tx:
        tx.add([quad(1), quad(2), quad(3, G + "/keep")])
    with store.transaction() as tx:
        tx.replace_graph(G, [quad(9)])
    rows = store.query("SELECT ?o WHERE { GRAPH <%s> { ?s ?p ?o } }" % G)
    assert [r["o"].value for r in rows] == ["9"]
    assert count(store) == 2


def test_drop_graphs_under_removes_a_source_and_its_evidence_graphs(empty_store) -> None:
    store = empty_store
    with store.transaction() as tx:
        tx.add([quad(1, G), quad(2, G + "/a"), quad(3, G + "x")])
        assert tx.drop_graphs_under(G) == [G, G + "/a"]
    assert store.named_graphs() == [G + "x"]


def test_reader_keeps_its_generation_until_it_refreshes(tmp_path: Path) -> None:
    writer = open_store(tmp_path / "g")
    with writer.transaction() as tx:
        tx.add([quad(1)])
    reader = open_store(tmp_path / "g")
    assert count(reader) == 1
    with writer.transaction() as tx:
        tx.add([quad(2)])
    assert count(reader) == 2  # every query refreshes to the newest published generation


def test_second_writer_is_refused_while_the_first_writes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g")
    other = open_store(tmp_path / "g")
    with store.transaction() as tx:
        tx.add([quad(1)])
        with pytest.raises(StoreLockedError, match=f"pid {os.getpid()}"):
            with other.transaction():
                pass
    assert count(other) == 1


def test_old_generations_are_swept_keeping_current_and_previous(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g")
    for n in range(4):
        with store.transaction() as tx:
            tx.add([quad(n)])
    with store.transaction() as tx:
        tx.add([quad(9)])
    generations = sorted(p.name for p in (tmp_path / "g" / "generations").iterdir())
    assert len(generations) <= 3  # previous, current and (until the next write) the one before
    assert store.current_generation() in generations
    assert count(store) == 5


_KILL_MID_WRITE = """
import os, sys
import pyoxigraph as ox
from echos_graph.store import open_store
store = open_store(sys.argv[1])
with store.transaction() as tx:
    tx.drop_graph("{g}")
    tx.add([ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                    ox.Literal(str(n)), ox.NamedNode("{g}")) for n in range(1000)])
    os.kill(os.getpid(), 9)
"""


def test_kill_9_during_a_write_leaves_the_previous_graph(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g")
    with store.transaction() as tx:
        tx.add([quad(1), quad(2)])
    before = store.current_generation()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    proc = subprocess.run([sys.executable, "-c", _KILL_MID_WRITE.format(g=G), str(tmp_path / "g")],
                          env=env, capture_output=True, timeout=60)
    assert proc.returncode == -9
    fresh = open_store(tmp_path / "g")
    assert fresh.current_generation() == before
    assert count(fresh) == 2
    with fresh.transaction() as tx:  # the next writer sweeps the abandoned generation
        tx.add([quad(3)])
    assert count(fresh) == 3
    assert len(list((tmp_path / "g" / "generations").iterdir())) == 2


def test_missing_generation_named_by_the_pointer_is_reported(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g")
    with store.transaction() as tx:
        tx.add([quad(1)])
    (tmp_path / "g" / "CURRENT").write_text("g-missing\n")
    with pytest.raises(StoreError, match="damaged"):
        open_store(tmp_path / "g").named_graphs()


def test_a_finished_transaction_lets_go_of_its_database(tmp_path: Path) -> None:
    """The caller's `tx` outlives the with block; it must not keep the published generation's writer open
    (RocksDB would go on compacting it, and the next transaction's copy would miss files)."""
    from echos_graph.errors import StoreError

    store = open_store(tmp_path / "g")
    with store.transaction() as tx:
        tx.add([quad(1)])
    with pytest.raises(StoreError, match="transaction is over"):
        tx.add([quad(2)])
    assert count(store) == 1


class _SlowOptimize:
    """An Oxigraph store whose ``optimize`` takes a while and says when it ran, or fails with ``error``."""

    def __init__(self, store: ox.Store, error: Exception | None = None) -> None:
        self._store, self._error = store, error
        self.started, self.finished = threading.Event(), threading.Event()

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def optimize(self) -> None:
        self.started.set()
        time.sleep(0.3)
        if self._error is not None:
            raise self._error
        self._store.optimize()
        self.finished.set()


def _load(tx, tmp_path: Path, n: int) -> None:
    """Bulk-load ``n`` quads from an N-Quads file, as a large ingest does (the case that is compacted)."""
    path = tmp_path / f"part-{n}.nq"
    path.write_text("".join(f"{quad(i)} .\n" for i in range(n)), encoding="utf-8")
    tx.load_file(path, ox.RdfFormat.N_QUADS, trusted=True)


def test_compaction_runs_beside_the_block_and_is_over_when_the_block_ends(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g")
    with store.transaction() as tx:
        _load(tx, tmp_path, 100)
        slow = tx._store = _SlowOptimize(tx.store)
        with tx.compacting():
            assert slow.started.wait(5)  # begun while the block runs ...
            assert not slow.finished.is_set()
            assert count(tx) == 100  # ... which reads the store meanwhile
        assert slow.finished.is_set()  # ... and over when it ends
    assert count(store) == 100


def test_a_failing_block_waits_for_the_compaction_and_publishes_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g")
    with pytest.raises(ValueError, match="the gate said no"), store.transaction() as tx:
        _load(tx, tmp_path, 1)
        slow = tx._store = _SlowOptimize(tx.store)
        with tx.compacting():
            raise ValueError("the gate said no")
    assert slow.finished.is_set()
    assert count(store) == 0
    assert len(list((tmp_path / "g" / "generations").iterdir())) == 0  # the unpublished generation is gone


def test_a_failed_compaction_is_reported_and_publishes_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g")
    with pytest.raises(OSError, match="disk full"), store.transaction() as tx:  # the CLI's exit 3
        _load(tx, tmp_path, 1)
        tx._store = _SlowOptimize(tx.store, OSError("disk full"))
        with tx.compacting():
            pass
    assert count(store) == 0


def test_compacting_a_memory_store_changes_nothing() -> None:
    store = MemoryStore()
    with store.transaction() as tx:
        tx.add([quad(1), quad(2)])
        with tx.compacting():
            pass
    assert count(store) == 2


# -- bindings on the Oxigraph stores: a VALUES block, substitutions where it cannot bind ----------------------

E = "http://example.org/"
#: Values that would change the query if they were pasted into its text.
HOSTILE = ['" } ; DROP ALL ; #', "x\" ) } } UNION { ?s ?p ?o } #", "'''\n} SELECT * { ?s ?p ?o", "a\\\" }"]


@pytest.fixture()
def named_store() -> MemoryStore:
    """A memory store where s0 is called "plain" and each hostile string names one more subject."""
    store = MemoryStore()
    names = ["plain", *HOSTILE]
    with store.transaction() as tx:
        tx.add(ox.Quad(ox.NamedNode(f"{E}s{n}"), ox.NamedNode(f"{E}name"), ox.Literal(name), ox.NamedNode(G))
               for n, name in enumerate(names))
    return store


@pytest.mark.parametrize("value", HOSTILE)
def test_a_bound_value_holding_sparql_is_matched_as_one_literal(named_store, value: str) -> None:
    text, bindings = f"SELECT ?s ?name WHERE {{ ?s <{E}name> ?name }}", {"name": ox.Literal(value)}
    assert "VALUES" in (_with_values(text, bindings) or "")  # bound in the text, written by pyoxigraph
    rows = list(named_store.query(text, bindings=bindings))
    assert [(r["s"].value, r["name"].value) for r in rows] == [(f"{E}s{HOSTILE.index(value) + 1}", value)]


def test_a_bound_variable_the_query_does_not_project_is_refused(named_store) -> None:
    for text in (f"SELECT ?s WHERE {{ ?s <{E}name> ?name }}",
                 f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{E}name> ?name }}",
                 f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ ?s <{E}name> ?name }} }} }}"):
        with pytest.raises(QueryError, match="a parameter must be a variable of the query's SELECT"):
            named_store.query(text, bindings={"name": ox.Literal("plain")})


@pytest.mark.parametrize("text", [
    f"SELECT ?s ?name WHERE {{ ?s <{E}name> ?name }}",
    f"SELECT * WHERE {{ {{ SELECT ?s ?name WHERE {{ ?s <{E}name> ?name }} }} }}",  # a sub-select
    f"SELECT ?s ?name WHERE {{ ?s <{E}name> ?n BIND (?n AS ?name) }}",  # BIND assigns it: substitutions
], ids=["values", "sub-select", "bind"])
def test_a_binding_selects_the_same_rows_however_it_is_bound(named_store, text: str) -> None:
    rows = list(named_store.query(text, bindings={"name": ox.Literal("plain")}))
    assert [(r["s"].value, r["name"].value) for r in rows] == [(f"{E}s0", "plain")]


def test_a_binding_reaches_describe_construct_and_ask(named_store) -> None:
    s0 = {"s": ox.NamedNode(f"{E}s0")}
    assert {t.object.value for t in named_store.query("DESCRIBE ?s", bindings=s0)} == {"plain"}
    assert {t.object.value for t in named_store.query("CONSTRUCT WHERE { ?s ?p ?o }", bindings=s0)} == {"plain"}
    assert not named_store.query(f"ASK {{ ?s <{E}name> '{HOSTILE[0][:3]}' }}", bindings=s0)
    assert named_store.query(f"ASK {{ ?s <{E}name> 'plain' }}", bindings=s0)
    blank = list(named_store.query(f"SELECT ?s ?b WHERE {{ ?s <{E}name> 'plain' }}", bindings={"b": ox.BlankNode("b")}))
    assert [r["b"] for r in blank] == [ox.BlankNode("b")]  # a blank node cannot go into VALUES: substitutions


def test_a_parameter_used_only_after_the_where_group_gets_no_values_block(named_store) -> None:
    text = (f"SELECT ?name ?minimum (COUNT(*) AS ?n) WHERE {{ ?s <{E}name> ?name }} GROUP BY ?name ?minimum "
            "HAVING (COUNT(*) >= ?minimum)")
    bindings = {"minimum": ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}
    assert _with_values(text, bindings) is None  # the planner would learn nothing from it
    assert len(list(named_store.query(text, bindings=bindings))) == 1 + len(HOSTILE)



# -- the counts of graph-sizes: kept by build and ingest, dropped by any other change ----------------------------

def _kept(store) -> dict[str, int]:
    """The counts in the statistics graph."""
    text = f"SELECT ?g ?n WHERE {{ GRAPH <{STATISTICS_GRAPH}> {{ ?g <http://rdfs.org/ns/void#triples> ?n }} }}"
    return {row["g"].value: int(row["n"].value) for row in store.query(text)}


def _counted(store) -> dict[str, int]:
    """The triples of each named graph, counted now."""
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    return {row["g"].value: int(row["n"].value) for row in store.query(text)}


def _sizes(store) -> dict[str, int]:
    from echos_graph.queries import run_query

    return {row["graph"].value: int(row["triples"].value) for row in run_query(store, "graph-sizes")}


def test_a_build_keeps_the_triples_of_every_graph_itself_included(store_copy) -> None:
    kept = _kept(store_copy)
    assert kept == _counted(store_copy)  # every graph, the statistics graph's own count among them
    assert kept[STATISTICS_GRAPH] == len(kept)
    assert _sizes(store_copy) == kept


def test_an_ingest_counts_every_graph_again(store_copy) -> None:
    from echos_graph.ingest import ingest_source

    ingest_source(store_copy, "cordis", str(Path(__file__).parent / "data" / "cordis-awkward"), name="cordis-awkward")
    kept = _kept(store_copy)
    assert any("cordis-awkward" in g for g in kept)
    assert kept == _counted(store_copy)


@pytest.mark.parametrize("change", ["add", "drop", "update"])
def test_any_other_change_drops_the_counts_and_graph_sizes_counts_for_itself(store_copy, change: str) -> None:
    bundled = next(g for g in store_copy.named_graphs() if "/graph/bundled/" in g)
    with store_copy.transaction() as tx:
        if change == "add":
            tx.add([quad(1, bundled)])
        elif change == "drop":
            tx.drop_graph(bundled)
        else:
            tx.update(f"INSERT DATA {{ GRAPH <{bundled}> {{ <http://example.org/s> <http://example.org/p> 1 }} }}")
    assert _kept(store_copy) == {}
    assert STATISTICS_GRAPH not in store_copy.named_graphs()
    assert _sizes(store_copy) == _counted(store_copy)


def test_a_transaction_that_changes_nothing_keeps_the_counts(store_copy) -> None:
    before = _kept(store_copy)
    with store_copy.transaction() as tx:
        tx.drop_graph("https://w3id.org/echos-graph/id/graph/no-such-graph")
    assert before and _kept(store_copy) == before


def test_a_remote_write_drops_counts_copied_from_an_export(virtuoso_store) -> None:
    assert _kept(virtuoso_store)  # loaded from the built store, counts and all
    with virtuoso_store.transaction() as tx:
        tx.add([quad(1)])
    assert _kept(virtuoso_store) == {}
    assert _sizes(virtuoso_store) == _counted(virtuoso_store)
