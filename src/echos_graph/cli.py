"""The ``echos-graph`` command: thin doors onto the library.

Each command parses its options, makes one library call and formats the
result.  Errors of :mod:`echos_graph.errors` become messages and exit codes
in one place, :class:`_Group.invoke`.

Exit codes: 0 success; 1 data does not conform to the shapes; 2 bad input
(file, value, query, option); 3 the store cannot be used (missing, locked,
damaged); 4 a remote service failed (endpoint, Java).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import EchosGraphError, NotConformingError, StoreError

EXIT_CODES = """\b
Exit codes:
  0  success (validate: the data conforms)
  1  the data does not conform to the shapes
  2  bad input: a file, value, query or option is wrong
  3  the store cannot be used: missing, locked by a writer, damaged
  4  a remote service failed: SPARQL endpoint, Java for the reasoner
"""


class _Group(click.Group):
    """A click group that maps our errors to messages and exit codes."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NotConformingError as exc:
            click.echo(f"Error: {exc}", err=True)
            if exc.report is not None:
                click.echo(exc.report.text(), err=True)  # type: ignore[attr-defined]
            ctx.exit(exc.exit_code)
        except EchosGraphError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:  # a full disk, a lost mount: the store keeps its last published graph
            click.echo(f"Error: {exc.strerror or exc}; any change in progress was abandoned and the store "
                       "keeps its last published graph", err=True)
            ctx.exit(StoreError.exit_code)


_REMOTE = "echos_graph.remote"


