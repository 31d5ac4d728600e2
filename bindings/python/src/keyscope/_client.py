"""keyscope.Client: the Pythonic face of the C++ client."""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Union

from . import _core, _network
from ._errors import ValidationError
from ._models import (APIKeyDetails, Fleet, FleetProgress, KeyFetchError, KeyList, KeyUsage,
                      RateLimit, Reconciliation, Response)
from ._raw_response import RawResponse

if TYPE_CHECKING:
    from ._transport import Transport
    from .analytics import UsageRows
    from .logs import Sources

__all__ = ["Client", "ClientWithRawResponse", "DEFAULT_BASE_URL"]

DEFAULT_BASE_URL = "https://socdefenders.ai"
_USER_AGENT_PRODUCT = f"keyscope-python/{_core.__version__}"


class Client:
    """Client of the SOC Defenders key-management API.

    ``session_token`` is sent as the ``sb-access-token`` cookie (never a Bearer API key; an
    ``sk_live_...`` key is refused before anything is sent). Defaults come from the environment
    variables ``KEYSCOPE_BASE_URL`` and ``KEYSCOPE_SESSION``. ``timeout`` is in seconds per
    attempt; 429, 5xx (not 501), timeouts and connection failures are retried up to
    ``max_retries`` times with exponential backoff and jitter, honouring ``Retry-After``.

    Calls block the calling thread but release the GIL while waiting, so several threads can
    have calls in flight at once; Ctrl-C interrupts a call (it is cancelled and
    ``KeyboardInterrupt`` is raised). Use as a context manager or call :meth:`close`. For
    asyncio, :class:`keyscope.AsyncClient` takes the same arguments.

    ``client.with_raw_response.get_usage(...)`` (and ``list_keys``, ``get_key``) returns a
    :class:`keyscope.RawResponse`: that call's status, headers, request id and elapsed time
    beside ``parsed()``. Every request, retry and wait is logged to
    ``logging.getLogger("keyscope")`` (DEBUG; retry waits at INFO), secrets redacted.

    Decoding is tolerant by default: any type-valid response decodes (a negative count too) and
    implausible values are findings of :func:`keyscope.check_usage`. ``strict=True`` turns them
    into a :class:`DecodeError` naming the JSON path (e.g. ``data.client_errors``), as the CLI's
    ``--strict`` and ``createClient({strict: true})`` do.

    Networks: ``ca_bundle`` is a PEM file of the CAs to trust (a server signed by your company's
    CA); without it, ``KEYSCOPE_CA_BUNDLE``, ``SSL_CERT_FILE``, ``REQUESTS_CA_BUNDLE``,
    ``CURL_CA_BUNDLE`` (first set), then the system's CA bundle, then certifi's when installed.
    ``verify`` is ``True``, ``False`` (no certificate check: a throwaway test server only; issues
    an :class:`InsecureTLSWarning`) or a CA bundle path as in requests. ``proxy`` is
    ``"http://[user:password@]host:port"``; without it ``https_proxy`` / ``HTTPS_PROXY`` /
    ``all_proxy`` apply. Hosts in ``no_proxy`` (else ``NO_PROXY``) are reached directly. A CA
    bundle that is not a readable PEM file or a proxy URL that does not parse is a
    :class:`ValidationError` here, before any request. A custom ``transport`` receives these
    choices through its ``configure_network(NetworkOptions)`` (:class:`RequestsTransport` has one).
    """

    def __init__(
        self,
        base_url: Optional[str] = None,
        session_token: Optional[str] = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
        transport: Optional["Transport"] = None,
        strict: bool = False,
        ca_bundle: Optional[Union[str, "os.PathLike[str]"]] = None,
        verify: Union[bool, str, "os.PathLike[str]"] = True,
        proxy: Optional[str] = None,
        no_proxy: Optional[str] = None,
    ) -> None:
        if base_url is None:
            base_url = os.environ.get("KEYSCOPE_BASE_URL", DEFAULT_BASE_URL)
        if session_token is None:
            session_token = os.environ.get("KEYSCOPE_SESSION", "")
        if not isinstance(base_url, str):
            raise ValidationError("base_url must be a string", code="invalid_argument")
        if not isinstance(session_token, str):
            raise ValidationError("session_token must be a string", code="invalid_argument")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise ValidationError("timeout must be a number of seconds", code="invalid_argument")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise ValidationError("max_retries must be an integer", code="invalid_argument")
        if not isinstance(strict, bool):
            raise ValidationError("strict must be True or False", code="invalid_argument")
        if transport is not None and not callable(getattr(transport, "send", None)):
            raise ValidationError("transport must have a send(request) method",
                                  code="invalid_argument")
        network = _network.resolve(ca_bundle, verify, proxy, no_proxy)
        network.check(for_python_transport=transport is not None)
        if transport is not None:
            configure = getattr(transport, "configure_network", None)
            if callable(configure):
                configure(network.for_python_transport())
            elif network.chosen_by_caller:
                raise ValidationError(
                    "this transport has no configure_network(options): set its CA bundle and "
                    "proxy on the transport itself", code="invalid_argument")
        if not network.verify:
            warnings.warn("keyscope.Client(verify=False): the server's TLS certificate is not "
                          "verified; anyone on the network path can impersonate the server and "
                          "read the session token", _network.InsecureTLSWarning, stacklevel=2)
        workers = _transport_workers(transport)
        self._transport = transport
        self._network = network
        self._core = _core.Client(base_url, session_token, float(timeout), min(max(max_retries, -1), 1000),
                                  transport, _USER_AGENT_PRODUCT, workers, strict,
                                  network.ca_bundle, network.verify, network.proxy,
                                  network.no_proxy)

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        """Release the client (and call ``close()`` on a custom transport). Idempotent.

        Calls in flight on other threads end at once with :class:`keyscope.CancelledError`
        (with a custom transport too, even inside a slow ``send()``, whose result is then
        dropped); the transport's worker threads exit once such a ``send()`` returns. At
        interpreter exit the same happens for every client, and the exit waits for those
        ``send()`` calls up to their timeout."""
        core = self.__dict__.get("_core")
        if core is not None and not core.closed():
            core.close()
            close = getattr(self._transport, "close", None)
            if callable(close):
                close()

    @property
    def closed(self) -> bool:
        return bool(self._core.closed())

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._core.closed():
            return "<keyscope.Client closed>"
        return (f"<keyscope.Client base_url={self._core.base_url()!r} "
                f"timeout={self._core.timeout():g}s max_retries={self._core.max_retries()}>")

    # -- properties --------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return str(self._core.base_url())

    @property
    def timeout(self) -> float:
        return float(self._core.timeout())

    @property
    def max_retries(self) -> int:
        return int(self._core.max_retries())

    @property
    def strict(self) -> bool:
        """Whether implausible responses are DecodeErrors (``Client(strict=True)``)."""
        return bool(self._core.strict())

    @property
    def ca_bundle(self) -> Optional[str]:
        """The CA bundle the libcurl transport trusts (None: not verifying, or libcurl's default
        store), chosen in the order of the class docstring. With a custom transport: the one it
        was asked to use, if any."""
        if self._transport is not None:
            return self._network.for_python_transport().ca_bundle
        return self._network.ca_bundle or None

    @property
    def user_agent(self) -> str:
        return str(self._core.user_agent())

    @property
    def rate_limit(self) -> RateLimit:
        """Rate-limit headers of the most recent response (errors included)."""
        result: RateLimit = self._core.rate_limit()
        return result

    @property
    def last_response(self) -> Optional[Response]:
        """The last raw HTTP response of the calls made by the calling thread (cookies
        redacted), or None before its first call. Per thread: another thread's calls never
        change it. For one call's own response use ``client.with_raw_response``."""
        result: Optional[Response] = self._core.last_response()
        return result

    @property
    def with_raw_response(self) -> "ClientWithRawResponse":
        """The calls, each returning a :class:`RawResponse` (status, headers, request id,
        elapsed, ``parsed()``) instead of the value alone."""
        return ClientWithRawResponse(self)

    # -- endpoints ---------------------------------------------------------------------------
    def list_keys(self, *, timeout: Optional[float] = None,
                  max_retries: Optional[int] = None) -> KeyList:
        """``GET /api/v1/keys``: every key of the user (revoked ones included)."""
        result: KeyList = self._core.list_keys(*_call_options(timeout, max_retries), False)
        return result

    def get_key(self, key_id: str, *, timeout: Optional[float] = None,
                max_retries: Optional[int] = None) -> APIKeyDetails:
        """``GET /api/v1/keys/{key_id}``: full metadata and the daily usage summary."""
        result: APIKeyDetails = self._core.get_key(_check_key_id(key_id),
                                                   *_call_options(timeout, max_retries), False)
        return result

    def get_usage(self, key_id: str, days: int = 30, *, timeout: Optional[float] = None,
                  max_retries: Optional[int] = None) -> KeyUsage:
        """``GET /api/v1/keys/{key_id}/usage?days=N`` (``days`` in 1..90)."""
        result: KeyUsage = self._core.get_usage(_check_key_id(key_id), _check_days(days),
                                                *_call_options(timeout, max_retries), False, False)
        return result

    def fetch_fleet(self, days: int = 30, concurrency: int = 8, *,
                    timeout: Optional[float] = None, max_retries: Optional[int] = None,
                    errors: str = "raise",
                    progress: Optional[Callable[[FleetProgress], Any]] = None) -> Fleet:
        """The key list, then the usage of every active key (at most ``concurrency`` in flight).

        ``errors="raise"`` (default): the first key that fails ends the fetch and its error is
        raised. ``errors="collect"``: every other key is still fetched; ``fleet.errors`` lists
        the failures (:class:`KeyFetchError`: ``key_id`` and ``error``, a keyscope exception
        instance) and ``fleet.usages`` holds only the keys that answered. Errors every key would
        meet (401, 403, rate limits) and a failed key list are raised in both modes.

        ``progress``: called with a :class:`FleetProgress` (``done``, ``total``, ``failed``) once
        the key list is in and as keys complete, on the calling thread, with the latest counts
        (keys that complete together are one call); the last call has ``done == total``. An
        exception it raises cancels the fetch (requests in flight are abandoned, no more are
        sent) and is raised from ``fetch_fleet`` as it is."""
        return fleet_of(self._core.fetch_fleet(
            *fleet_arguments(days, concurrency, timeout, max_retries, errors),
            _check_progress(progress)))

    def usage_by_key(self, days: int = 30, concurrency: int = 8, *,
                     timeout: Optional[float] = None, max_retries: Optional[int] = None,
                     errors: str = "raise",
                     progress: Optional[Callable[[FleetProgress], Any]] = None) -> "UsageRows":
        """One row per active key over the window, busiest first (see ``keyscope.usage_by_key``).

        Returns a list of :class:`UsageRow` (a :class:`keyscope.UsageRows`). With
        ``errors="collect"`` a key whose usage failed has no row and is listed, with its
        exception, in the returned list's ``.errors`` (as ``keyscope report`` prints the other
        keys and lists the failures); with ``errors="raise"`` the first failure is raised.
        ``progress``: as for :meth:`fetch_fleet`."""
        from .analytics import UsageRows, usage_by_key

        fleet = self.fetch_fleet(days, concurrency, timeout=timeout, max_retries=max_retries,
                                 errors=errors, progress=progress)
        return UsageRows(usage_by_key(fleet), fleet.errors)

    def reconcile(self, logs: "Sources", days: int = 30, *, tolerance: float = 0.02,
                  min_diff: int = 5, now: Any = None, format: Optional[str] = None,
                  nginx_format: Optional[str] = None, fields: Optional[Mapping[str, str]] = None,
                  latency_unit: Optional[str] = None, concurrency: int = 8,
                  timeout: Optional[float] = None,
                  max_retries: Optional[int] = None) -> Reconciliation:
        """The API's usage held against your own traffic logs, per key and UTC day.

        Fetches the fleet (``fetch_fleet(days)``), reads ``logs`` (paths, globs, ``"-"`` or file
        objects; the options of :func:`keyscope.logs.summarize`) over the same ``days`` UTC days
        -- ending on the day of the API's ``Date`` header, as the API counts them; ``now=``
        overrides -- and compares them: a day agrees when ``|api - logs| <= max(tolerance * api,
        min_diff)``, for requests and errors. Findings: ``api_exceeds_logs`` (possible leaked
        key), ``logs_exceed_api``, ``unknown_key``, ``revoked_key_in_use``,
        ``expired_key_in_use``, ``key_silent_in_logs``; ``result.to_pandas()`` gives them as a
        DataFrame. Log options are checked before any request is sent.
        """
        from . import logs as _logs

        options = _logs.ReaderOptions(format, nginx_format, fields, latency_unit)
        sources = _logs._expand(logs)
        now_unix = None if now is None else _logs._now_unix(now)
        fleet = self.fetch_fleet(days, concurrency, timeout=timeout, max_retries=max_retries)
        return reconcile_fleet(fleet, sources, options, now_unix, tolerance, min_diff)


