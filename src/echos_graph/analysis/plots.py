"""Static charts of the analyses: PNG or SVG files drawn with matplotlib (Agg backend, no display).

- :func:`coverage_heatmap`: the hub x sector matrix of member counts, the
  missing sectors hatched;
- :func:`degree_distribution`: the complementary cumulative distribution of
  degree, log-log [1]_;
- :func:`ego_network`: a hub's members and their partners, coloured by sector.

Each function takes plain data and writes one file, chosen PNG or SVG by its
suffix, and returns its path. The drawings are deterministic: fixed layout
seed, no date in the metadata and a fixed SVG hash salt, so the same input
gives the same bytes. :func:`plot` is the entry point of ``echos-graph plot``.
Colours come from Okabe and Ito's colour-blind-safe palette [2]_ and the
viridis colour map.

References
----------
.. [1] A. Clauset, C. R. Shalizi and M. E. J. Newman, "Power-law
   distributions in empirical data", SIAM Review 51(4):661-703, 2009.
.. [2] M. Okabe and K. Ito, "Color Universal Design (CUD): how to make
   figures and presentations that are friendly to colorblind people", 2008.
   https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError
from ..results import compact
from .gaps import HubGap, _expand, hub_gaps
from .projection import Network, as_network, co_participation_graph

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

    from ..store import GraphStore

__all__ = ["PLOT_KINDS", "SUFFIXES", "coverage_heatmap", "degree_distribution", "ego_network", "plot"]

#: The file suffixes a chart may be written as.
SUFFIXES = (".png", ".svg")

#: Okabe-Ito colours (black last, kept for "no sector").
_OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
_NO_SECTOR = "#FFFFFF"
_MISSING = "#D9D9D9"
_SEED = 42


def _pyplot() -> Any:
    """Import pyplot on the Agg backend, with a friendly message if matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:  # pragma: no cover
        raise DataError("plots need matplotlib: pip install matplotlib (or 'echos-graph[plots]')") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _check_suffix(out: Path) -> str:
    """Return the file format of ``out`` ('png' or 'svg') or raise a DataError."""
    suffix = Path(out).suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(f"cannot write a chart as {str(out)!r}: the file name must end in .png or .svg")
    return suffix[1:]


