"""The front-end libraries are served from our own host, and nothing else is."""

from __future__ import annotations

import pytest

from echos_graph.resources import node_modules_dir
from echos_graph.web.vendor import VENDOR_FILES

pytestmark = pytest.mark.skipif(
    not (node_modules_dir() / "sigma").is_dir(),
    reason="node_modules/ is not installed: `make install` runs npm ci",
)


@pytest.mark.parametrize("name", sorted(VENDOR_FILES))
def test_each_whitelisted_library_file_is_served(client, name):
    response = client.get(f"/vendor/{name}")
    assert response.status_code == 200
    assert len(response.data) > 10_000  # the minified builds are all larger than this
    assert response.mimetype in ("text/javascript", "text/css")


@pytest.mark.parametrize("name", ["../package.json", "..%2Fpackage.json", "sigma/package.json", "README.md"])
def test_names_outside_the_whitelist_are_not_found(client, name):
    assert client.get(f"/vendor/{name}").status_code == 404