class ClientWithRawResponse:
    """``client.with_raw_response``: the HTTP calls of a :class:`Client`, each returning a
    :class:`RawResponse` of its own response."""

    def __init__(self, client: Client) -> None:
        self._core = client._core

    def list_keys(self, *, timeout: Optional[float] = None,
                  max_retries: Optional[int] = None) -> RawResponse[KeyList]:
        return RawResponse(*self._core.list_keys(*_call_options(timeout, max_retries), True))

    def get_key(self, key_id: str, *, timeout: Optional[float] = None,
                max_retries: Optional[int] = None) -> RawResponse[APIKeyDetails]:
        return RawResponse(*self._core.get_key(_check_key_id(key_id),
                                               *_call_options(timeout, max_retries), True))

    def get_usage(self, key_id: str, days: int = 30, *, timeout: Optional[float] = None,
                  max_retries: Optional[int] = None) -> RawResponse[KeyUsage]:
        return RawResponse(*self._core.get_usage(_check_key_id(key_id), _check_days(days),
                                                 *_call_options(timeout, max_retries), False, True))


# -- shared with AsyncClient -----------------------------------------------------------------

def fleet_arguments(days: Any, concurrency: Any, timeout: Any, max_retries: Any,
                    errors: Any) -> "tuple[int, int, Optional[float], Optional[int], bool]":
    """The checked arguments of the core's fetch_fleet / start_fetch_fleet."""
    collect = _check_errors_mode(errors)
    return (_check_days(days), _check_concurrency(concurrency),
            *_call_options(timeout, max_retries), collect)