def _remember(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Keep a remote-store option for :func:`_open` (the commands need not pass it along)."""
    ctx.meta.setdefault(_REMOTE, {})[param.name] = value
    return value


def store_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --store and the options of a remote store (--update-url, --gsp-url, --store-user) to a command."""
    options = [
        click.option("--store", "location", envvar="ECHOS_GRAPH_STORE", default="var/graph", show_default=True,
                     help="A store folder, 'memory:' or an http(s):// SPARQL query endpoint (env ECHOS_GRAPH_STORE)."),
        click.option("--update-url", envvar="ECHOS_GRAPH_UPDATE_URL", default=None, expose_value=False,
                     callback=_remember, help="With an http(s) --store: its SPARQL Update endpoint "
                     "(default: the --store URL; env ECHOS_GRAPH_UPDATE_URL)."),
        click.option("--gsp-url", envvar="ECHOS_GRAPH_GSP_URL", default=None, expose_value=False, callback=_remember,
                     help="With an http(s) --store: its Graph Store Protocol endpoint, for fast uploads "
                     "(default: none, uploads go as INSERT DATA; env ECHOS_GRAPH_GSP_URL)."),
        click.option("--store-user", envvar="ECHOS_GRAPH_STORE_USER", default=None, expose_value=False,
                     callback=_remember, help="With an http(s) --store: the user for HTTP Basic or Digest "
                     "authentication (env ECHOS_GRAPH_STORE_USER). The password is read from ECHOS_GRAPH_STORE_PASSWORD "
                     "(a token from ECHOS_GRAPH_STORE_TOKEN), never from the command line."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _remote_options() -> dict[str, Any]:
    """Return the remote-store options given to the running command."""
    from .httpclient import Credentials

    ctx = click.get_current_context(silent=True)
    given = dict(ctx.meta.get(_REMOTE, {})) if ctx is not None else {}
    user = given.pop("store_user", None)
    return {**given, "credentials": Credentials(user) if user else None}


def _open(location: str, *, must_exist: bool = True) -> Any:
    """Open a store, failing with exit code 3 when it holds nothing yet."""
    from .store import open_store

    store = open_store(location, **_remote_options())
    if must_exist and store.is_empty():
        raise StoreError(f"the store at {location} is empty; build it first with 'echos-graph build --store {location}'")
    return store


@click.group(cls=_Group, epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="echos-graph")
def cli() -> None:
    """A knowledge graph of the EU Mission on Cancer stakeholder landscape.

    \b
    Quick start:
      echos-graph build            # ontology + bundled real data -> var/graph
      echos-graph info             # what the graph holds
      echos-graph query hub-sector-coverage --param hub=id:hub/NO
      echos-graph serve            # http://127.0.0.1:5000
    """


@cli.command()
@store_option
@click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of bundled CSV files (default: the data/ that ships with echos-graph).")
def build(location: str, data: Path | None) -> None:
    """Build the graph from the ontology, schemes and bundled real data.

    The data is checked row by row and against ontology/shapes.ttl before
    anything is written; the store changes all at once or not at all.

    \b
    Example:
      echos-graph build --store var/graph
    """
    from .builder import STEPS
    from .builder import build as run_build

    with click.progressbar(length=len(STEPS), label="Building", file=sys.stderr) as bar:
        report = run_build(_open(location, must_exist=False), data, progress=lambda step: bar.update(1))
    click.echo(
        f"Built {report.location}: {report.triples} triples in {report.graphs} named graphs "
        f"from {report.records} records; {report.validation.text()}"
    )
    if report.twins:
        sources = sorted({t.other_graph.rsplit("/graph/", 1)[-1].split("/", 1)[0] for t in report.twins})
        click.echo(f"Warning: {len(report.twins)} bundled organisation(s) stand as separate nodes of "
                   f"{', '.join(sources)}, ingested before they were added to data/:", err=True)
        for twin in report.twins[:10]:
            click.echo(f"  {twin.iri} = {twin.other} (same {twin.rule}: {twin.key})", err=True)
        if len(report.twins) > 10:
            click.echo(f"  and {len(report.twins) - 10} more", err=True)
        click.echo("Ingest those sources again (same command, same --name) to merge them into one node each.",
                   err=True)


@cli.command()
@store_option
@click.argument("kind", type=click.Choice(["cordis", "stakeholders", "rdf", "sparql"]))
@click.argument("source")
@click.option("--name", default=None,
              help="Source name (default: KIND-FILE). Ingesting again under a name replaces that source.")
@click.option("--verification", type=click.Choice(["confirmed", "probable", "inferred", "unverified"]), default=None,
              help="Verification status of the source's facts (default: confirmed for cordis, unverified for rdf "
                   "and sparql; refused for stakeholders, whose rows state their own).")
@click.option("--source-url", "source_urls", multiple=True,
              help="Where the source came from, recorded as its provenance (repeatable).")
@click.option("--query", "query_name", default=None,
              help="sparql only: the CONSTRUCT query, a name from queries/ or a .rq file.")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=None,
              help="sparql only: seconds the endpoint may take for its whole answer (default 60).")
@click.option("--allow-warnings", is_flag=True, help="Publish even if shapes of severity Warning fail.")
@click.option("--warm/--no-warm", default=True, show_default=True,
              help="After publishing, read the network for the analyses into the cache in a background process "
                   "(also off with ECHOS_GRAPH_WARM_CACHE=0).")
def ingest(location: str, kind: str, source: str, name: str | None, verification: str | None,
           source_urls: tuple[str, ...], query_name: str | None, timeout: float | None, allow_warnings: bool,
           warm: bool) -> None:
    """Ingest a SOURCE of the given KIND, replacing any earlier version of it.

    \b
    KIND is one of:
      cordis        a CORDIS bulk export: folder or zip with project.csv and organization.csv
                    (or project.json and organization.json, the JSON export)
      stakeholders  a hub planner's spreadsheet (.csv or .xlsx; see 'echos-graph template stakeholders')
      rdf           an RDF file: Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML
      sparql        a remote SPARQL endpoint URL, asked with a CONSTRUCT query (--query)

    Organisations are matched to those already in the graph (by PIC, ROR id,
    then name and country). The source is checked against the shapes and
    published all at once: on any error the store is left as it was.
    Exit codes: 1 the source breaks the shapes, 2 bad input, 3 store locked
    or damaged, 4 the remote endpoint failed.

    \b
    Examples:
      echos-graph ingest cordis ~/Downloads/cordis-HORIZONprojects-csv.zip
      echos-graph ingest stakeholders hub-norway.xlsx --name hub-norway
      echos-graph ingest rdf partners.ttl --verification probable --source-url https://example.org/partners
      echos-graph ingest sparql http://127.0.0.1:5000/sparql --query construct-hubs
    """
    from .ingest import ingest_source

    options: dict[str, Any] = {}
    if verification:
        options["verification"] = verification
    if source_urls:
        options["source_urls"] = tuple(source_urls)
    if query_name:
        options["query"] = query_name
    if timeout is not None:
        if kind != "sparql":
            raise click.UsageError("--timeout is for 'ingest sparql' only")
        options["timeout"] = timeout
    store = _open(location, must_exist=False)
    with _progress(f"Reading {kind}") as update:
        report = ingest_source(store, kind, source, name=name, allow_warnings=allow_warnings,
                               progress=update, options=options)
    click.echo(
        f"Ingested {report.source}: {report.records} records, {report.triples} triples in {report.graph}; "
        f"{report.matches} organisation(s) matched to other sources; {report.validation.text().splitlines()[0]}"
    )
    if warm and getattr(store, "current_generation", None) is not None:
        from .analysis.warm import start_warming

        pid = start_warming(str(store.location))
        if pid is not None:
            click.echo(f"Reading the network for the analyses into the cache in the background (pid {pid}).",
                       err=True)


@contextlib.contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """Yield a progress callback that draws a bar on a terminal and stays silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


@cli.command()
@click.argument("kind", type=click.Choice(["stakeholders"]))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None,
              help="csv or xlsx (default: from the --output suffix, else csv).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: KIND-template.FORMAT in the current folder).")
def template(kind: str, fmt: str | None, output: Path | None) -> None:
    """Write a documented template of a source KIND, with an example row.

    \b
    Example:
      echos-graph template stakeholders --format xlsx -o hub-norway.xlsx
      echos-graph ingest stakeholders hub-norway.xlsx
    """
    from .ingest.stakeholders import write_template

    if fmt is None:
        fmt = "xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "csv"
    path = write_template(output or Path(f"{kind}-template.{fmt}"), fmt)
    click.echo(f"Wrote {path}; the columns are explained in docs/STAKEHOLDERS.md")


@cli.command()
@store_option
@click.option("--hub", default=None, help="One hub (id:hub/NO, a full IRI) or a country without a hub (FR).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]), default="table", show_default=True)
@click.option("--profile", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="File listing the required sectors (notations or labels); default: the whole sector scheme.")
@click.option("--recommend", "with_recommendations", is_flag=True,
              help="With --hub: candidate organisations for each missing sector, ranked, with reasons.")
@click.option("--per-sector", default=5, show_default=True, type=click.IntRange(1, 100),
              help="Candidates per missing sector.")
@click.option("--by-sector", is_flag=True, help="One row per hub and sector (present or missing).")
@click.option("--without-hub", is_flag=True, help="List the Member States and Associated Countries with no hub.")
@click.option("--no-cache", is_flag=True, help="Read the network from the store even if a cached copy exists.")
def gaps(location: str, hub: str | None, fmt: str, profile: Path | None, with_recommendations: bool,
         per_sector: int, by_sector: bool, without_hub: bool, no_cache: bool) -> None:
    """Show each hub's sector gaps: sectors present and missing, coverage, diversity, collaboration.

    With --recommend (and --hub), list real organisations that could fill each
    missing sector: same country first, ranked by links to the hub's members,
    centrality and shared Mission themes, each with its reason.

    \b
    Examples:
      echos-graph gaps
      echos-graph gaps --hub id:hub/NO --recommend
      echos-graph gaps --without-hub --format csv > countries-without-hub.csv
    """
    import json

    from .analysis import (
        countries_without_hub,
        hub_gaps,
        load_network,
        load_profile,
        recommend,
        render,
        render_rows,
    )

    if with_recommendations and not hub:
        raise click.UsageError("--recommend needs --hub, e.g. --hub id:hub/NO")
    net = load_network(_open(location), cache=not no_cache)
    required = load_profile(profile, net.sectors) if profile else None
    if without_hub:
        click.echo(render(countries_without_hub(net), fmt))
        return
    found = hub_gaps(net, hub=hub, required=required)
    if by_sector:
        click.echo(render_rows([row for gap in found for row in gap.sector_rows()], fmt))
        return
    if not with_recommendations:
        click.echo(render(found, fmt))
        return
    recs = recommend(net, hub, per_sector=per_sector, required=required)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(json.dumps({"gaps": [g.to_dict() for g in found], "recommendations": [r.to_dict() for r in recs]},
                              indent=2, ensure_ascii=False))
    elif fmt == "csv":  # one table only: CSV cannot hold two
        click.echo(render(recs, fmt))
    else:
        click.echo(render(found, fmt) + "\n\n" + render(recs, fmt))


@cli.command()
@store_option
@click.option("--table", "table", type=click.Choice(["summary", "nodes", "communities", "sector_mixing",
                                                     "country_mixing", "brokers"]), default="summary",
              show_default=True, help="Which table to show (json shows them all).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]), default="table", show_default=True)
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 100000), help="Rows of ranked tables.")
@click.option("--seed", default=42, show_default=True, help="Seed of the community detection and sampling.")
@click.option("--store-results", "keep", is_flag=True,
              help="Also write every hub's gaps, scores and recommendations into the graph (see store-results).")
def analyse(location: str, table: str, fmt: str, top: int, seed: int, keep: bool) -> None:
    """Network measures of the co-participation graph: centralities, brokers, communities, mixing.

    Degree and strength, betweenness, PageRank, k-core, Burt's constraint and
    effective size, brokerage between sectors, countries and hubs, Louvain and
    Leiden communities with consensus and modularity, sector assortativity and
    E-I index, cross-border brokers. Each result says which method computed it.
    Every organisation's measures are kept for the store's current generation,
    so that the web pages show them (until the next ingest).

    \b
    Examples:
      echos-graph analyse
      echos-graph analyse --table brokers --top 10
      echos-graph analyse --format json > analysis.json
    """
    import json

    from .analysis import analyse as run_analysis
    from .analysis import (
        co_participation_graph,
        load_network,
        render_rows,
        store_hub_results,
    )
    from .analysis.measures import keep_measures

    store = _open(location)
    net = load_network(store)
    result = run_analysis(co_participation_graph(net), seed=seed, top=top)
    keep_measures(store, result)  # the web pages show them until the next ingest
    if keep:
        graph, _ = store_hub_results(store, net, version=__version__)
        click.echo(f"Stored the hubs' gaps and recommendations in {graph}", err=True)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(render_rows(result.to_rows(table, top=top) if table != "summary" else result.to_rows(table), fmt))


@cli.command(name="synergies")
@store_option
@click.option("--method", type=click.Choice(["adamic_adar", "resource_allocation", "jaccard", "community"]),
              default="adamic_adar", show_default=True)
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 10000))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "md"]), default="table", show_default=True)
def synergies_command(location: str, method: str, top: int, fmt: str) -> None:
    """Pairs of organisations that do not work together yet but share partners: who to introduce.

    Ranked by link prediction (Adamic-Adar, resource allocation, Jaccard, or a
    community-aware variant), each with the shared partners and initiatives.

    \b
    Example:
      echos-graph synergies --method resource_allocation --top 10
    """
    import json

    from .analysis import co_participation_graph, load_network, render_rows
    from .analysis.synergies import synergies

    net = load_network(_open(location))
    labels = {iri: initiative.label for iri, initiative in net.initiatives.items()}
    found = synergies(co_participation_graph(net), method=method, top=top, initiative_labels=labels)
    if fmt == "json":
        click.echo(json.dumps([s.to_dict() for s in found], indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(render_rows([s.to_row() for s in found], fmt))


@cli.command()
@store_option
@click.argument("kind", type=click.Choice(["coverage", "degrees", "ego"]))
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The picture to write: .png or .svg.")
@click.option("--hub", default=None, help="The hub (id:hub/NO): needed for ego, optional for coverage.")
def plot(location: str, kind: str, out: Path, hub: str | None) -> None:
    """Draw a picture: the hub x sector coverage heatmap, the degree distribution, or a hub's ego network.

    \b
    Examples:
      echos-graph plot coverage --out coverage.png
      echos-graph plot ego --hub id:hub/NO --out norway.svg
      echos-graph plot degrees --out degrees.png
    """
    from .analysis import load_network
    from .analysis import plot as draw

    path = draw(kind, load_network(_open(location)), out, hub=hub)
    click.echo(f"Wrote {path}")


@cli.command(name="store-results")
@store_option
@click.option("--hub", default=None, help="Only this hub (default: every hub).")
@click.option("--per-sector", default=5, show_default=True, type=click.IntRange(1, 100))
def store_results_command(location: str, hub: str | None, per_sector: int) -> None:
    """Write the gaps and recommendations into the graph as W3C Data Cube observations.

    They go into a named graph of their own (id:graph/analysis/RUN), described
    with PROV-O (software version and parameters), so they can be queried with
    SPARQL: 'echos-graph query analysis-results'. Running again with the same
    parameters replaces that run's graph.

    \b
    Example:
      echos-graph store-results && echos-graph query analysis-results -p hub=id:hub/NO
    """
    from .analysis import load_network, store_hub_results

    store = _open(location)
    graph, count = store_hub_results(store, load_network(store), hub=hub, per_sector=per_sector, version=__version__)
    click.echo(f"Stored the results of {count} hub(s) and countries in {graph}")


@cli.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def info(location: str, fmt: str) -> None:
    """Show what the graph holds: triples per source and named graph, instances per class.

    \b
    Example:
      echos-graph info --format json
    """
    from .info import summarise

    summary = summarise(_open(location))
    click.echo(summary.to_json() if fmt == "json" else summary.text())


@cli.command()
@store_option
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(location: str, file: Path | None) -> None:
    """Validate the store, or an RDF FILE, against the SHACL shapes.

    Exit code 0 when the data conforms, 1 when it does not (each violation is
    listed), 2 when the file cannot be read.

    \b
    Examples:
      echos-graph validate
      echos-graph validate my-stakeholders.ttl
    """
    from .validate import validate_file, validate_store

    report = validate_file(file) if file else validate_store(_open(location))
    click.echo(report.text())
    if not report.conforms:
        sys.exit(NotConformingError.exit_code)


@cli.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def check(location: str, fmt: str) -> None:
    """Check that the store can be used: it opens, it is whole, its data meets the shapes.

    Verifies that the CURRENT generation exists and opens, reads every quad
    of it, counts triples and named graphs per source, and runs the fast
    SHACL gate over the whole store. Run it after a crash, a full disk or a
    restore. Exit code 0 when all is well, 1 when the data breaks the
    shapes, 3 when the store is missing or damaged.

    \b
    Example:
      echos-graph check --store var/graph --format json
    """
    from .integrity import check_integrity

    report = check_integrity(location)
    click.echo(report.to_json() if fmt == "json" else report.text())
    if report.exit_code:
        sys.exit(report.exit_code)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    """Turn KEY=VALUE strings into a dict."""
    params = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        params[key.strip()] = value
    return params


@cli.command()
@store_option
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the query, bound as a typed value (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"]),
              default="table", show_default=True,
              help="table, csv, tsv, json, xml for SELECT/ASK; ttl, nt, jsonld for CONSTRUCT.")
def query(location: str, query: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a saved QUERY (a name from queries/) or a .rq file.

    Parameters are bound by the SPARQL engine, never pasted into the text.
    IRIs may be written with the id:, echo:, org: ... prefixes. List the
    saved queries with 'echos-graph queries'.

    \b
    Examples:
      echos-graph query hub-sector-coverage --param hub=id:hub/NO
      echos-graph query fact-provenance -p subject=id:hub/PL --format json
      echos-graph query my-question.rq --format csv > answer.csv
    """
    from .queries import run_query
    from .results import serialize_result, to_table

    result = run_query(_open(location), query, _parse_params(params))
    if fmt == "table":
        click.echo(to_table(result))
    else:
        sys.stdout.buffer.write(serialize_result(result, fmt))
        sys.stdout.buffer.flush()


@cli.command(name="queries")
def list_queries() -> None:
    """List the saved queries with their titles and parameters.

    \b
    Example:
      echos-graph queries
    """
    from .queries import load_catalogue

    for name, saved in load_catalogue().items():
        params = ", ".join(f"{p.name} ({p.type}{'' if p.required else ', optional'})" for p in saved.parameters)
        click.echo(f"{name}: {saved.title}" + (f"  [params: {params}]" if params else ""))


@cli.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]),
              default="trig", show_default=True,
              help="nq, trig and jsonld keep the named graphs; ttl, nt and rdfxml merge them.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="File to write (default: standard output).")
