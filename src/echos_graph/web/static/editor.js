/* The query editor: YASGUI (served from /vendor) on our SPARQL endpoint.
 *
 * Everything it needs comes from the data attributes of #yasgui and from
 * /query/catalogue.json; the page's Content-Security-Policy allows no inline
 * script. Without JavaScript (or without YASGUI) the page keeps its plain
 * form and its list of saved queries.
 */
(function () {
  "use strict";

  var root = document.getElementById("yasgui");
  if (!root || !window.Yasgui || !window.fetch) {
    return;
  }

  /* Offer completion from our prefixes and the query's own variables only:
   * YASQE's "class" and "property" completers ask lov.linkeddata.es. */
  window.Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];

  function absolute(path) {
    return new URL(path, window.location.href).href;
  }

  function start(catalogue) {
    var endpoint = absolute(catalogue.endpoint);
    var byName = {};
    catalogue.queries.forEach(function (q) { byName[q.name] = q; });
    var starter = byName[root.dataset.starter];

    var yasgui = new window.Yasgui(root, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: {
        getData: function () { return [{ endpoint: endpoint }]; },
        keys: []
      },
      copyEndpointOnNewTab: true,
      persistenceId: "echos-graph-query-editor",  /* tabs are kept in this browser's localStorage only */
      tabName: "Query",
      yasqe: {
        value: starter ? starter.text : "",
        prefixCcApi: absolute(root.dataset.prefixes)
      },
      yasr: { prefixes: catalogue.prefixes }
    });
    document.body.classList.add("has-editor");

    document.querySelectorAll("a.open-query").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var q = byName[link.dataset.name];
        if (!q || event.ctrlKey || event.metaKey || event.shiftKey) {
          return;  /* a new window follows the link: a share link opens the query there */
        }
        event.preventDefault();
        yasgui.addTab(true, {
          name: q.title,
          yasqe: { value: q.text },
          requestConfig: { endpoint: endpoint }
        }, { avoidDuplicateTabs: true });
        root.scrollIntoView({ block: "start" });
      });
    });
    window.echosGraphEditor = yasgui;  /* for the browser tests and the curious */
  }

  fetch(root.dataset.catalogue, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("the saved-query catalogue answered " + response.status);
      }
      return response.json();
    })
    .then(start)
    .catch(function (error) {
      root.textContent = "The editor could not start (" + error.message + "); use the form below.";
    });
})();