def fleet_of(parts: Any) -> Fleet:
    """The core's fleet tuple (client_binding.cpp fleet_to_py) as a Fleet; the Date header of the
    key list rides along for reconcile (the API's clock)."""
    keys, usages, window_days, analytics_input, failed, date = parts
    return Fleet(keys, usages, window_days, analytics_input,
                 tuple(KeyFetchError(key_id, error) for key_id, error in failed), date)


def reconcile_fleet(fleet: Fleet, sources: Any, options: Any, now_unix: Optional[int],
                    tolerance: float, min_diff: int) -> Reconciliation:
    from . import logs as _logs

    if now_unix is None:
        now_unix = _server_now(fleet._server_date)
    window = _logs.Window(fleet.window_days, now_unix)
    aggregate = _logs.read_aggregate(sources, options, window)
    _summary, result, _discrepancy = _logs.reconcile_aggregate(
        aggregate, fleet.keys, fleet.usages, window, tolerance=tolerance, min_diff=min_diff)
    return result


def _server_now(date_header: Optional[str]) -> int:
    """The API's clock: the Date header of the key list's response (the CLI does the same), or
    the local clock when the response has none."""
    import time
    from email.utils import parsedate_to_datetime

    if date_header:
        try:
            return int(parsedate_to_datetime(date_header).timestamp())
        except (TypeError, ValueError, IndexError):
            pass
    return int(time.time())


