"""After an ingest, the network for the analyses is read into the cache by a background process."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from echos_graph.analysis import projection
from echos_graph.analysis.cache import cache_file, filling
from echos_graph.analysis.projection import load_network
from echos_graph.analysis.warm import warm
from echos_graph.cli import cli
from echos_graph.resources import queries_dir
from echos_graph.store import open_store

AWKWARD = Path(__file__).parent / "data" / "cordis-awkward"


def _network_cache(store):
    return cache_file(store, "network", [queries_dir() / f"{n}.rq" for n in projection._LOADER_QUERIES])


def _no_store_reads(*args, **kwargs):
    raise AssertionError("the network was read from the store, not from the cache")


def test_ingest_fills_the_network_cache_in_the_background(runner, store_copy, monkeypatch) -> None:
    monkeypatch.setenv("ECHOS_GRAPH_WARM_CACHE", "1")
    result = runner.invoke(cli, ["ingest", "cordis", str(AWKWARD), "--store", str(store_copy.path)])
    assert result.exit_code == 0, result.output
    assert "in the background (pid" in result.output
    store = open_store(store_copy.path)
    path = _network_cache(store)
    deadline = time.monotonic() + 120
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert path.exists(), "the background process wrote no cache file in 120 s"
    expected = projection._query_network(store)  # read from the store, bypassing the cache
    monkeypatch.setattr(projection, "_query_network", _no_store_reads)
    assert load_network(store) == expected
    assert len(expected.organisations) > 45  # the bundled data's 45 organisations and the export's


def test_no_warm_starts_no_background_process(runner, store_copy, monkeypatch) -> None:
    monkeypatch.setenv("ECHOS_GRAPH_WARM_CACHE", "1")
    result = runner.invoke(cli, ["ingest", "cordis", str(AWKWARD), "--store", str(store_copy.path), "--no-warm"])
    assert result.exit_code == 0, result.output
    assert "background" not in result.output


def test_warm_then_load_network_reads_only_the_cache(store_copy, monkeypatch) -> None:
    assert warm(str(store_copy.path)) is True
    expected = load_network(store_copy, cache=False)
    monkeypatch.setattr(projection, "_query_network", _no_store_reads)
    assert load_network(store_copy) == expected


def test_warm_declines_a_store_in_memory() -> None:
    assert warm("memory:") is False


def _hold(path: str, seconds: float, ready) -> None:
    with filling(Path(path)):
        ready.set()
        time.sleep(seconds)


@pytest.mark.skipif(os.name != "posix", reason="the cache lock uses fcntl")
def test_a_second_reader_waits_while_another_process_fills_the_cache(tmp_path) -> None:
    target = tmp_path / "network-x-g-d.marshal"
    ready = multiprocessing.get_context("fork").Event()
    holder = multiprocessing.get_context("fork").Process(target=_hold, args=(str(target), 1.0, ready))
    holder.start()
    assert ready.wait(30)
    started = time.monotonic()
    with filling(target):
        waited = time.monotonic() - started
    holder.join()
    assert waited > 0.5  # the holder kept the lock for 1 s after signalling


def test_warm_also_keeps_the_explorers_default_view(store_copy, monkeypatch) -> None:
    from echos_graph.analysis import explorer

    assert warm(str(store_copy.path)) is True
    kept = explorer.explorer_json(store_copy, "co-participation", only_cached=True)
    assert kept is not None and b'"nodes"' in kept
    assert explorer.explorer_json(store_copy, "organisation-initiative", only_cached=True) is None
