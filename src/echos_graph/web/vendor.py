"""Serve the front-end libraries installed from the npm registry, from our own host.

Only the files named in :data:`VENDOR_FILES` are served: a request for any
other name is a 404, so no path can reach outside them.  The libraries are
installed by ``make install`` (``npm ci``) into ``node_modules/``; pages load
them from ``/vendor/<name>`` and never from a CDN.
"""

from __future__ import annotations

from flask import Blueprint, abort, send_file
from werkzeug.wrappers import Response

from ..resources import node_modules_dir

__all__ = ["VENDOR_FILES", "bp"]

bp = Blueprint("vendor", __name__)

#: Public name -> path under ``node_modules/``.
VENDOR_FILES: dict[str, str] = {
    "yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
    "graphology.umd.min.js": "graphology/dist/graphology.umd.min.js",
    "sigma.min.js": "sigma/dist/sigma.min.js",
}


@bp.route("/vendor/<name>")
def vendor(name: str) -> Response:
    """Return one whitelisted library file, cached for a day."""
    relative = VENDOR_FILES.get(name)
    if relative is None:
        abort(404)
    path = node_modules_dir() / relative
    if not path.is_file():
        abort(404, description=f"{name} is not installed: run `make install` (npm ci) in the checkout")
    return send_file(path, max_age=86400)