def export(location: str, fmt: str, output: Path | None) -> None:
    """Dump the whole store in an RDF format.

    \b
    Examples:
      echos-graph export --format nq -o graph.nq
      echos-graph export --format ttl > graph.ttl
    """
    from .export import export_store

    store = _open(location)
    if output is None:
        export_store(store, sys.stdout.buffer, fmt)
        return
    export_store(store, output, fmt)
    click.echo(f"Wrote {output}", err=True)


@cli.command(name="export-network")
@store_option
@click.option("--view", type=click.Choice(["co-participation", "organisation-initiative"]), default="co-participation",
              show_default=True, help="Organisations linked by shared initiatives, or organisations and initiatives.")
@click.option("--format", "fmt", type=click.Choice(["gexf", "graphml", "vosviewer", "nodes-csv", "edges-csv"]),
              default="gexf", show_default=True, help="GEXF for Gephi, GraphML, VOSviewer JSON, or CSV of nodes or ties.")
@click.option("--sector", "sectors", multiple=True, metavar="CODE", help="Keep this sector (GOV, RES ...; none). Repeatable.")
@click.option("--country", "countries", multiple=True, metavar="CODE", help="Keep this country (NO, DE ...; none). Repeatable.")
@click.option("--hub", "hubs", multiple=True, metavar="IRI", help="Keep members of this hub (id:hub/NO). Repeatable.")
@click.option("--initiative", "initiatives", multiple=True, metavar="IRI",
              help="Keep this initiative and who takes part in it. Repeatable.")
