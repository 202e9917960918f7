"""Analysis results as data in the graph: W3C Data Cube observations described with PROV-O.

The hub gaps and the gap-filling recommendations of one analysis run become
observations of the RDF Data Cube vocabulary [1]_, in a named graph of their
own, ``id:graph/analysis/{run_id}``, so that policy researchers can query
them with SPARQL (``queries/analysis-results.rq``). The run id is a hash of
the parameters, so running the same analysis again replaces its graph.

Each run has two ``qb:DataSet`` s, each with its structure definition:

- ``id:analysis/{run_id}/coverage``: dimensions hub x sector x measure
  (``qb:measureType``); the measures ``id:measure/member-count`` and
  ``id:measure/covered`` (1 or 0) per hub and sector, and
  ``id:measure/coverage``, ``id:measure/evenness``, ``id:measure/simpson``
  and ``id:measure/member-count`` per hub, whose sector is then the whole
  sector scheme ``id:sector`` (the "all sectors" total);
- ``id:analysis/{run_id}/recommendations``: dimensions hub x sector x
  candidate x measure, the measure ``id:measure/recommendation-score`` with
  the attribute ``id:analysis/attribute/rank``.

Dimension values are IRIs (``id:hub/NO``, ``id:sector/REG``, the candidate
organisation); each measure is an IRI ``id:measure/{name}`` with an
``rdfs:label``, and, as the measure-dimension pattern of Data Cube asks, the
value is the object of that measure property. The run is a
``prov:Activity`` associated with the software agent ``echos-graph
{version}``; it ``prov:used`` one entity per parameter (``rdfs:label`` the
name, ``prov:value`` the value) and its ``dcterms:description`` lists them
all. No wall-clock time is recorded, so the same input gives the same quads.

References
----------
.. [1] R. Cyganiak and D. Reynolds (eds.), "The RDF Data Cube Vocabulary",
   W3C Recommendation, 16 January 2014. https://www.w3.org/TR/vocab-data-cube/
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from ..namespaces import DCTERMS, PROV, RDF, RDFS, XSD, graph_iri, id_iri
from ..store import GraphStore
from .gaps import HubGap, hub_gaps
from .projection import Network
from .recommend import SectorRecommendations, recommend

__all__ = ["MEASURES", "QB", "analysis_run_id", "results_quads", "store_hub_results", "store_results"]

#: The W3C Data Cube namespace.
QB = "http://purl.org/linked-data/cube#"

#: Measure name (the last segment of ``id:measure/{name}``) to its label.
MEASURES: dict[str, str] = {
    "member-count": "number of hub members (in the sector, or in all sectors)",
    "covered": "sector covered by at least one hub member (1) or not (0)",
    "coverage": "share of the required sectors the hub covers",
    "evenness": "Pielou's evenness of the members over sectors",
    "simpson": "Simpson's diversity (1 - sum p^2) of the members over sectors",
    "recommendation-score": "score of a candidate organisation for a sector the hub misses",
}

_DIMENSIONS = {
    "hub": "hub (or country with no hub)",
    "sector": "stakeholder sector (id:sector for all sectors)",
    "candidate": "candidate organisation recommended to fill the sector",
}


def _n(iri: str) -> ox.NamedNode:
    """Return the named node of ``iri``."""
    return ox.NamedNode(str(iri))


def _lit(value: object, datatype: object | None = None) -> ox.Literal:
    """Return a literal, typed when ``datatype`` is given."""
    return ox.Literal(str(value), datatype=_n(str(datatype))) if datatype is not None else ox.Literal(str(value))


def _number(value: float) -> ox.Literal:
    """Return an xsd:integer for ints (and bools), an xsd:double otherwise."""
    if isinstance(value, (bool, int)):
        return _lit(int(value), XSD.integer)
    return _lit(repr(float(value)), XSD.double)


_A = _n(str(RDF.type))
_LABEL = _n(str(RDFS.label))


def _key(text: str) -> str:
    """Return a short stable hash of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _canonical(parameters: Mapping[str, str]) -> str:
    """Return the parameters as 'name=value' pairs, sorted, joined with '; '."""
    return "; ".join(f"{k}={parameters[k]}" for k in sorted(parameters))


def analysis_run_id(parameters: Mapping[str, str]) -> str:
    """Return the id of the analysis run with these parameters: a hash of them, order-free.

    Examples
    --------
    >>> analysis_run_id({"per_sector": "5", "required": "all"}) == analysis_run_id({"required": "all", "per_sector": "5"})
    True
    >>> len(analysis_run_id({}))
    16
    """
    return _key(_canonical(parameters))


