/*
 * The network explorer at /network: draws /network/data.json with sigma.js (WebGL) and graphology.
 *
 * The server lays the network out and measures it (echos_graph.analysis.explorer); this script only
 * draws, filters and highlights. The filter rules are those of ExplorerFilter / filter_data in
 * echos_graph.analysis.explorer, so the export links (which send the same parameters) hold what
 * the page shows. Names are always set as text (textContent, option.text), never as HTML.
 *
 * When the first frame is drawn, <html data-explorer="ready"> is set and window.explorerTiming
 * holds the milliseconds since navigation of each step (the browser tests and bench/bench_explorer.py
 * wait for it).
 */
(function () {
  "use strict";

  var root = document.getElementById("explorer");
  if (!root) return;

  var GREY = "#d7dce5";
  var FADED_EDGE = "#eef0f4";
  var EDGE = "#c3cad6";
  var FOCUS_EDGE = "#3d4452";
  var INITIATIVE = "#3d4452";
  var OTHER = "#9aa3b5";
  var SIZE_MIN = 2;
  var SIZE_RANGE = 13;
  var LEGEND_ENTRIES = 12;
  var LIST_FILTERS = ["country", "hub", "initiative", "community"];
  var SET_FILTERS = ["sector"].concat(LIST_FILTERS);
  var timing = { start: performance.now() };

  var $ = function (id) { return document.getElementById(id); };
  var form = $("explorer-form");
  var status = $("status");
  var container = $("graph");
  var panel = $("panel");
  var legendList = document.querySelector("#legend ul");
  var searchBox = $("search");
  var searchResults = $("search-results");

  // -- state -------------------------------------------------------------------------------------

  var state = readQuery();
  var data = null;      // the JSON of /network/data.json
  var n = 0, m = 0;
  var src, dst, weight, count;            // ties, strongest first (typed arrays)
  var offsets, adjacentNode, adjacentEdge; // adjacency (CSR) over every tie
  var nodeShown, edgeShown;                // what the filters keep (Uint8Array)
  var drawn;                               // ties in the graphology graph (Uint8Array)
  var shownNodes = 0, shownEdges = 0, drawnEdges = 0;
  var neighbours = new Set();
  var graph = null, renderer = null;
  var hubIndex = {}, initiativeIndex = {};
  var pendingLists = null;

  function readQuery() {
    var params = new URLSearchParams(window.location.search);
    var s = {
      view: params.get("view") || "co-participation",
      color: params.get("color") || "sector",
      size: params.get("size") || "degree",
      budget: params.has("budget") ? Math.max(0, parseInt(params.get("budget"), 10) || 0) : 5000,
      minWeight: Math.max(0, parseFloat(params.get("min_weight")) || 0),
      minCount: Math.max(0, parseInt(params.get("min_count"), 10) || 0),
      hideIsolates: ["1", "true", "yes", "on"].indexOf((params.get("hide_isolates") || "").toLowerCase()) >= 0,
      selectedId: params.get("node"),
      selected: -1,
      filters: {}
    };
    SET_FILTERS.forEach(function (name) {
      var values = params.getAll(name).filter(function (v) { return v !== ""; });
      s.filters[name] = values.length ? new Set(values) : null;
    });
    return s;
  }

  function filterParams() {
    var params = new URLSearchParams();
    params.set("view", state.view);
    SET_FILTERS.forEach(function (name) {
      var set = state.filters[name];
      if (set) Array.from(set).sort().forEach(function (v) { params.append(name, v); });
    });
    if (state.minWeight > 0) params.set("min_weight", String(state.minWeight));
    if (state.minCount > 0) params.set("min_count", String(state.minCount));
    if (state.hideIsolates) params.set("hide_isolates", "1");
    return params;
  }

  function writeQuery() {
    var params = filterParams();
    params.set("color", state.color);
    params.set("size", state.size);
    params.set("budget", String(state.budget));
    if (state.selected >= 0) params.set("node", data.nodes[state.selected].id);
    window.history.replaceState(null, "", "?" + params.toString());
    var exportParams = filterParams();
    exportParams.set("color", state.color);
    exportParams.set("size", state.size);
    var template = root.dataset.exportUrl;
    document.querySelectorAll("#exports a[data-suffix]").forEach(function (link) {
      link.href = template.replace("SUFFIX", link.dataset.suffix) + "?" + exportParams.toString();
    });
  }

  // -- small DOM helpers (text only) -------------------------------------------------------------

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function number(x, digits) {
    if (typeof x !== "number") return String(x);
    if (Number.isInteger(x)) return x.toLocaleString("en");
    return x.toLocaleString("en", { maximumSignificantDigits: digits || 3 });
  }

  function swatch(color) {
    var s = el("span", null, "swatch");
    s.style.backgroundColor = color;
    s.setAttribute("aria-hidden", "true");
    return s;
  }

  // -- loading -----------------------------------------------------------------------------------

  function load() {
    status.textContent = "Loading the network…";
    document.documentElement.dataset.explorer = "loading";
    var url = root.dataset.dataUrl + "?view=" + encodeURIComponent(state.view);
    var request = function () {
      return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
        if (response.status === 202) {  // the server is laying this view out for the first time
          status.textContent = "Laying out and measuring the network for the first time; this takes a moment…";
          var seconds = parseFloat(response.headers.get("Retry-After")) || 2;
          return new Promise(function (resolve) { window.setTimeout(resolve, seconds * 1000); }).then(request);
        }
        if (!response.ok) {
          return response.text().then(function (text) { throw new Error(text || response.statusText); });
        }
        timing.fetched = performance.now();
        return response.json();
      });
    };
    return request()
      .then(function (json) {
        timing.parsed = performance.now();
        setData(json);
        build();
      })
      .catch(function (error) {
        status.textContent = "The network could not be loaded: " + error.message;
        document.documentElement.dataset.explorer = "error";
      });
  }

  function setData(json) {
    data = json;
    n = data.nodes.length;
    var edges = data.edges;
    m = edges.source.length;
    src = Int32Array.from(edges.source);
    dst = Int32Array.from(edges.target);
    weight = Float64Array.from(edges.weight);
    count = Int32Array.from(edges.count);
    var degree = new Int32Array(n);
    for (var e = 0; e < m; e++) { degree[src[e]]++; degree[dst[e]]++; }
    offsets = new Int32Array(n + 1);
    for (var i = 0; i < n; i++) offsets[i + 1] = offsets[i] + degree[i];
    var fill = offsets.slice(0, n);
    adjacentNode = new Int32Array(2 * m);
    adjacentEdge = new Int32Array(2 * m);
    for (e = 0; e < m; e++) {
      adjacentNode[fill[src[e]]] = dst[e]; adjacentEdge[fill[src[e]]++] = e;
      adjacentNode[fill[dst[e]]] = src[e]; adjacentEdge[fill[dst[e]]++] = e;
    }
    nodeShown = new Uint8Array(n);
    edgeShown = new Uint8Array(m);
    drawn = new Uint8Array(m);
    hubIndex = {}; initiativeIndex = {};
    data.hubs.forEach(function (h, k) { hubIndex[h.id] = k; });
    data.initiatives.forEach(function (x, k) { initiativeIndex[x.id] = k; });
    // Drop filter values this view does not have (a link from another view, or an older graph).
    var known = {
      sector: data.sectors.map(function (s) { return s.id; }),
      country: data.countries.map(function (c) { return c.id; }),
      hub: data.hubs.map(function (h) { return h.id; }),
      initiative: data.initiatives.map(function (x) { return x.id; }),
      community: data.communities.map(function (c) { return String(c.id); })
    };
    SET_FILTERS.forEach(function (name) {
      var set = state.filters[name];
      if (!set) return;
      var have = new Set(known[name]);
      var kept = Array.from(set).filter(function (v) { return have.has(v); });
      state.filters[name] = kept.length ? new Set(kept) : null;
    });
    state.selected = -1;
    if (state.selectedId) {
      for (i = 0; i < n; i++) if (data.nodes[i].id === state.selectedId) { state.selected = i; break; }
    }
  }

  function build() {
    if (renderer) { renderer.kill(); renderer = null; }
    graph = new graphology.Graph({ type: "undirected", allowSelfLoops: false });
    for (var i = 0; i < n; i++) {
      var node = data.nodes[i];
      graph.addNode(String(i), { x: node.x, y: node.y, label: node.label, size: SIZE_MIN, color: OTHER });
    }
    paint();
    fillControls();
    filter();
    timing.built = performance.now();
    renderer = new Sigma(graph, container, {
      primitives: {
        // Straight ties only: one quad per tie, where the default (with curved self-loops) costs 66 vertices.
        edges: { paths: [Sigma.rendering.pathLine()], layers: [Sigma.rendering.layerPlain()] }
      },
      nodeReducer: nodeReducer,
      edgeReducer: edgeReducer,
      settings: {
        itemSizesReference: "screen",
        hideEdgesOnMove: m > 20000,
        labelRenderedSizeThreshold: 7,
        labelDensity: 0.35,
        stagePadding: 40,
        zIndex: true
      }
    });
    renderer.on("clickNode", function (event) { select(parseInt(event.node, 10), true); });
    renderer.on("clickStage", function () { select(-1, false); });
    timing.rendered = performance.now();
    if (state.selected >= 0) select(state.selected, true);
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () {
        timing.ready = performance.now();
        window.explorerTiming = timing;
        document.documentElement.dataset.explorer = "ready";
        window.setTimeout(function () { if (pendingLists) { pendingLists(); pendingLists = null; } }, 0);
      });
    });
  }

  // -- colours and sizes -------------------------------------------------------------------------

  function colorTable() {
    var list = state.color === "sector" ? data.sectors : state.color === "country" ? data.countries : data.communities;
    var table = {};
    list.forEach(function (entry) { table[String(entry.id)] = entry.color; });
    return table;
  }

  function colorKey(node) {
    if (state.color === "sector") return node.sector || "none";
    if (state.color === "country") return node.country || "none";
    return String(node.community);
  }

  function nodeSize(value, largest) {
    if (!(largest > 0) || !(value > 0)) return SIZE_MIN;
    return SIZE_MIN + SIZE_RANGE * Math.sqrt(Math.min(1, value / largest));
  }

  function paint() {
    var table = colorTable();
    var largest = data.measure_max[state.size];
    graph.updateEachNodeAttributes(function (key, attributes) {
      var node = data.nodes[parseInt(key, 10)];
      attributes.color = node.kind === "initiative" ? INITIATIVE : (table[colorKey(node)] || OTHER);
      attributes.size = nodeSize(node.measures[state.size], largest);
      return attributes;
    });
  }

  // -- filters (the rules of echos_graph.analysis.explorer.filter_data) --------------------------

  function filter() {
    var f = state.filters;
    var hubs = f.hub ? new Set(Array.from(f.hub).map(function (h) { return hubIndex[h]; })) : null;
    var initiatives = f.initiative ? new Set(Array.from(f.initiative).map(function (x) { return initiativeIndex[x]; })) : null;
    var communities = f.community ? new Set(Array.from(f.community).map(Number)) : null;
    var anyOf = function (set, list) {
      for (var k = 0; k < list.length; k++) if (set.has(list[k])) return true;
      return false;
    };
    for (var i = 0; i < n; i++) {
      var node = data.nodes[i];
      var shown = (!communities || communities.has(node.community)) &&
        (!initiatives || anyOf(initiatives, node.initiatives));
      if (shown && node.kind !== "initiative") {
        shown = (!f.sector || f.sector.has(node.sector || "none")) &&
          (!f.country || f.country.has(node.country || "none")) &&
          (!hubs || anyOf(hubs, node.hubs));
      }
      nodeShown[i] = shown ? 1 : 0;
    }
    var tied = new Uint8Array(n);
    shownEdges = 0;
    for (var e = 0; e < m; e++) {
      var on = nodeShown[src[e]] && nodeShown[dst[e]] && weight[e] >= state.minWeight && count[e] >= state.minCount;
      edgeShown[e] = on ? 1 : 0;
      if (on) { tied[src[e]] = 1; tied[dst[e]] = 1; shownEdges++; }
    }
    shownNodes = 0;
    for (i = 0; i < n; i++) {
      if (nodeShown[i] && !tied[i] && (state.hideIsolates || data.nodes[i].kind === "initiative")) nodeShown[i] = 0;
      shownNodes += nodeShown[i];
    }
    if (state.selected >= 0 && !nodeShown[state.selected]) state.selected = -1;
    findNeighbours();
    drawEdges();
    describe();
    drawLegend();
    writeQuery();
    if (renderer) renderer.refresh();
  }

  function findNeighbours() {
    neighbours = new Set();
    var i = state.selected;
    if (i < 0) return;
    for (var k = offsets[i]; k < offsets[i + 1]; k++) {
      if (edgeShown[adjacentEdge[k]]) neighbours.add(adjacentNode[k]);
    }
  }

  // Draw the strongest shown ties up to the budget, and every shown tie of the selected node.
  // Only the difference with what is drawn goes to graphology (and so to sigma).
  function drawEdges() {
    var budget = state.budget > 0 ? state.budget : Infinity;
    var want = new Uint8Array(m);
    var wanted = 0;
    for (var e = 0; e < m && wanted < budget; e++) if (edgeShown[e]) { want[e] = 1; wanted++; }
    var i = state.selected;
    if (i >= 0) {
      for (var k = offsets[i]; k < offsets[i + 1]; k++) {
        if (edgeShown[adjacentEdge[k]] && !want[adjacentEdge[k]]) { want[adjacentEdge[k]] = 1; wanted++; }
      }
    }
    var changes = 0;
    for (e = 0; e < m; e++) if (want[e] !== drawn[e]) changes++;
    if (changes > wanted / 2) {
      graph.clearEdges();
      drawn = new Uint8Array(m);
    }
    var strongest = m ? weight[0] : 1;
    for (e = 0; e < m; e++) {
      if (want[e] === drawn[e]) continue;
      var key = "e" + e;
      if (want[e]) {
        graph.addEdgeWithKey(key, String(src[e]), String(dst[e]), {
          size: 0.4 + 1.6 * Math.sqrt(strongest > 0 ? weight[e] / strongest : 1), color: EDGE
        });
      } else {
        graph.dropEdge(key);
      }
      drawn[e] = want[e];
    }
    drawnEdges = wanted;
  }

  function nodeReducer(key, display) {
    var i = parseInt(key, 10);
    if (!nodeShown[i]) return { visibility: "hidden", labelVisibility: "hidden" };
    if (state.selected < 0) return {};
    if (i === state.selected) return { depth: "topNodes", labelVisibility: "visible", zIndex: 2, size: Math.max(display.size, 6) };
    if (neighbours.has(i)) return { depth: "topNodes", zIndex: 1, labelVisibility: neighbours.size <= 30 ? "visible" : "auto" };
    return { color: GREY, labelVisibility: "hidden", zIndex: 0 };
  }

  function edgeReducer(key, display) {
    if (state.selected < 0) return {};
    var e = parseInt(key.slice(1), 10);
    if (src[e] === state.selected || dst[e] === state.selected) {
      return { color: FOCUS_EDGE, size: Math.max(display.size, 1.2), depth: "topEdges" };
    }
    return { color: FADED_EDGE };
  }

  function describe() {
    var organisations = 0, initiatives = 0, totalOrganisations = data.counts.organisations;
    for (var i = 0; i < n; i++) {
      if (!nodeShown[i]) continue;
      if (data.nodes[i].kind === "initiative") initiatives++; else organisations++;
    }
    var text = "Showing " + number(organisations) + " of " + number(totalOrganisations) + " organisations";
    if (data.counts.initiatives) text += ", " + number(initiatives) + " of " + number(data.counts.initiatives) + " initiatives";
    text += " and " + number(shownEdges) + " of " + number(m) + " ties";
    if (drawnEdges < shownEdges) text += " (the strongest " + number(drawnEdges) + " drawn)";
    status.textContent = text + ".";
    container.dataset.nodesShown = String(shownNodes);
    container.dataset.edgesShown = String(shownEdges);
    container.dataset.edgesDrawn = String(drawnEdges);
  }

  // -- controls ----------------------------------------------------------------------------------

  function option(value, text, selected) {
    var o = document.createElement("option");
    o.value = value;
    o.text = text;
    o.selected = !!selected;
    return o;
  }

  function fillControls() {
    form.elements.view.value = state.view;
    form.elements.color.value = state.color;
    form.elements.size.value = state.size;
    $("min-weight").value = String(state.minWeight);
    $("min-count").value = String(state.minCount);
    $("hide-isolates").checked = state.hideIsolates;
    var budget = $("budget");
    if (!Array.from(budget.options).some(function (o) { return o.value === String(state.budget); })) {
      budget.appendChild(option(String(state.budget), number(state.budget)));
    }
    budget.value = String(state.budget);
    $("min-count").disabled = $("min-weight").disabled = data.view !== "co-participation";

    var sectors = $("filter-sector");
    Array.from(sectors.querySelectorAll("label")).forEach(function (l) { l.remove(); });
    data.sectors.forEach(function (s) {
      var label = el("label", null, "inline");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "sector";
      box.value = s.id;
      label.appendChild(box);
      label.appendChild(swatch(s.color));
      label.appendChild(document.createTextNode(s.label + " (" + number(s.count) + ")"));
      sectors.appendChild(label);
    });
    var lists = {
      country: data.countries.map(function (c) { return [c.id, c.label + " (" + number(c.count) + ")"]; }),
      hub: data.hubs.map(function (h) { return [h.id, h.label]; }),
      initiative: data.initiatives.map(function (x) { return [x.id, x.label]; })
        .sort(function (a, b) { return a[1].localeCompare(b[1]); }),
      community: data.communities.filter(function (c) { return c.count > 1; }).map(function (c) {
        return [String(c.id), "Community " + (c.id + 1) + ": " + c.label + " … (" + number(c.count) + ")"];
      })
    };
    var fill = function (name) {
      var select = $("filter-" + name);
      clear(select);
      lists[name].forEach(function (pair) { select.appendChild(option(pair[0], pair[1])); });
    };
    ["country", "hub", "community"].forEach(fill);
    // Thousands of initiatives: their list is filled once the drawing is up.
    clear($("filter-initiative"));
    pendingLists = function () { fill("initiative"); syncFilterControls(); };
    syncFilterControls();
    var methods = document.querySelector("#methods dl");
    clear(methods);
    Object.keys(data.methods).forEach(function (name) {
      methods.appendChild(el("dt", name.charAt(0).toUpperCase() + name.slice(1)));
      methods.appendChild(el("dd", data.methods[name]));
    });
  }

  function syncFilterControls() {
    var f = state.filters;
    document.querySelectorAll("#filter-sector input").forEach(function (box) {
      box.checked = !f.sector || f.sector.has(box.value);
    });
    LIST_FILTERS.forEach(function (name) {
      Array.from($("filter-" + name).options).forEach(function (o) { o.selected = !!(f[name] && f[name].has(o.value)); });
    });
  }

  function allValues(name) {
    if (name === "sector") return data.sectors.map(function (s) { return s.id; });
    if (name === "country") return data.countries.map(function (c) { return c.id; });
    return data.communities.map(function (c) { return String(c.id); });
  }

  function setFilter(name, values) {
    var set = values && values.length ? new Set(values) : null;
    if (set && (name === "sector" || name === "country" || name === "community") && set.size >= allValues(name).length) set = null;
    state.filters[name] = set;
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (!data || target === searchBox) return;
    if (target.name === "view") {
      state.view = target.value;
      state.selected = -1; state.selectedId = null;
      SET_FILTERS.forEach(function (name) { state.filters[name] = null; });
      load();
      return;
    }
    if (target.name === "color" || target.name === "size") {
      state[target.name] = target.value;
      paint();
      drawLegend();
      writeQuery();
      renderer.refresh();
      return;
    }
    if (target.name === "sector") {
      setFilter("sector", Array.from(document.querySelectorAll("#filter-sector input:checked")).map(function (b) { return b.value; }));
    } else if (LIST_FILTERS.indexOf(target.name) >= 0) {
      setFilter(target.name, Array.from(target.selectedOptions).map(function (o) { return o.value; }));
    } else if (target.name === "min_weight") {
      state.minWeight = Math.max(0, parseFloat(target.value) || 0);
    } else if (target.name === "min_count") {
      state.minCount = Math.max(0, parseInt(target.value, 10) || 0);
    } else if (target.name === "hide_isolates") {
      state.hideIsolates = target.checked;
    } else if (target.name === "budget") {
      state.budget = Math.max(0, parseInt(target.value, 10) || 0);
    } else {
      return;
    }
    filter();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  $("reset").addEventListener("click", function () {
    SET_FILTERS.forEach(function (name) { state.filters[name] = null; });
    state.minWeight = 0; state.minCount = 0; state.hideIsolates = false;
    $("min-weight").value = "0"; $("min-count").value = "0"; $("hide-isolates").checked = false;
    syncFilterControls();
    filter();
  });

  // -- legend ------------------------------------------------------------------------------------

  function legendEntries() {
    var attribute = state.color;
    var list = attribute === "sector" ? data.sectors : attribute === "country" ? data.countries : data.communities;
    var entries = [];
    var rest = [];
    list.forEach(function (item, k) {
      var id = String(item.id);
      var single = attribute === "community" && item.count < 2;
      if (attribute === "sector" || (k < LEGEND_ENTRIES && !single && item.color !== OTHER)) {
        var text = attribute === "community" ? "Community " + (item.id + 1) + ": " + item.label + " …" : item.label;
        entries.push({ values: [id], color: item.color, text: text, count: item.count });
      } else {
        rest.push(item);
      }
    });
    if (rest.length) {
      entries.push({
        values: rest.map(function (item) { return String(item.id); }),
        color: OTHER,
        text: (attribute === "country" ? "Other countries" : "Other communities") + " (" + number(rest.length) + ")",
        count: rest.reduce(function (sum, item) { return sum + item.count; }, 0)
      });
    }
    return entries;
  }

  function drawLegend() {
    // Redrawing replaces the buttons: the one that had the keyboard focus gets it back.
    var focused = legendList.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    clear(legendList);
    var attribute = state.color;
    var set = state.filters[attribute];
    legendEntries().forEach(function (entry) {
      var shown = !set || entry.values.every(function (v) { return set.has(v); });
      var button = el("button", null, "legend-entry");
      button.type = "button";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
      button.title = (shown ? "Hide " : "Show ") + entry.text;
      button.appendChild(swatch(entry.color));
      button.appendChild(el("span", entry.text, "legend-text"));
      button.appendChild(el("span", number(entry.count), "legend-count"));
      button.dataset.key = attribute + ":" + entry.values.join("|");
      button.addEventListener("click", function () { toggleLegend(attribute, entry.values, shown); });
      var item = el("li");
      item.appendChild(button);
      legendList.appendChild(item);
      if (focused === button.dataset.key) button.focus();
    });
    if (data.counts.initiatives) {
      var item = el("li", null, "legend-static");
      item.appendChild(swatch(INITIATIVE));
      item.appendChild(el("span", "Initiatives", "legend-text"));
      legendList.appendChild(item);
    }
  }

  function toggleLegend(attribute, values, shown) {
    var current = state.filters[attribute] ? Array.from(state.filters[attribute]) : allValues(attribute);
    var next;
    if (shown) {
      var drop = new Set(values);
      next = current.filter(function (v) { return !drop.has(v); });
      if (!next.length) return;  // the last entry shown stays: an empty filter would mean "everything"
    } else {
      next = current.concat(values);
    }
    setFilter(attribute, next);
    syncFilterControls();
    filter();
  }

  // -- selection, search and the side panel ------------------------------------------------------

  function select(i, moveCamera) {
    state.selected = i >= 0 && nodeShown[i] ? i : -1;
    state.selectedId = state.selected >= 0 ? data.nodes[state.selected].id : null;
    findNeighbours();
    drawEdges();
    describe();
    showPanel();
    writeQuery();
    if (!renderer) return;
    renderer.refresh();
    if (moveCamera && state.selected >= 0) frame([state.selected].concat(Array.from(neighbours)));
  }

  // Centre the camera on some nodes, zoomed to fit them (a lone node keeps the zoom, at most half the graph).
  function frame(indices) {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    indices.forEach(function (i) {
      var shown = renderer.getNodeDisplayData(String(i));
      if (!shown) return;
      minX = Math.min(minX, shown.x); maxX = Math.max(maxX, shown.x);
      minY = Math.min(minY, shown.y); maxY = Math.max(maxY, shown.y);
    });
    if (!isFinite(minX)) return;
    var cam = renderer.getCamera();
    var span = Math.max(maxX - minX, maxY - minY);
    var ratio = indices.length > 1 ? Math.min(1, Math.max(0.05, span * 1.25)) : Math.min(cam.getState().ratio, 0.5);
    cam.animate({ x: (minX + maxX) / 2, y: (minY + maxY) / 2, ratio: ratio }, { duration: 400 });
  }

  function fact(list, name, value) {
    if (value === "" || value === null || value === undefined) return;
    list.appendChild(el("dt", name));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
    list.appendChild(dd);
  }

  function showPanel() {
    clear(panel);
    var i = state.selected;
    if (i < 0) {
      panel.appendChild(el("h2", "Selected")).id = "panel-title";
      panel.appendChild(el("p", "Click a node, or find one by name, to see its facts and partners.", "hint"));
      return;
    }
    var node = data.nodes[i];
    var title = el("h2", node.label);
    title.id = "panel-title";
    panel.appendChild(title);
    var facts = el("dl", null, "facts");
    var sectors = {}; data.sectors.forEach(function (s) { sectors[s.id] = s.label; });
    var countries = {}; data.countries.forEach(function (c) { countries[c.id] = c.label; });
    fact(facts, "Kind", node.kind === "initiative" ? "Initiative" : "Organisation");
    if (node.kind !== "initiative") {
      fact(facts, "Sector", node.sector ? (sectors[node.sector] || node.sector) : "not known");
      fact(facts, "Country", node.country ? (countries[node.country] || node.country) : "not known");
      fact(facts, "Hubs", node.hubs.map(function (h) { return data.hubs[h].label; }).join("; ") || "none");
      var names = node.initiatives.map(function (x) { return data.initiatives[x].label; });
      fact(facts, "Initiatives", names.length > 8 ? names.slice(0, 8).join("; ") + " and " + (names.length - 8) + " more" : (names.join("; ") || "none"));
    }
    var community = data.communities[node.community];
    if (community) {
      var c = el("span");
      c.appendChild(swatch(community.color));
      c.appendChild(document.createTextNode("Community " + (node.community + 1) + " (" + number(community.count) + " members)"));
      fact(facts, "Community", c);
    }
    fact(facts, data.view === "co-participation" ? "Partners" : "Ties", number(node.measures.degree));
    fact(facts, "Strength", number(node.measures.strength));
    fact(facts, "Betweenness", number(node.measures.betweenness));
    fact(facts, "PageRank", number(node.measures.pagerank));
    var iri = el("code", node.id);
    fact(facts, "IRI", iri);
    panel.appendChild(facts);

    var ties = [];
    for (var k = offsets[i]; k < offsets[i + 1]; k++) {
      var e = adjacentEdge[k];
      if (edgeShown[e]) ties.push(e);
    }
    ties.sort(function (a, b) { return weight[b] - weight[a] || count[b] - count[a]; });
    var two = data.view !== "co-participation";
    panel.appendChild(el("h3", (two ? (node.kind === "initiative" ? "Organisations" : "Initiatives") : "Partners") +
      " shown (" + number(ties.length) + ")"));
    var list = el("ol", null, "neighbours");
    ties.slice(0, 100).forEach(function (e) {
      var other = src[e] === i ? dst[e] : src[e];
      var button = el("button", null, "link");
      button.type = "button";
      button.appendChild(el("span", data.nodes[other].label));
      if (!two) {
        button.appendChild(el("span", "weight " + number(weight[e]) + ", " + count[e] + " shared", "tie"));
      }
      button.addEventListener("click", function () { select(other, true); });
      var item = el("li");
      item.appendChild(button);
      list.appendChild(item);
    });
    panel.appendChild(list);
    if (ties.length > 100) panel.appendChild(el("p", "and " + number(ties.length - 100) + " more", "hint"));
    var close = el("button", "Clear selection");
    close.type = "button";
    close.addEventListener("click", function () { select(-1, false); searchBox.focus(); });
    panel.appendChild(close);
  }

  var searchTimer = null;
  function search() {
    clear(searchResults);
    var q = searchBox.value.trim().toLowerCase();
    if (!q || !data) return [];
    var found = [];
    for (var i = 0; i < n; i++) {
      if (!nodeShown[i]) continue;
      var at = data.nodes[i].label.toLowerCase().indexOf(q);
      if (at >= 0) found.push([at === 0 ? 0 : 1, -data.nodes[i].measures.degree, data.nodes[i].label, i]);
    }
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]); });
    var hits = found.slice(0, 12).map(function (f) { return f[3]; });
    hits.forEach(function (i) {
      var button = el("button", data.nodes[i].label, "link");
      button.type = "button";
      button.addEventListener("click", function () { select(i, true); });
      var item = el("li");
      item.appendChild(button);
      searchResults.appendChild(item);
    });
    if (!hits.length) searchResults.appendChild(el("li", "No name shown matches.", "hint"));
    return hits;
  }

  searchBox.addEventListener("input", function () {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(search, 120);
  });
  searchBox.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      var hits = search();
      if (hits.length) select(hits[0], true);
    } else if (event.key === "Escape") {
      searchBox.value = "";
      clear(searchResults);
      select(-1, false);
    }
  });

  // -- camera, keyboard, PNG ---------------------------------------------------------------------

  function camera() { return renderer ? renderer.getCamera() : null; }
  $("zoom-in").addEventListener("click", function () { if (camera()) camera().zoomIn({ duration: 200 }); });
  $("zoom-out").addEventListener("click", function () { if (camera()) camera().zoomOut({ duration: 200 }); });
  $("zoom-reset").addEventListener("click", function () { if (camera()) camera().reset({ duration: 200 }); });
  container.addEventListener("keydown", function (event) {
    var cam = camera();
    if (!cam) return;
    var s = cam.getState();
    var step = 0.1 * s.ratio;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[event.key]) {
      cam.setState({ x: s.x + moves[event.key][0], y: s.y + moves[event.key][1] });
    } else if (event.key === "+" || event.key === "=") {
      cam.zoomIn({ duration: 150 });
    } else if (event.key === "-") {
      cam.zoomOut({ duration: 150 });
    } else if (event.key === "0") {
      cam.reset({ duration: 150 });
    } else {
      return;
    }
    event.preventDefault();
  });

  // The PNG: the drawing as it is now, on white, with the status line and the legend below it.
  // Canvas text is drawn as text: names cannot become markup here either.
  $("export-png").addEventListener("click", function () {
    if (!renderer) return;
    renderer.refresh();  // draws now, so the WebGL buffer still holds the frame below
    var stage = renderer.getStageCanvas();
    var scale = stage.width / Math.max(1, container.clientWidth);
    var font = Math.round(13 * scale) + "px system-ui, sans-serif";
    var line = Math.round(20 * scale), pad = Math.round(10 * scale), dot = Math.round(5 * scale);
    var set = state.filters[state.color];
    var entries = legendEntries().filter(function (entry) {
      return !set || entry.values.every(function (v) { return set.has(v); });
    });
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = font;
    var rows = 1, x = pad;
    entries.forEach(function (entry) {
      var width = 3 * dot + measure.measureText(entry.text).width + 2 * pad;
      if (x + width > stage.width - pad && x > pad) { rows++; x = pad; }
      x += width;
    });
    var band = pad + line * (rows + 1) + pad;
    var out = document.createElement("canvas");
    out.width = stage.width;
    out.height = stage.height + band;
    var context = out.getContext("2d");
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, out.width, out.height);
    context.drawImage(stage, 0, 0);
    context.font = font;
    context.textBaseline = "middle";
    context.fillStyle = "#1d2433";
    var y = stage.height + pad + line / 2;
    context.fillText(data.title + ". " + status.textContent, pad, y);
    y += line;
    x = pad;
    entries.forEach(function (entry) {
      var width = 3 * dot + context.measureText(entry.text).width + 2 * pad;
      if (x + width > out.width - pad && x > pad) { y += line; x = pad; }
      context.fillStyle = entry.color;
      context.beginPath();
      context.arc(x + dot, y, dot, 0, 2 * Math.PI);
      context.fill();
      context.fillStyle = "#1d2433";
      context.fillText(entry.text, x + 3 * dot, y);
      x += width;
    });
    out.toBlob(function (blob) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "echos-graph-" + state.view + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
    }, "image/png");
  });

  // Read-only hooks for tests and benchmarks: what is shown, by IRI.
  window.explorer = {
    shownNodeIds: function () {
      var ids = [];
      for (var i = 0; i < n; i++) if (nodeShown[i]) ids.push(data.nodes[i].id);
      return ids;
    },
    highlighted: function () {
      return state.selected < 0 ? null : {
        node: data.nodes[state.selected].id,
        neighbours: Array.from(neighbours).map(function (i) { return data.nodes[i].id; })
      };
    }
  };

  load();
})();