def _transport_workers(transport: Any) -> int:
    """How many worker threads a custom transport gets: its ``max_concurrency`` (default 8)."""
    if transport is None:
        return 0
    workers = getattr(transport, "max_concurrency", 8)
    if workers is None:
        return 8
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 64:
        raise ValidationError("transport.max_concurrency must be an integer in 1..64",
                              code="invalid_argument")
    return workers


def _call_options(timeout: Any, max_retries: Any) -> "tuple[Optional[float], Optional[int]]":
    """A call's own timeout (seconds) and retries, type-checked (the core checks the ranges)."""
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))):
        raise ValidationError(f"timeout must be a number of seconds, not {type(timeout).__name__}",
                              code="invalid_argument")
    if max_retries is not None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise ValidationError(f"max_retries must be an integer, not {type(max_retries).__name__}",
                                  code="invalid_argument")
        max_retries = min(max(max_retries, -1), 1000)  # the core's range is 0..10; keeps C++ int whole
    return (None if timeout is None else float(timeout)), max_retries


def _check_key_id(key_id: Any) -> str:
    if not isinstance(key_id, str):
        raise ValidationError(f"key_id must be a UUID string, not {type(key_id).__name__}",
                              code="invalid_argument")
    return key_id


def _check_days(days: Any) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValidationError(f"days must be an integer in 1..90, not {type(days).__name__}",
                              code="invalid_argument")
    if not -(2**31) < days < 2**31:  # the core validates 1..90; this only keeps C++ int from overflowing
        raise ValidationError("days must be between 1 and 90", code="invalid_argument")
    return days


def _check_errors_mode(errors: Any) -> bool:
    if errors not in ("raise", "collect"):
        raise ValidationError(f'errors must be "raise" or "collect", not {errors!r}',
                              code="invalid_argument")
    return bool(errors == "collect")


def _check_progress(progress: Any) -> Any:
    if progress is not None and not callable(progress):
        raise ValidationError(f"progress must be a callable taking a keyscope.FleetProgress, not "
                              f"{type(progress).__name__}", code="invalid_argument")
    return progress


def _check_concurrency(concurrency: Any) -> int:
    if isinstance(concurrency, bool) or not isinstance(concurrency, int):
        raise ValidationError(f"concurrency must be an integer, not {type(concurrency).__name__}",
                              code="invalid_concurrency")
    _core.validate_concurrency(min(max(concurrency, -(2**31)), 2**31))  # the core's rule: 1..256
    return int(concurrency)