def _structure(name: str, dimensions: Sequence[str], attributes: Sequence[str]) -> list[tuple]:
    """Return the triples of a qb:DataStructureDefinition (shared by every run)."""
    dsd = _n(id_iri("analysis", "structure", name))
    triples: list[tuple] = [(dsd, _A, _n(QB + "DataStructureDefinition"))]
    for order, dim in enumerate(dimensions, start=1):
        prop = _n(QB + "measureType") if dim == "measureType" else _n(id_iri("analysis", "dimension", dim))
        spec = _n(id_iri("analysis", "structure", name, dim))
        triples += [(dsd, _n(QB + "component"), spec), (spec, _n(QB + "dimension"), prop),
                    (spec, _n(QB + "order"), _lit(order, XSD.integer))]
        if dim != "measureType":
            triples += [(prop, _A, _n(QB + "DimensionProperty")), (prop, _LABEL, _lit(_DIMENSIONS[dim]))]
    for attr in attributes:
        prop = _n(id_iri("analysis", "attribute", attr))
        spec = _n(id_iri("analysis", "structure", name, attr))
        triples += [(dsd, _n(QB + "component"), spec), (spec, _n(QB + "attribute"), prop),
                    (spec, _n(QB + "componentRequired"), _lit("true", XSD.boolean)),
                    (prop, _A, _n(QB + "AttributeProperty")), (prop, _LABEL, _lit(attr))]
    measures = ("recommendation-score",) if name == "recommendations" else tuple(m for m in MEASURES
                                                                                 if m != "recommendation-score")
    for measure in measures:
        spec = _n(id_iri("analysis", "structure", name, measure))
        triples += [(dsd, _n(QB + "component"), spec), (spec, _n(QB + "measure"), _n(id_iri("measure", measure)))]
    return triples


def results_quads(gaps: Iterable[HubGap], recommendations: Iterable[SectorRecommendations], *, run_id: str,
                  parameters: Mapping[str, str], version: str) -> list[ox.Quad]:
    """Return the hub gaps and recommendations of one run as Data Cube observations with their PROV-O run.

    Parameters
    ----------
    gaps : iterable of HubGap
        From :func:`~echos_graph.analysis.gaps.hub_gaps`.
    recommendations : iterable of SectorRecommendations
        From :func:`~echos_graph.analysis.recommend.recommend` (for any hubs).
    run_id : str
        The run's id, the last segment of its graph ``id:graph/analysis/{run_id}``
        (see :func:`analysis_run_id`).
    parameters : mapping of str to str
        The analysis parameters, recorded as literals.
    version : str
        The echos-graph version that computed the results.

    Returns
    -------
    list of pyoxigraph.Quad
        All in the graph ``id:graph/analysis/{run_id}``, in a fixed order.

    Examples
    --------
    >>> quads = results_quads([], [], run_id="r1", parameters={"k": "v"}, version="1.0")
    >>> {q.graph_name.value for q in quads}
    {'https://w3id.org/echos-graph/id/graph/analysis/r1'}
    """
    graph = _n(graph_iri("analysis", run_id))
    activity = _n(id_iri("analysis", run_id))
    software = _n(f"https://w3id.org/echos-graph/software/{version}")
    coverage_ds = _n(id_iri("analysis", run_id, "coverage"))
    recommend_ds = _n(id_iri("analysis", run_id, "recommendations"))
    dim = {d: _n(id_iri("analysis", "dimension", d)) for d in _DIMENSIONS}
    measure_type, dataset, observation = _n(QB + "measureType"), _n(QB + "dataSet"), _n(QB + "Observation")
    generated = _n(str(PROV.wasGeneratedBy))

    t: list[tuple] = [
        (graph, generated, activity),
        (activity, _A, _n(str(PROV.Activity))),
        (activity, _LABEL, _lit(f"echos-graph analysis run {run_id}")),
        (activity, _n(str(DCTERMS.description)), _lit(_canonical(parameters))),
        (activity, _n(str(PROV.wasAssociatedWith)), software),
        (software, _A, _n(str(PROV.SoftwareAgent))),
        (software, _LABEL, _lit(f"echos-graph {version}")),
    ]
    for name in sorted(parameters):
        param = _n(id_iri("analysis", run_id, "parameter", name))
        t += [(activity, _n(str(PROV.used)), param), (param, _A, _n(str(PROV.Entity))),
              (param, _LABEL, _lit(name)), (param, _n(str(PROV.value)), _lit(parameters[name]))]
    for ds, name, title in ((coverage_ds, "coverage", "hub sector coverage"),
                            (recommend_ds, "recommendations", "gap-filling recommendations")):
        t += [(ds, _A, _n(QB + "DataSet")), (ds, _LABEL, _lit(f"{title} (run {run_id})")),
              (ds, _n(QB + "structure"), _n(id_iri("analysis", "structure", name))), (ds, generated, activity)]
    t += _structure("coverage", ("hub", "sector", "measureType"), ())
    t += _structure("recommendations", ("hub", "sector", "candidate", "measureType"), ("rank",))
    for name, label in MEASURES.items():
        m = _n(id_iri("measure", name))
        t += [(m, _A, _n(QB + "MeasureProperty")), (m, _LABEL, _lit(label))]

    def observe(ds: ox.NamedNode, keys: Sequence[str], hub: str, sector: ox.NamedNode, measure: str,
                value: float, extra: Sequence[tuple] = ()) -> None:
        obs = _n(id_iri("analysis", run_id, "observation", _key("\n".join([*keys, measure]))))
        t.extend([(obs, _A, observation), (obs, dataset, ds), (obs, dim["hub"], _n(hub)),
                  (obs, dim["sector"], sector), (obs, measure_type, _n(id_iri("measure", measure))),
                  (obs, _n(id_iri("measure", measure)), _number(value)), *((obs, p, o) for p, o in extra)])

    all_sectors = _n(id_iri("sector"))
    for gap in gaps:
        for s in sorted(set(gap.required) | set(gap.sectors_present)):
            sector = _n(id_iri("sector", s))
            count = len(gap.sectors_present.get(s, ()))
            observe(coverage_ds, (gap.subject, s), gap.subject, sector, "member-count", count)
            observe(coverage_ds, (gap.subject, s), gap.subject, sector, "covered", int(count > 0))
        observe(coverage_ds, (gap.subject, ""), gap.subject, all_sectors, "member-count", len(gap.members))
        for name, value in (("coverage", gap.coverage), ("evenness", gap.evenness), ("simpson", gap.simpson)):
            if value is not None:
                observe(coverage_ds, (gap.subject, ""), gap.subject, all_sectors, name, float(value))
    rank = _n(id_iri("analysis", "attribute", "rank"))
    for rec in recommendations:
        for c in rec.candidates:
            observe(recommend_ds, (rec.hub, rec.sector, c.organisation), rec.hub, _n(id_iri("sector", rec.sector)),
                    "recommendation-score", float(c.score),
                    ((dim["candidate"], _n(c.organisation)), (rank, _lit(c.rank, XSD.integer))))
    seen: set[tuple] = set()
    quads = []
    for s, p, o in t:
        if (s, p, o) not in seen:
            seen.add((s, p, o))
            quads.append(ox.Quad(s, p, o, graph))
    return quads