def _save(fig: Any, out: Path) -> Path:
    """Write ``fig`` to ``out`` deterministically (no date, fixed SVG hash salt) and close it."""
    import matplotlib

    fmt = _check_suffix(out)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
    with matplotlib.rc_context({"svg.hashsalt": "echos-graph", "svg.fonttype": "none"}):
        fig.savefig(out, format=fmt, metadata=metadata, dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return out


def coverage_heatmap(gaps: Sequence[HubGap], out: Path) -> Path:
    """Draw the hub x sector matrix of member counts; write it to ``out`` (.png or .svg).

    Each cell gives the number of the hub's members in the sector; a sector
    the hub misses (required but absent) is hatched grey and says "missing";
    a sector present but not required is drawn too. Colours: viridis.

    Parameters
    ----------
    gaps : sequence of HubGap
        From :func:`~echos_graph.analysis.gaps.hub_gaps`, one row each.
    out : Path
        The file to write; its suffix chooses the format.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    DataError
        For a suffix other than .png or .svg, or no hub to draw.
    """
    _check_suffix(out)
    if not gaps:
        raise DataError("no hub to draw: the coverage heatmap needs at least one hub gap report")
    plt = _pyplot()
    import numpy as np
    from matplotlib.patches import Patch

    sectors = sorted({s for g in gaps for s in (*g.required, *g.sectors_present)})
    labels = {s: lab for g in gaps for s, lab in g.sector_labels.items()}
    counts = np.array([[len(g.sectors_present.get(s, ())) for s in sectors] for g in gaps], dtype=float)
    masked = np.ma.masked_where(counts == 0, counts)
    width = max(6.0, 0.9 * len(sectors) + 3)
    height = max(3.0, 0.35 * len(gaps) + 2)
    fig, ax = plt.subplots(figsize=(width, height))
    cmap = plt.get_cmap("viridis").with_extremes(bad=_MISSING)
    vmax = max(1.0, float(counts.max()))
    image = ax.imshow(masked, cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
    for i, gap in enumerate(gaps):
        for j, s in enumerate(sectors):
            n = int(counts[i, j])
            if n:
                colour = "white" if n < 0.6 * vmax else "black"
                ax.text(j, i, str(n), ha="center", va="center", fontsize=8, color=colour)
            elif s in gap.required:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                                           edgecolor="#555555", linewidth=0))
                ax.text(j, i, "missing", ha="center", va="center", fontsize=6, color="#222222")
    ax.set_xticks(range(len(sectors)))
    ax.set_xticklabels([f"{s}\n{labels.get(s, s)}" if len(sectors) <= 8 else s for s in sectors],
                       fontsize=8, rotation=0 if len(sectors) <= 8 else 45, ha="center" if len(sectors) <= 8 else "right")
    ax.set_yticks(range(len(gaps)))
    ax.set_yticklabels([g.label for g in gaps], fontsize=8)
    ax.set_xlabel("stakeholder sector")
    ax.set_title("Hub sector coverage: members per sector")
    fig.colorbar(image, ax=ax, label="members in the sector", fraction=0.04, pad=0.02)
    ax.legend(handles=[Patch(facecolor=_MISSING, edgecolor="#555555", hatch="///", label="sector missing")],
              loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return _save(fig, out)


def degree_distribution(G: nx.Graph, out: Path) -> Path:
    """Draw the degree distribution of ``G`` as a log-log CCDF, P(K >= k); write it to ``out``.

    The complementary cumulative distribution is read without binning, the
    way Clauset, Shalizi and Newman [1]_ recommend for heavy tails. Nodes of
    degree 0 are counted in the title but cannot be drawn on a log axis.

    Parameters
    ----------
    G : networkx.Graph
    out : Path
        The file to write (.png or .svg).

    Returns
    -------
    Path

    Raises
    ------
    DataError
        For another suffix, or a graph with no edge.
    """
    _check_suffix(out)
    degrees = sorted(d for _, d in G.degree())
    positive = [d for d in degrees if d > 0]
    if not positive:
        raise DataError("the graph has no edge: there is no degree distribution to draw")
    plt = _pyplot()
    n = len(degrees)
    ks = sorted(set(positive))
    ccdf = [sum(1 for d in degrees if d >= k) / n for k in ks]
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.loglog(ks, ccdf, marker="o", linestyle="-", markersize=4, color=_OKABE_ITO[4])
    ax.set_xlabel("degree k (number of partners)")
    ax.set_ylabel("P(K ≥ k)")
    ax.set_title(f"Degree distribution (CCDF): {n} nodes, {G.number_of_edges()} edges, "
                 f"{n - len(positive)} isolated", fontsize=9)
    ax.grid(True, which="both", linewidth=0.3, alpha=0.5)
    return _save(fig, out)


def ego_network(net: Network, hub: str, out: Path, *, radius: int = 1) -> Path:
    """Draw a hub's members and their partners up to ``radius`` steps, coloured by sector; write it to ``out``.

    Members are drawn larger with a black outline and named; partners are
    small. Layout: spring layout with a fixed seed.

    Parameters
    ----------
    net : Network
    hub : str
        The hub's IRI (``id:hub/NO`` or the full IRI).
    out : Path
        The file to write (.png or .svg).
    radius : int
        How many co-participation steps from the members to include (1: their
        direct partners).

    Returns
    -------
    Path

    Raises
    ------
    DataError
        For an unknown hub, a radius below 0 or another suffix.
    """
    _check_suffix(out)
    iri = _expand(hub)
    if iri not in net.hubs:
        known = ", ".join(compact(h) for h in sorted(net.hubs)) or "none"
        raise DataError(f"unknown hub {hub!r}: the graph's hubs are {known}")
    if radius < 0:
        raise DataError(f"radius must be 0 or more, not {radius}")
    members = set(net.hubs[iri].members)
    nodes = set(members)
    frontier = set(members)
    for _ in range(radius):
        frontier = {p for org in frontier for p in net.partners_of(org)} - nodes
        nodes |= frontier
    G = co_participation_graph(net, nodes=nodes)
    plt = _pyplot()
    import networkx as nx
    from matplotlib.lines import Line2D

    sectors = sorted({G.nodes[v].get("sector") or "" for v in G})
    colour = {s: (_OKABE_ITO[i % (len(_OKABE_ITO) - 1)] if s else _NO_SECTOR) for i, s in enumerate(x for x in sectors if x)}
    colour[""] = _NO_SECTOR
    pos = nx.spring_layout(G, seed=_SEED, k=3 / max(1, len(G)) ** 0.5) if len(G) else {}
    order = sorted(G)
    fig, ax = plt.subplots(figsize=(9, 7))
    nx.draw_networkx_edges(G, pos, ax=ax, edgelist=sorted(G.edges()), width=0.4, alpha=0.35, edge_color="#777777")
    others = [v for v in order if v not in members]
    inner = [v for v in order if v in members]
    for group, size, edge in ((others, 30, "none"), (inner, 220, "black")):
        nx.draw_networkx_nodes(G, pos, ax=ax, nodelist=group, node_size=size, linewidths=1.2, edgecolors=edge,
                               node_color=[colour[G.nodes[v].get("sector") or ""] for v in group])
    texts = nx.draw_networkx_labels(G, pos, ax=ax, labels={v: G.nodes[v].get("label") or compact(v) for v in inner},
                                    font_size=7, verticalalignment="bottom")
    for text in texts.values():
        text.set_clip_on(False)
    ax.margins(0.12)
    handles = [Line2D([], [], marker="o", linestyle="", markerfacecolor=colour[s], markeredgecolor="#444444",
                      label=f"{s} {net.sectors.get(s, '')}".strip() if s else "no sector") for s in sectors]
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="black",
                          markersize=10, label="hub member"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False,
              title="sector")
    ax.set_title(f"{net.hubs[iri].label}: {len(inner)} members and {len(others)} partners (radius {radius})")
    ax.set_axis_off()
    return _save(fig, out)


