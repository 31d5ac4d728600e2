"""Pluggable transports: give a :class:`keyscope.Client` your own HTTP stack.

Subclass :class:`Transport` and implement ``send(request) -> HttpResponse`` (synchronous). The
C++ core calls it from a small pool of worker threads (holding the GIL only while your code
runs), so retries, error mapping, rate-limit tracking, ``usage_by_key`` concurrency and the
analytics all work through it. Raise :class:`keyscope.TimeoutError` (or any built-in
``TimeoutError``) for a timeout, :class:`ssl.SSLError` for a TLS failure (code ``tls_failed``,
as the libcurl transport's) and :class:`keyscope.ConnectionError` (or any ``OSError``) for a
connection failure; any other exception is reported as a ``ConnectionError`` too. An HTTP error
status is *not* an exception: return it, the client maps it.

A transport that can honour the Client's ``ca_bundle``, ``verify``, ``proxy`` and ``no_proxy``
(and a CA bundle named by the environment) defines ``configure_network(options)``: the Client
calls it once with a :class:`keyscope.NetworkOptions` before any request. A Client given those
arguments refuses a transport without it.

Do not follow redirects: return a 3xx response as it came (``allow_redirects=False`` in
requests, ``follow_redirects=False`` in httpx). The client turns it into a
:class:`keyscope.RedirectError`; a transport that follows one could carry the session cookie to
another origin.
"""

from __future__ import annotations

import builtins
import ssl
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from ._errors import CancelledError as _CancelledError
from ._models import find_header
from ._network import NetworkOptions

__all__ = ["HttpRequest", "HttpResponse", "Transport", "RequestsTransport"]

_SECRET_HEADERS = {"cookie", "set-cookie", "authorization", "proxy-authorization", "x-api-key"}


@dataclass(frozen=True)
class HttpRequest:
    """One request the client wants sent. ``timeout`` is in seconds (per attempt)."""

    method: str
    url: str
    headers: Tuple[Tuple[str, str], ...]
    body: bytes
    timeout: float

    def header(self, name: str) -> Optional[str]:
        return find_header(self.headers, name)

    @property
    def headers_dict(self) -> "dict[str, str]":
        """Headers as a dict (later duplicates win); convenient for requests/httpx."""
        return {k: v for k, v in self.headers}

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{k}: {'[redacted]' if k.lower() in _SECRET_HEADERS else v}" for k, v in self.headers)
        return f"HttpRequest({self.method} {self.url}, headers=[{shown}], timeout={self.timeout:g})"


@dataclass(frozen=True)
class HttpResponse:
    """What a transport returns: any status (errors are mapped by the client), headers, body."""

    status: int
    headers: Union[Mapping[str, str], Iterable[Tuple[str, str]]] = ()
    body: Union[bytes, str] = b""

    def __repr__(self) -> str:
        return f"HttpResponse(status={self.status}, body={len(self.body)} bytes)"


class Transport:
    """Base class of Python transports. ``name`` goes into the User-Agent."""

    name: str = "python"
    #: How many exchanges may run at once (worker threads of the adapter).
    max_concurrency: int = 8

    def send(self, request: HttpRequest) -> HttpResponse:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        """Release resources (called by :meth:`keyscope.Client.close`)."""


class RequestsTransport(Transport):
    """A transport on a :class:`requests.Session` (mTLS, custom adapters, ...).

    >>> import requests, keyscope
    >>> session = requests.Session(); session.cert = ("client.pem", "client.key")
    >>> client = keyscope.Client(session_token=..., transport=keyscope.RequestsTransport(session))

    The Client's ``ca_bundle`` / ``verify`` / ``proxy`` / ``no_proxy`` (and a CA bundle from
    ``KEYSCOPE_CA_BUNDLE``, ``SSL_CERT_FILE``, ...) are passed on every request, so they win over
    the session's own settings; without them requests' defaults apply (certifi, its proxy
    environment variables).
    """

    name = "requests"

    def __init__(self, session: Any = None) -> None:
        import requests  # optional dependency: pip install keyscope[requests]

        self._requests = requests
        self.session = session if session is not None else requests.Session()
        self._network = NetworkOptions()

    def configure_network(self, options: NetworkOptions) -> None:
        self._network = options

    def _network_arguments(self, url: str) -> Dict[str, Any]:
        options = self._network
        arguments: Dict[str, Any] = {}
        # Per request, because requests lets REQUESTS_CA_BUNDLE win over session.verify.
        if not options.verify:
            arguments["verify"] = False
        elif options.ca_bundle is not None:
            arguments["verify"] = options.ca_bundle
        if options.no_proxy is not None and \
                self._requests.utils.should_bypass_proxies(url, no_proxy=options.no_proxy):
            arguments["proxies"] = {"http": None, "https": None}  # None drops the env's too
        elif options.proxy is not None:
            arguments["proxies"] = {"http": options.proxy, "https": options.proxy}
        return arguments

    def send(self, request: HttpRequest) -> HttpResponse:
        requests = self._requests
        try:
            r = self.session.request(request.method, request.url, headers=request.headers_dict,
                                     data=request.body or None, timeout=request.timeout,
                                     allow_redirects=False, **self._network_arguments(request.url))
        except requests.Timeout as exc:
            raise builtins.TimeoutError(f"requests timed out: {type(exc).__name__}") from None
        except requests.exceptions.SSLError as exc:
            raise ssl.SSLError(f"requests TLS failure: {exc}") from None
        except requests.RequestException as exc:
            raise builtins.ConnectionError(f"requests failed: {type(exc).__name__}") from None
        return HttpResponse(r.status_code, list(r.headers.items()), r.content)

    def close(self) -> None:
        self.session.close()


def _headers_list(headers: Any) -> List[Tuple[str, str]]:
    if headers is None:
        return []
    items = headers.items() if hasattr(headers, "items") else headers
    return [(str(k), str(v)) for k, v in items]


def _invoke(target: Any, method: str, url: str, headers: List[Tuple[str, str]], body: bytes,
            timeout: float) -> Tuple[Any, ...]:
    """Called by the C++ adapter (GIL held, worker thread). Never raises. Returns ("ok", status,
    headers, body) or (kind, message[, code])."""
    try:
        request = HttpRequest(method, url, tuple(headers), body, timeout)
        response = target.send(request)
        status = getattr(response, "status", None)
        if status is None:
            status = getattr(response, "status_code")  # a requests/httpx response works too
        raw_body = getattr(response, "body", None)
        if raw_body is None:
            raw_body = getattr(response, "content", b"")
        if isinstance(raw_body, str):
            raw_body = raw_body.encode("utf-8")
        return ("ok", int(status), _headers_list(getattr(response, "headers", None)), bytes(raw_body))
    except builtins.TimeoutError as exc:
        return ("timeout", f"custom transport timed out: {type(exc).__name__}: {exc}")
    except _CancelledError as exc:
        return ("cancelled", f"custom transport cancelled: {exc}")
    except ssl.SSLError as exc:  # before OSError, its base
        return ("connection", f"custom transport TLS failure: {exc}", "tls_failed")
    except BaseException as exc:  # noqa: BLE001 - everything else is a connection failure
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            return ("cancelled", f"custom transport interrupted: {type(exc).__name__}")
        return ("connection", f"custom transport failed: {type(exc).__name__}: {exc}")