@click.option("--community", "communities", multiple=True, type=int, metavar="N",
              help="Keep this community (numbered as in data.json, from 0). Repeatable.")
@click.option("--min-weight", type=click.FloatRange(min=0), default=0.0, help="Keep ties of at least this weight.")
@click.option("--min-count", type=click.IntRange(min=0), default=0, help="Keep ties of at least this many shared initiatives.")
@click.option("--hide-isolates", is_flag=True, help="Leave out nodes left without a tie.")
@click.option("--color", type=click.Choice(["sector", "country", "community"]), default="sector", show_default=True,
              help="What the GEXF node colours follow.")
@click.option("--size", type=click.Choice(["degree", "strength", "betweenness", "pagerank"]), default="degree",
              show_default=True, help="What the GEXF node sizes follow.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="File to write (default: standard output).")
def export_network_command(location: str, view: str, fmt: str, sectors: tuple[str, ...], countries: tuple[str, ...],
                           hubs: tuple[str, ...], initiatives: tuple[str, ...], communities: tuple[int, ...],
                           min_weight: float, min_count: int, hide_isolates: bool, color: str, size: str,
                           output: Path | None) -> None:
    """Export the network explorer's view, filtered as the page at /network filters it.

    The nodes carry their layout, sector, country, hubs, community and
    centralities; GEXF also the colours and sizes of the page. The first
    export of a store generation computes the view (and keeps it for the
    web page too).

    \b
    Examples:
      echos-graph export-network -o network.gexf
      echos-graph export-network --format vosviewer --sector GOV --sector RES -o gov-res.json
      echos-graph export-network --view organisation-initiative --hub id:hub/NO --format graphml -o no.graphml
    """
    from .analysis.explorer import ExplorerFilter
    from .export import export_network

    flt = ExplorerFilter.from_params({
        "sector": list(sectors), "country": list(countries), "hub": list(hubs), "initiative": list(initiatives),
        "community": [str(c) for c in communities], "min_weight": str(min_weight), "min_count": str(min_count),
        "hide_isolates": "1" if hide_isolates else "0",
    })
    body = export_network(_open(location), fmt, view=view, flt=flt, color=color, size=size)
    if output is None:
        sys.stdout.buffer.write(body)
        return
    output.write_bytes(body)
    click.echo(f"Wrote {output}", err=True)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("var/docs"), show_default=True,
              help="Folder to write the HTML documentation into.")
