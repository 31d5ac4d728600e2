"""Which CAs a :class:`keyscope.Client` trusts and which proxy it goes through.

The CA bundle, first found wins (the CLI and the C++ core's ``find_ca_bundle`` use the same
order, certifi aside):

1. ``ca_bundle=`` (or ``verify="path"``, as in requests);
2. the environment: ``KEYSCOPE_CA_BUNDLE``, ``SSL_CERT_FILE``, ``REQUESTS_CA_BUNDLE``,
   ``CURL_CA_BUNDLE``;
3. the system's bundle: the first existing of the usual paths of Debian/Ubuntu, Fedora/RHEL,
   openSUSE, Alpine, ... (the libcurl bundled in the wheel only knows Debian's);
4. certifi's bundle, when certifi is installed (``pip install 'keyscope[certifi]'``);
5. libcurl's built-in default.

The proxy: ``proxy=``, else libcurl's environment variables (``https_proxy`` / ``HTTPS_PROXY``,
``all_proxy`` / ``ALL_PROXY``; ``http_proxy`` for an ``http://`` base URL). Hosts in
``no_proxy=``, else ``NO_PROXY``, are reached directly, whichever way the proxy was given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Optional, Tuple

from . import _core
from ._errors import ValidationError

__all__ = ["InsecureTLSWarning", "NetworkOptions"]

# The core's find_ca_bundle reads these, in this order (sdk/src/transport/curl/ca_bundle.cpp).
_ENVIRONMENT_VARIABLES = ("KEYSCOPE_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
                          "CURL_CA_BUNDLE")


class InsecureTLSWarning(UserWarning):
    """Issued by ``Client(verify=False)``: the server's certificate is not verified."""


@dataclass(frozen=True)
class NetworkOptions:
    """What a Python transport is asked to honour, through its ``configure_network(options)``.

    Only what the caller chose is set (an argument of the Client or a CA bundle from the
    environment); ``None`` leaves the transport's own default (requests: certifi, its proxy
    environment variables).
    """

    ca_bundle: Optional[str] = None  # PEM file of the CAs to trust
    verify: bool = True
    proxy: Optional[str] = None      # "http://[user:password@]host:port"
    no_proxy: Optional[str] = None   # "localhost,.corp.example"

    def __repr__(self) -> str:  # a proxy URL may carry a password
        proxy = None if self.proxy is None else _core.proxy_for_message(self.proxy)
        return (f"NetworkOptions(ca_bundle={self.ca_bundle!r}, verify={self.verify}, "
                f"proxy={proxy!r}, no_proxy={self.no_proxy!r})")


@dataclass(frozen=True)
class Network:
    """The resolved choice: what the libcurl transport gets, and where the CA bundle came from."""

    ca_bundle: str  # "" when not verifying or nothing was found (libcurl's default)
    ca_source: str  # "ca_bundle", "verify", an environment variable, "system", "certifi", ""
    verify: bool
    proxy: str
    no_proxy: str

    @property
    def chosen_by_caller(self) -> bool:
        """Whether an argument asked for anything a transport must honour."""
        return (self.ca_source in ("ca_bundle", "verify") or not self.verify
                or bool(self.proxy) or bool(self.no_proxy))

    def check(self, for_python_transport: bool) -> None:
        """ValidationError for a CA bundle that is not a readable PEM file or a proxy URL that
        does not parse (the core's check_transport_options), before anything is changed."""
        ca_bundle = (self.for_python_transport().ca_bundle or "") if for_python_transport \
            else self.ca_bundle
        if self.ca_source in _ENVIRONMENT_VARIABLES:
            ca_bundle = ""  # the core finds the same file and names its variable in the message
        _core.check_network(ca_bundle, self.verify, self.proxy, self.no_proxy)

    def for_python_transport(self) -> NetworkOptions:
        from_caller = self.ca_source not in ("system", "certifi", "")
        return NetworkOptions(self.ca_bundle if from_caller else None, self.verify,
                              self.proxy or None, self.no_proxy or None)


def resolve(ca_bundle: Any, verify: Any, proxy: Any, no_proxy: Any) -> Network:
    path, source = _ca_argument(ca_bundle, verify)
    verifying = verify is not False
    if verifying and not path:
        path, source = _core.find_ca_bundle()
        if not path:
            path, source = _certifi_bundle()
    return Network(path if verifying else "", source if verifying else "", verifying,
                   _text_option("proxy", proxy, "a URL such as http://proxy:3128"),
                   _text_option("no_proxy", no_proxy, "hosts such as 'localhost,.corp.example'"))


def _ca_argument(ca_bundle: Any, verify: Any) -> Tuple[str, str]:
    if not isinstance(verify, (bool, str, os.PathLike)):
        raise ValidationError("verify must be True, False or the path of a CA bundle",
                              code="invalid_argument")
    from_verify = "" if isinstance(verify, bool) else _path("verify", verify)
    from_argument = "" if ca_bundle is None else _path("ca_bundle", ca_bundle)
    if verify is False and from_argument:
        raise ValidationError("ca_bundle and verify=False contradict each other",
                              code="invalid_argument")
    if from_verify and from_argument and from_verify != from_argument:
        raise ValidationError("ca_bundle and verify name two different CA bundles",
                              code="invalid_argument")
    if from_argument:
        return from_argument, "ca_bundle"
    if from_verify:
        return from_verify, "verify"
    return "", ""


def _path(name: str, value: Any) -> str:
    if not isinstance(value, (str, os.PathLike)):
        raise ValidationError(f"{name} must be a path, not {type(value).__name__}",
                              code="invalid_argument")
    path = os.fspath(value)
    if not isinstance(path, str) or not path:
        raise ValidationError(f"{name} must be a non-empty path", code="invalid_argument")
    return path


def _text_option(name: str, value: Any, expected: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{name} must be {expected}", code="invalid_argument")
    return value


def _certifi_bundle() -> Tuple[str, str]:
    try:
        import certifi  # optional dependency: pip install 'keyscope[certifi]'
    except ImportError:
        return "", ""
    return str(certifi.where()), "certifi"
