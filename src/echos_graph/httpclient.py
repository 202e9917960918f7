"""HTTP for the remote store: requests with credentials, timeouts and readable errors.

Credentials are sent the way the server asks for them: HTTP Basic or Digest
(RFC 7616, MD5 or SHA-256, ``qop=auth``), or a bearer token.  Digest is
answered *before* a request body is sent: the client learns the challenge from
a small request first, then computes the header for every request, so a large
upload is never sent twice, nor cut off by a server that closes the
connection after its ``401`` (Virtuoso does).

Credentials never appear in error messages, reprs or logs: a
:class:`Credentials` prints as ``Credentials(user='echos', password=***)``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO

from .errors import RemoteError

__all__ = ["Credentials", "HttpClient", "Response"]


@dataclass(frozen=True)
class Credentials:
    """Who the client is: a user and password (Basic or Digest), or a bearer token.

    Parameters
    ----------
    user, password : str, optional
        Sent with HTTP Basic or Digest authentication, whichever the server
        asks for.
    token : str, optional
        Sent as ``Authorization: Bearer TOKEN`` (QLever's access token, a
        reverse proxy's token).
    """

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read ``ECHOS_GRAPH_STORE_USER``, ``ECHOS_GRAPH_STORE_PASSWORD`` and ``ECHOS_GRAPH_STORE_TOKEN``."""
        env = os.environ if environ is None else environ
        return cls(env.get("ECHOS_GRAPH_STORE_USER") or None, env.get("ECHOS_GRAPH_STORE_PASSWORD") or None,
                   env.get("ECHOS_GRAPH_STORE_TOKEN") or env.get("ECHOS_GRAPH_UPDATE_TOKEN") or None)

    def __repr__(self) -> str:
        hidden = lambda value: "***" if value else None  # noqa: E731
        return f"Credentials(user={self.user!r}, password={hidden(self.password)}, token={hidden(self.token)})"

    def __bool__(self) -> bool:
        return bool(self.user or self.token)


@dataclass(frozen=True)
class Response:
    """A finished HTTP exchange: status, headers and the whole body."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    header_list: tuple[tuple[str, str], ...] = ()


class _Challenge:
    """The Digest challenge of one protection space, and the request counter that goes with its nonce."""

    def __init__(self, params: dict[str, str]) -> None:
        self.params = params
        self.count = 0
        self.lock = threading.Lock()

    def header(self, method: str, url: str, credentials: Credentials, cnonce: str | None = None) -> str:
        """Return the ``Authorization`` header of a request (RFC 7616 section 3.4); ``cnonce`` is random unless given."""
        algorithm = self.params.get("algorithm", "MD5")
        digest = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}.get(algorithm.upper().replace("-SESS", ""))
        if digest is None:
            raise RemoteError(f"the server asks for Digest algorithm {algorithm}, which echos-graph does not speak; "
                              "use Basic authentication over HTTPS or a token")
        h = lambda text: digest(text.encode("utf-8")).hexdigest()  # noqa: E731
        with self.lock:
            self.count += 1
            nc = f"{self.count:08x}"
        cnonce = cnonce or secrets.token_hex(8)
        realm, nonce = self.params.get("realm", ""), self.params.get("nonce", "")
        uri = urllib.parse.urlsplit(url)._replace(scheme="", netloc="").geturl() or "/"
        ha1 = h(f"{credentials.user}:{realm}:{credentials.password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qops = [q.strip() for q in self.params.get("qop", "").split(",") if q.strip()]
        parts = {"username": credentials.user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
        if "auth" in qops:
            parts.update(qop="auth", nc=nc, cnonce=cnonce, response=h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
        else:
            parts["response"] = h(f"{ha1}:{nonce}:{ha2}")
        if "opaque" in self.params:
            parts["opaque"] = self.params["opaque"]
        unquoted = {"qop", "nc", "algorithm"}
        return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{v}"' for k, v in parts.items())


def _parse_challenges(header: str) -> dict[str, dict[str, str]]:
    """Return the schemes of a ``WWW-Authenticate`` header, lower-cased, with their parameters."""
    found: dict[str, dict[str, str]] = {}
    for match in re.finditer(r'(?:^|,)\s*([A-Za-z]+)((?:\s*,?\s*[A-Za-z0-9_-]+\s*=\s*(?:"[^"]*"|[^\s,]+))*)', header):
        params = {k.lower(): v.strip('"') for k, v in re.findall(r'([A-Za-z0-9_-]+)\s*=\s*("[^"]*"|[^\s,]+)',
                                                                  match.group(2))}
        found.setdefault(match.group(1).lower(), params)
    return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: a credentialed request must not be replayed to another address."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class HttpClient:
    """Send requests to one server with the same credentials and timeout.

    Parameters
    ----------
    credentials : Credentials
        Who to be; empty credentials send no ``Authorization`` header.
    timeout : float
        Seconds a request may take.
    agent : str
        The ``User-Agent`` header.
    """

    def __init__(self, credentials: Credentials | None = None, *, timeout: float = 30.0, agent: str = "echos-graph") -> None:
        self.credentials = credentials or Credentials()
        self.timeout = timeout
        self.agent = agent
        self._schemes: dict[str, tuple[str, _Challenge | None]] = {}
        self._opener = urllib.request.build_opener(_NoRedirect())

    def request(self, method: str, url: str, *, body: bytes | IO[bytes] | None = None,
                headers: Mapping[str, str] | None = None, ok: Iterable[int] = (200, 201, 204),
                timeout: float | None = None) -> Response:
        """Send one request and return the response; raise :class:`RemoteError` on any other status.

        ``timeout`` overrides the client's for this request.  The message of
        the error says what the server answered (first 500 characters of its
        body), never the credentials.
        """
        space = self._space(url)
        if self.credentials.user and space not in self._schemes and body is not None:
            self._learn(url)  # learn the scheme with a small request before sending a large body
        for attempt in (1, 2):
            response = self._send(method, url, body, headers, space, timeout)
            if response.status != 401 or attempt == 2 or not self.credentials:
                break
            if not self._remember(space, response.headers.get("www-authenticate", "")):
                break
            if hasattr(body, "seek"):
                body.seek(0)  # type: ignore[union-attr]
        if response.status not in tuple(ok):
            text = response.body[:500].decode("utf-8", errors="replace").strip()
            hint = ""
            if response.status in (401, 403):
                hint = ("; check the user and password (ECHOS_GRAPH_STORE_USER, ECHOS_GRAPH_STORE_PASSWORD) or the token "
                        "(ECHOS_GRAPH_STORE_TOKEN), and that the user may write (Virtuoso: the SPARQL_UPDATE role)")
            raise RemoteError(f"{method} {_public(url)} answered HTTP {response.status}{hint}: {text}", status=response.status)
        return response

    def _space(self, url: str) -> str:
        """Return the protection space of ``url``: scheme, host and path."""
        parts = urllib.parse.urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    def _learn(self, url: str) -> None:
        """Ask ``url`` with GET and no body, to learn which authentication it wants."""
        response = self._send("GET", url, None, None, None)
        if response.status == 401:
            self._remember(self._space(url), response.headers.get("www-authenticate", ""))

    def _remember(self, space: str, header: str) -> bool:
        """Store the scheme the server asked for; return whether it is one we can answer."""
        challenges = _parse_challenges(header)
        if "digest" in challenges and self.credentials.user:
            self._schemes[space] = ("digest", _Challenge(challenges["digest"]))
        elif "basic" in challenges and self.credentials.user:
            self._schemes[space] = ("basic", None)
        elif "bearer" in challenges and self.credentials.token:
            self._schemes[space] = ("bearer", None)
        else:
            return False
        return True

    def _authorization(self, method: str, url: str, space: str | None) -> str | None:
        """Return the ``Authorization`` header for a request, or None.

        A password goes only in the scheme the server asked for (never Basic
        on a guess); a token is sent from the first request.
        """
        if space is None:
            return None
        creds = self.credentials
        scheme, challenge = self._schemes.get(space, ("", None))
        if scheme == "digest" and challenge is not None:
            return challenge.header(method, url, creds)
        if scheme == "basic":
            pair = f"{creds.user}:{creds.password or ''}".encode()
            return "Basic " + base64.b64encode(pair).decode("ascii")
        if creds.token:
            return f"Bearer {creds.token}"
        return None

    def _send(self, method: str, url: str, body: bytes | IO[bytes] | None, headers: Mapping[str, str] | None,
              space: str | None, timeout: float | None = None) -> Response:
        """Send one request as it is; return the response whatever its status."""
        request = urllib.request.Request(url, data=body, method=method)  # type: ignore[arg-type]
        request.add_header("User-Agent", self.agent)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        authorization = self._authorization(method, url, space)
        if authorization:
            request.add_header("Authorization", authorization)
        try:
            with self._opener.open(request, timeout=timeout or self.timeout) as answer:
                return Response(answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read(),
                                tuple(answer.headers.items()))
        except urllib.error.HTTPError as exc:
            payload = exc.read() if exc.fp is not None else b""
            return Response(exc.code, {k.lower(): v for k, v in (exc.headers or {}).items()}, payload)
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"cannot reach {_public(url)}: {reason}") from None


def _public(url: str) -> str:
    """Return ``url`` without user information or query string, fit for a message."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
