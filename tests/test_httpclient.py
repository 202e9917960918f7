"""HTTP for the remote store: credentials sent as the server asks, never shown, never replayed elsewhere."""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator

import pytest

from echos_graph.errors import RemoteError
from echos_graph.httpclient import Credentials, HttpClient, _Challenge, _parse_challenges

#: The example of RFC 7616 section 3.9.1.
RFC_CHALLENGE = ('Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={algorithm}, '
                 'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
                 'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"')


@pytest.mark.parametrize(("algorithm", "response"), [
    ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
])
def test_digest_answer_is_that_of_rfc_7616(algorithm: str, response: str) -> None:
    challenge = _Challenge(_parse_challenges(RFC_CHALLENGE.format(algorithm=algorithm))["digest"])
    header = challenge.header("GET", "http://www.example.org/dir/index.html", Credentials("Mufasa", "Circle of Life"),
                              cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
    # The responses are those printed in RFC 7616 section 3.9.1.
    assert f'response="{response}"' in header and "nc=00000001" in header and 'uri="/dir/index.html"' in header


def test_credentials_never_show_in_their_repr() -> None:
    creds = Credentials("echos", "s3cret", "t0ken")
    assert "s3cret" not in repr(creds) and "t0ken" not in repr(creds) and "echos" in repr(creds)


def test_credentials_come_from_the_environment() -> None:
    env = {"ECHOS_GRAPH_STORE_USER": "u", "ECHOS_GRAPH_STORE_PASSWORD": "p", "ECHOS_GRAPH_STORE_TOKEN": "t"}
    assert Credentials.from_env(env) == Credentials("u", "p", "t")


class _Server(http.server.BaseHTTPRequestHandler):
    """Asks for Basic credentials on /private, redirects /moved, records what it was sent."""

    seen: list[tuple[str, str | None]] = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
        elif self.path == "/private" and self.headers.get("Authorization") != "Basic " + base64.b64encode(b"u:p").decode():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    _Server.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_password_is_sent_only_once_the_server_asks_for_basic(server: str) -> None:
    client = HttpClient(Credentials("u", "p"))
    assert client.request("POST", server + "/private", body=b"x").status == 200
    # The probe without a body, then the request with the credentials the 401 asked for.
    assert [auth is None for _, auth in _Server.seen] == [True, False]
    client.request("POST", server + "/private", body=b"y")
    assert _Server.seen[-1][1] is not None and len(_Server.seen) == 3  # no second probe


def test_redirect_is_refused_not_replayed_with_the_credentials(server: str) -> None:
    with pytest.raises(RemoteError, match="HTTP 302"):
        HttpClient(Credentials(token="t0ken")).request("POST", server + "/moved", body=b"x")
    assert [path for path, _ in _Server.seen] == ["/moved"]


def test_unreachable_server_is_a_remote_error_that_names_no_credentials() -> None:
    with pytest.raises(RemoteError, match="cannot reach http://127.0.0.1:9/sparql") as error:
        HttpClient(Credentials("u", "s3cret")).request("POST", "http://127.0.0.1:9/sparql?x=1", body=b"x")
    assert "s3cret" not in str(error.value)