def docs(out: Path) -> None:
    """Write HTML documentation of the ontology and the SKOS schemes (pyLODE).

    The web app serves the same pages at /ontology.

    \b
    Example:
      echos-graph docs --out var/docs
    """
    from .ontology import write_docs

    for path in write_docs(out):
        click.echo(str(path))


@cli.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Worker processes, each running one request at a time (default: 4).")
@click.option("--query-timeout", envvar="ECHOS_GRAPH_QUERY_TIMEOUT", default=30, show_default=True,
              type=click.FloatRange(0.1, 3600),
              help="Seconds a query or update may run; then the client gets a 503 and the worker is replaced.")
@click.option("--max-result-rows", type=click.IntRange(1), default=None,
              help="Most rows or triples in one answer (default: MAX_RESULT_ROWS, 10000); page=N pages beyond.")
@click.option("--update-token-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="File holding the bearer token that turns on SPARQL Update and Graph Store writes "
                   "(or set ECHOS_GRAPH_UPDATE_TOKEN). Without one the endpoint is read-only.")
def serve(location: str, host: str, port: int, workers: int | None, query_timeout: float,
          max_result_rows: int | None, update_token_file: Path | None) -> None:
    """Serve the web app and the SPARQL endpoint with a production server (gunicorn).

    /sparql answers SPARQL 1.1 queries (GET, POST) for anyone; updates and
    /rdf-graph-store writes only with the bearer token, when one is set.

    \b
    Example:
      echos-graph serve --port 5000      # then open http://127.0.0.1:5000
      curl 'http://127.0.0.1:5000/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D'
      echos-graph serve --update-token-file /etc/echos-graph/token --query-timeout 10
    """
    from .store import EmbeddedStore, open_store
    from .web.server import DEFAULT_WORKERS, run_server

    store = open_store(location, **_remote_options())
    # Only read the pointer file here: a RocksDB database opened in gunicorn's master
    # leaves its forked workers with background threads that do not exist, and their
    # writes (updates, Graph Store) would wait for them forever.
    empty = store.current_generation() is None if isinstance(store, EmbeddedStore) else store.is_empty()
    if empty:
        raise StoreError(f"the store at {location} is empty; build it first with 'echos-graph build --store {location}'")
    settings: dict[str, object] = {}
    if max_result_rows is not None:
        settings["MAX_RESULT_ROWS"] = max_result_rows
    if update_token_file is not None:
        token = update_token_file.read_text(encoding="utf-8").strip()
        if not token:
            raise click.BadParameter(f"{update_token_file} is empty; put the token in it", param_hint="--update-token-file")
        settings["UPDATE_TOKEN"] = token
    remote = _remote_options()
    for name, key in (("UPDATE_URL", "update_url"), ("GSP_URL", "gsp_url")):
        if remote.get(key):
            settings[name] = remote[key]
    if remote.get("credentials"):
        settings["STORE_USER"] = remote["credentials"].user
    writes = "on (bearer token)" if settings.get("UPDATE_TOKEN") or os.environ.get("ECHOS_GRAPH_UPDATE_TOKEN") else "off"
    click.echo(f"Serving {location} at http://{host}:{port}/ (SPARQL endpoint: /sparql; writes {writes})", err=True)
    run_server(location, host=host, port=port, workers=workers or DEFAULT_WORKERS, timeout=query_timeout,
               settings=settings)


def main() -> None:
    """Run the command (the console-script entry point)."""
    cli(prog_name="echos-graph")


if __name__ == "__main__":  # pragma: no cover
    main()
