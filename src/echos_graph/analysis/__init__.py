"""Network analyses of the stakeholder graph: pure functions, a graph (or a store) in, plain data out.

- :mod:`~echos_graph.analysis.projection`: the graph as a :class:`Network` of
  plain dicts, and its NetworkX projections (the one place RDF becomes
  NetworkX);
- :mod:`~echos_graph.analysis.gaps`: hub sector gaps, diversity, theme
  coverage, whether a hub's members collaborate; countries with no hub;
- :mod:`~echos_graph.analysis.diversity`: Shannon, Pielou and Simpson;
- :mod:`~echos_graph.analysis.profile`: required-sector profiles;
- :mod:`~echos_graph.analysis.recommend`: ranked candidates, with reasons,
  for each sector a hub misses;
- :mod:`~echos_graph.analysis.network`: centralities, k-cores, structural
  holes, brokerage, communities, sector mixing, cross-border brokers;
- :mod:`~echos_graph.analysis.synergies`: organisations to introduce, with
  the evidence;
- :mod:`~echos_graph.analysis.plots` and
  :mod:`~echos_graph.analysis.results_rdf`: pictures, and results stored as
  RDF Data Cube observations;
- :mod:`~echos_graph.analysis.entities`: one organisation, initiative,
  country or sector seen through the network (hubs, initiatives, partners),
  and the organisations a page at a time;
- :mod:`~echos_graph.analysis.measures`: every organisation's network
  measures kept per store generation, and a cheap network summary;
- :mod:`~echos_graph.analysis.explorer` and :mod:`~echos_graph.analysis.layout`:
  what the network explorer draws (a view with positions, communities and
  centralities) and the filters it applies (the layout function stays
  ``echos_graph.analysis.layout.layout``: the module's name);
- :mod:`~echos_graph.analysis.cache`: derived data kept per store generation;
- :mod:`~echos_graph.analysis.formatting`: results as a table, CSV,
  Markdown or JSON.

The CLI, the web pages and the JSON API call these same functions.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .cache import cache_folder
from .diversity import pielou_evenness, shannon_entropy, simpson_diversity
from .entities import (
    CountryNeighbourhood,
    InitiativeNeighbourhood,
    Named,
    OrganisationNeighbourhood,
    OrganisationPage,
    SectorNeighbourhood,
    country_neighbourhood,
    initiative_neighbourhood,
    list_organisations,
    organisation_neighbourhood,
    sector_neighbourhood,
)
from .formatting import FORMATS, format_value, render, render_rows
from .gaps import (
    EXPECTED_STATUSES,
    CountryWithoutHub,
    HubGap,
    countries_without_hub,
    hub_gaps,
    member_components,
)
from .profile import load_profile
from .projection import (
    Country,
    Hub,
    Initiative,
    Network,
    Organisation,
    as_network,
    co_participation_graph,
    country_graph,
    hub_organisation_graph,
    load_network,
    organisation_initiative_graph,
    sector_graph,
)
from .recommend import WEIGHTS, Recommendation, SectorRecommendations, recommend

if TYPE_CHECKING:  # pragma: no cover - imported on first use, see __getattr__
    from .explorer import (
        VIEWS,
        ExplorerFilter,
        explorer_data,
        explorer_graph,
        explorer_json,
        filter_data,
    )
    from .measures import (
        MeasureTable,
        broker_role,
        keep_measures,
        kept_measures,
        network_measures,
        network_summary,
    )
    from .network import (
        AnalysisResult,
        NodeMeasures,
        analyse,
        communities,
        cross_border_brokers,
        node_measures,
        sector_mixing,
    )
    from .plots import (
        PLOT_KINDS,
        coverage_heatmap,
        degree_distribution,
        ego_network,
        plot,
    )
    from .results_rdf import (
        analysis_run_id,
        results_quads,
        store_hub_results,
        store_results,
    )
    from .synergies import METHODS as SYNERGY_METHODS
    from .synergies import (
        Synergy,  # the function stays echos_graph.analysis.synergies.synergies (module name)
    )

#: The names of the modules that import NumPy, NetworkX or rdflib, imported on first use (PEP 562), so
#: that ``from echos_graph.analysis import hub_gaps, recommend`` does not pay for them.
_LAZY: dict[str, tuple[str, str]] = {
    "VIEWS": ("explorer", "VIEWS"),
    "ExplorerFilter": ("explorer", "ExplorerFilter"),
    "explorer_data": ("explorer", "explorer_data"),
    "explorer_graph": ("explorer", "explorer_graph"),
    "explorer_json": ("explorer", "explorer_json"),
    "filter_data": ("explorer", "filter_data"),
    "MeasureTable": ("measures", "MeasureTable"),
    "broker_role": ("measures", "broker_role"),
    "keep_measures": ("measures", "keep_measures"),
    "kept_measures": ("measures", "kept_measures"),
    "network_measures": ("measures", "network_measures"),
    "network_summary": ("measures", "network_summary"),
    "AnalysisResult": ("network", "AnalysisResult"),
    "NodeMeasures": ("network", "NodeMeasures"),
    "analyse": ("network", "analyse"),
    "communities": ("network", "communities"),
    "cross_border_brokers": ("network", "cross_border_brokers"),
    "node_measures": ("network", "node_measures"),
    "sector_mixing": ("network", "sector_mixing"),
    "PLOT_KINDS": ("plots", "PLOT_KINDS"),
    "coverage_heatmap": ("plots", "coverage_heatmap"),
    "degree_distribution": ("plots", "degree_distribution"),
    "ego_network": ("plots", "ego_network"),
    "plot": ("plots", "plot"),
    "analysis_run_id": ("results_rdf", "analysis_run_id"),
    "results_quads": ("results_rdf", "results_quads"),
    "store_hub_results": ("results_rdf", "store_hub_results"),
    "store_results": ("results_rdf", "store_results"),
    "SYNERGY_METHODS": ("synergies", "METHODS"),
    "Synergy": ("synergies", "Synergy"),
}


def __getattr__(name: str) -> Any:
    """Import a name of :data:`_LAZY` (or a submodule) the first time it is asked for."""
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Submodules reachable as attributes of the package before anything imported them.
_SUBMODULES = frozenset({"community", "explorer", "layout", "measures", "mixing", "network", "plots",
                         "results_rdf", "synergies"})

__all__ = [
    "CountryNeighbourhood",
    "InitiativeNeighbourhood",
    "MeasureTable",
    "Named",
    "OrganisationNeighbourhood",
    "OrganisationPage",
    "SectorNeighbourhood",
    "broker_role",
    "country_neighbourhood",
    "initiative_neighbourhood",
    "keep_measures",
    "kept_measures",
    "list_organisations",
    "network_measures",
    "network_summary",
    "organisation_neighbourhood",
    "sector_neighbourhood",
    "SYNERGY_METHODS",
    "AnalysisResult",
    "NodeMeasures",
    "Synergy",
    "analyse",
    "communities",
    "cross_border_brokers",
    "node_measures",
    "sector_mixing",
    "PLOT_KINDS",
    "analysis_run_id",
    "coverage_heatmap",
    "degree_distribution",
    "ego_network",
    "plot",
    "results_quads",
    "store_hub_results",
    "store_results",
    "EXPECTED_STATUSES",
    "VIEWS",
    "ExplorerFilter",
    "explorer_data",
    "explorer_graph",
    "explorer_json",
    "filter_data",
    "FORMATS",
    "WEIGHTS",
    "Country",
    "CountryWithoutHub",
    "Hub",
    "HubGap",
    "Initiative",
    "Network",
    "Organisation",
    "Recommendation",
    "SectorRecommendations",
    "as_network",
    "cache_folder",
    "co_participation_graph",
    "countries_without_hub",
    "country_graph",
    "format_value",
    "hub_gaps",
    "hub_organisation_graph",
    "load_network",
    "load_profile",
    "member_components",
    "organisation_initiative_graph",
    "pielou_evenness",
    "recommend",
    "render",
    "render_rows",
    "sector_graph",
    "shannon_entropy",
    "simpson_diversity",
]