def _plot_coverage(store_or_net: GraphStore | Network, out: Path, hub: str | None) -> Path:
    """Draw the coverage heatmap of every hub (or of one)."""
    return coverage_heatmap(hub_gaps(store_or_net, hub=hub), out)


def _plot_degrees(store_or_net: GraphStore | Network, out: Path, hub: str | None) -> Path:
    """Draw the degree distribution of the co-participation graph."""
    return degree_distribution(co_participation_graph(as_network(store_or_net)), out)


def _plot_ego(store_or_net: GraphStore | Network, out: Path, hub: str | None) -> Path:
    """Draw a hub's ego network (the hub is required)."""
    if not hub:
        raise DataError("the 'ego' plot needs a hub: add --hub ID, e.g. --hub id:hub/NO")
    return ego_network(as_network(store_or_net), hub, out)


#: Plot kind (``echos-graph plot KIND``) to the function drawing it from a store or Network.
PLOT_KINDS: dict[str, Callable[[Any, Path, str | None], Path]] = {
    "coverage": _plot_coverage,
    "degrees": _plot_degrees,
    "ego": _plot_ego,
}


def plot(kind: str, store_or_net: GraphStore | Network, out: Path, *, hub: str | None = None) -> Path:
    """Draw the chart ``kind`` of the graph into ``out`` (.png or .svg) and return its path.

    Parameters
    ----------
    kind : str
        ``coverage`` (hub x sector heatmap; ``hub`` narrows it to one hub),
        ``degrees`` (degree distribution of the co-participation graph) or
        ``ego`` (the ego network of ``hub``).
    store_or_net : GraphStore or Network
    out : Path
    hub : str, optional

    Raises
    ------
    DataError
        For an unknown kind or hub, a missing hub for ``ego``, or a suffix
        other than .png or .svg.
    """
    if kind not in PLOT_KINDS:
        raise DataError(f"unknown plot kind {kind!r}: use one of {', '.join(PLOT_KINDS)}")
    _check_suffix(out)
    return PLOT_KINDS[kind](store_or_net, Path(out), hub)
