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
    "UPDATE_URL": ("", "For a remote STORE: its SPARQL Update endpoint (default: the STORE URL)."),
    "GSP_URL": ("", "For a remote STORE: its Graph Store Protocol endpoint (default: none)."),
    "STORE_USER": ("", "For a remote STORE: the user for HTTP Basic or Digest authentication; the password comes "
                       "from ECHOS_GRAPH_STORE_PASSWORD only."),
    "QUERY_TIMEOUT": (30, "Seconds a request may run; the production server kills a worker that takes longer."),
    "MAX_QUERY_LENGTH": (100_000, "Longest SPARQL query text accepted, in characters."),
    "DOCS_DIR": ("var/docs", "Folder of the generated ontology documentation served at /ontology."),
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

    from . import db, errors, pages, sparql, vendor

    db.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(vendor.bp)
    return app
