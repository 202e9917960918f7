"""A long fuzzing campaign over every ingest input, for as many seconds as you give it.

Runs the generators of ``tests/fuzzing.py`` (the same ones the test suite
runs a few dozen times, derandomized) with fresh random seeds, target after
target, until the time is up, and checks the same property on each input:
published, or refused with a clear error (DataError, NotConformingError,
QueryError, RemoteError) and the store unchanged.  Anything else is a
failure: its input is saved under ``--out`` and the traceback printed.

Usage::

    PYTHONPATH=src python fuzz/campaign.py --seconds 300 [--targets cordis-csv,rdf] [--out var/fuzz]

It prints, per target, the inputs tried, the outcomes and the failures,
and exits 1 if any input failed.  The figures in docs/RELIABILITY.md come
from this script.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import fuzzing  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from echos_graph import build, open_store  # noqa: E402
from echos_graph.errors import QueryError  # noqa: E402
from echos_graph.queries import load_catalogue, run_query  # noqa: E402


def _export(work: Path, files: dict[str, bytes]) -> Path:
    folder = work / "export"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def targets(store, work: Path) -> dict[str, tuple[st.SearchStrategy, object]]:
    """Return each target: the strategy of its inputs and the function that runs one (returning the outcome)."""
    cordis_names = ("project.csv", "organization.csv")

    @st.composite
    def cordis_csv(draw):
        files = {name: (fuzzing.AWKWARD / name).read_bytes() for name in cordis_names}
        target = draw(st.sampled_from(cordis_names))
        mutate = draw(st.sampled_from([fuzzing.mutate_bytes, fuzzing.csv_cells]))
        files[target] = draw(mutate(files[target], separator=";"))
        return files

    @st.composite
    def stakeholder_csv(draw):
        mutate = draw(st.sampled_from([fuzzing.mutate_bytes, fuzzing.csv_cells]))
        return draw(mutate(fuzzing.TEMPLATE.read_bytes()))

    @st.composite
    def rdf(draw):
        suffix = draw(st.sampled_from(sorted(fuzzing.RDF_SUFFIXES)))
        return suffix, draw(fuzzing.mutate_bytes(fuzzing.rdf_bytes(suffix)))

    def write(name: str, data: bytes) -> Path:
        path = work / name
        path.write_bytes(data)
        return path

    def run_rdf(item):
        suffix, data = item
        return fuzzing.ingest_outcome(store, "rdf", write(f"file{suffix}", data))

    catalogue = {n: q for n, q in load_catalogue().items() if q.parameters}

    @st.composite
    def parameters(draw):
        name = draw(st.sampled_from(sorted(catalogue)))
        return name, {p.name: draw(fuzzing.PARAMETER_VALUES) for p in catalogue[name].parameters if draw(st.booleans())}

    def run_parameters(item):
        name, values = item
        try:
            result = run_query(store, catalogue[name], values)
        except QueryError:
            return "QueryError"
        list(result) if isinstance(result, (ox.QuerySolutions, ox.QueryTriples)) else bool(result)
        return "ok"

    def run_sparql(text):
        before = fuzzing.dump(store)
        try:
            result = store.query(text)
            list(result) if isinstance(result, (ox.QuerySolutions, ox.QueryTriples)) else bool(result)
            outcome = "ok"
        except QueryError:
            outcome = "QueryError"
        assert fuzzing.dump(store) == before
        return outcome

    return {
        "cordis-csv": (cordis_csv(), lambda files: fuzzing.ingest_outcome(store, "cordis", _export(work, files))),
        "cordis-json": (fuzzing.cordis_json_files(),
                        lambda files: fuzzing.ingest_outcome(store, "cordis", _export(work, files))),
        "stakeholders-csv": (stakeholder_csv(),
                             lambda data: fuzzing.ingest_outcome(store, "stakeholders", write("sheet.csv", data))),
        "stakeholders-xlsx": (fuzzing.xlsx_files(),
                              lambda data: fuzzing.ingest_outcome(store, "stakeholders", write("sheet.xlsx", data))),
        "rdf": (rdf(), run_rdf),
        "query-parameters": (parameters(), run_parameters),
        "sparql-text": (fuzzing.SPARQL_TEXT, run_sparql),
    }


def _turn(name, run, strategy, args, deadline, tried, outcomes, failures):
    """Return one turn of a target: up to ``args.batch`` inputs, each run and its outcome counted."""

    @settings(max_examples=args.batch, deadline=None, database=None, derandomize=False, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(item=strategy)
    def one(item):
        if time.monotonic() >= deadline:
            return
        tried[name] += 1
        try:
            outcomes[name][run(item)] += 1
        except BaseException as exc:  # the property failed: keep the input
            args.out.mkdir(parents=True, exist_ok=True)
            path = args.out / f"{name}-{len(failures)}.json"
            path.write_text(json.dumps({"target": name, "input": repr(item)[:200_000],
                                        "error": "".join(traceback.format_exception(exc))}))
            failures.append({"target": name, "error": f"{type(exc).__name__}: {exc}"[:300], "saved": str(path)})
            outcomes[name]["FAILED"] += 1

    return one


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="How long to run, in all.")
    parser.add_argument("--targets", default="", help="Comma-separated targets (default: all).")
    parser.add_argument("--out", type=Path, default=REPO / "var" / "fuzz", help="Where failing inputs are saved.")
    parser.add_argument("--seed", type=int, default=None, help="Seed of the campaign (default: random).")
    parser.add_argument("--batch", type=int, default=50, help="Inputs per turn of a target.")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    store = open_store("memory:")
    build(store)
    work = Path(tempfile.mkdtemp(prefix="echos-fuzz-"))
    chosen = targets(store, work)
    if args.targets:
        chosen = {k: v for k, v in chosen.items() if k in args.targets.split(",")}
    tried: collections.Counter[str] = collections.Counter()
    outcomes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    failures: list[dict[str, str]] = []
    generator_errors: collections.Counter[str] = collections.Counter()
    deadline = time.monotonic() + args.seconds
    started = time.monotonic()
    print(f"campaign seed {seed}, {args.seconds:g} s over {', '.join(chosen)}", flush=True)
    while time.monotonic() < deadline:
        for name, (strategy, run) in chosen.items():
            if time.monotonic() >= deadline:
                break

            one = _turn(name, run, strategy, args, deadline, tried, outcomes, failures)
            one._hypothesis_internal_use_seed = rng.randrange(2**32)  # a fresh seed each turn
            try:
                one()
            except Exception as exc:  # hypothesis itself gave up on a turn (a flaky generator): note it, go on
                generator_errors[name] += 1
                print(f"note: a turn of {name} stopped: {type(exc).__name__}: {str(exc)[:200]}", flush=True)
    elapsed = time.monotonic() - started
    shutil.rmtree(work, ignore_errors=True)
    print(f"\n{sum(tried.values())} inputs in {elapsed:.0f} s ({sum(tried.values()) / elapsed:.1f}/s), "
          f"{len(failures)} failure(s)")
    for name in chosen:
        mix = ", ".join(f"{k} {v}" for k, v in sorted(outcomes[name].items()))
        print(f"  {name}: {tried[name]} inputs: {mix}"
              + (f" ({generator_errors[name]} turn(s) stopped by hypothesis)" if generator_errors[name] else ""))
    for failure in failures[:20]:
        print(f"FAILED {failure['target']}: {failure['error']} (input in {failure['saved']})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
