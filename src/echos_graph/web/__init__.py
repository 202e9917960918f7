"""The web app: an app factory and blueprints over the library.

Views call library functions and render; they hold no SPARQL text and no
graph logic.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

__all__ = ["SETTINGS", "create_app"]

#: Every setting, its default and what it means; each may also be set by an
#: environment variable ECHOS_GRAPH_<NAME>.
SETTINGS: dict[str, tuple[Any, str]] = {
    "STORE": ("var/graph", "Store location: a folder, 'memory:' or an http(s):// SPARQL endpoint."),
    "QUERY_TIMEOUT": (30.0, "Seconds a query or update may run; then the client gets a 503 and the worker "
                          "process that ran it is replaced, which stops the work."),
    "MAX_QUERY_LENGTH": (100_000, "Longest SPARQL query or update text accepted, in characters."),
    "MAX_RESULT_ROWS": (10_000, "Most rows (SELECT) or triples (CONSTRUCT, DESCRIBE, graph GET) in one answer; "
                                "larger results are paged with page=1, 2, ... or LIMIT/OFFSET."),
    "MAX_CONTENT_LENGTH": (64 * 1024 * 1024, "Largest request body accepted, in bytes (a 413 beyond)."),
    "UPDATE_TOKEN": ("", "Bearer token that turns on SPARQL Update and Graph Store writes; empty: read-only. "
                         "Set it with ECHOS_GRAPH_UPDATE_TOKEN or serve --update-token-file, never on a command line."),
    "CORS_ORIGINS": ("*", "Origins allowed to read query results from scripts (CORS), space-separated; "
                          "'*' for any, empty for none. Writes are never opened to other origins."),
    "UPDATE_URL": ("", "For a remote STORE: its SPARQL Update endpoint (default: the STORE URL)."),
    "GSP_URL": ("", "For a remote STORE: its Graph Store Protocol endpoint (default: none)."),
    "STORE_USER": ("", "For a remote STORE: the user for HTTP Basic or Digest authentication; the password comes "
                       "from ECHOS_GRAPH_STORE_PASSWORD only."),
    "DOCS_DIR": ("var/docs", "Folder of the generated ontology documentation served at /ontology."),
    "NETWORK_MEASURES_MAX_TIES": (50_000, "Largest network (co-participation ties) whose centralities the pages "
                                          "compute on first use; beyond it, run `echos-graph analyse` to keep them."),
    "EXPLORER_WAIT": (10.0, ("Seconds /network/data.json waits for a view computed for the first time before it "
                             "answers 202 (the page asks again).")),
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask app.

    Configuration is a layer cake: the defaults of :data:`SETTINGS`, then an
    optional ``config.py`` in the instance folder, then environment variables
    ``ECHOS_GRAPH_*``, then ``test_config``.

    Parameters
    ----------
    test_config : mapping, optional
        Settings that override everything else (tests use it).

    Returns
    -------
    flask.Flask
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping({name: default for name, (default, _) in SETTINGS.items()})
    app.config.from_pyfile("config.py", silent=True)
    for name, (default, _) in SETTINGS.items():
        value = os.environ.get(f"ECHOS_GRAPH_{name}")
        if value is not None:
            app.config[name] = type(default)(value)
    if test_config is not None:
        app.config.update(test_config)

    from . import api, catalogue, cors, db, editor, errors, graph_store, linked, network, pages, sparql, vendor

    db.init_app(app)
    errors.init_app(app)
    cors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(linked.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(network.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(graph_store.bp)
    app.register_blueprint(vendor.bp)
    app.register_blueprint(editor.bp)
    app.register_blueprint(catalogue.bp)
    return app