def store_results(store: GraphStore, gaps: Iterable[HubGap], recommendations: Iterable[SectorRecommendations], *,
                  parameters: Mapping[str, str], version: str) -> str:
    """Publish the results of one analysis run in the store, replacing an earlier run with the same parameters.

    Parameters
    ----------
    store : GraphStore
    gaps, recommendations, parameters, version
        As :func:`results_quads` takes them; the run id is :func:`analysis_run_id` of ``parameters``.

    Returns
    -------
    str
        The IRI of the run's named graph, ``id:graph/analysis/{run_id}``.
    """
    rid = analysis_run_id(parameters)
    quads = results_quads(gaps, recommendations, run_id=rid, parameters=parameters, version=version)
    graph = graph_iri("analysis", rid)
    with store.transaction() as tx:
        tx.drop_graphs_under(graph)
        tx.add(quads)
    return graph


def store_hub_results(store: GraphStore, net: Network, *, hub: str | None = None, per_sector: int = 5,
                      version: str) -> tuple[str, int]:
    """Compute the gaps and recommendations of every hub (or one) and publish them as one run.

    Parameters
    ----------
    store : GraphStore
        Where to publish.
    net : Network
        The network of ``store`` (:func:`~echos_graph.analysis.projection.load_network`).
    hub : str, optional
        Only this hub.
    per_sector : int
        Candidates per missing sector.
    version : str
        The echos-graph version, recorded with the run.

    Returns
    -------
    tuple of (str, int)
        The run's named graph and the number of hubs and countries reported.
    """
    found = hub_gaps(net, hub=hub)
    recs = [r for gap in found if gap.kind == "hub" for r in recommend(net, gap.subject, per_sector=per_sector)]
    graph = store_results(store, found, recs, parameters={"hub": hub or "all", "per_sector": str(per_sector)},
                          version=version)
    return graph, len(found)
