"""keyscope.AsyncClient: the Client's calls as coroutines for asyncio.

Each call is the C++ core's asynchronous call (no thread per call: the libcurl transport's own
thread drives every request in flight); its outcome is handed to the running loop with
``loop.call_soon_threadsafe`` and becomes Python objects there. Cancelling the awaiting task
(``task.cancel()``, ``asyncio.wait_for``, ``asyncio.timeout``) cancels the core's call: its
request is abandoned and its connection closed."""

from __future__ import annotations

import asyncio
import functools
import os
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Tuple, Union

from ._client import (Client, _call_options, _check_days, _check_key_id, _check_progress,
                      fleet_arguments, fleet_of, reconcile_fleet)
from ._models import (APIKeyDetails, Fleet, FleetProgress, KeyList, KeyUsage, RateLimit,
                      Reconciliation, Response)
from ._raw_response import RawResponse

if TYPE_CHECKING:
    from ._transport import Transport
    from .analytics import UsageRows
    from .logs import Sources

__all__ = ["AsyncClient", "AsyncClientWithRawResponse"]


class AsyncClient:
    """:class:`keyscope.Client` for asyncio: the same arguments, every call a coroutine.

    ::

        async with keyscope.AsyncClient(session_token=token) as client:
            keys = await client.list_keys()
            usages = await asyncio.gather(*(client.get_usage(k.id, 30) for k in keys))

    Many calls can be in flight on one event loop (the libcurl transport runs up to 16 requests
    at once, more wait in its queue). Cancelling a call's task cancels its request. A custom
    ``transport`` works too: its blocking ``send()`` runs on the transport's worker threads,
    never on the loop. ``aclose()`` (or leaving ``async with``) ends the calls in flight with
    :class:`keyscope.CancelledError`."""

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
        self._client = Client(base_url, session_token, timeout=timeout, max_retries=max_retries,
                              transport=transport, strict=strict, ca_bundle=ca_bundle,
                              verify=verify, proxy=proxy, no_proxy=no_proxy)
        self._core = self._client._core

    # -- lifecycle ---------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Release the client (as :meth:`Client.close`): calls in flight raise
        :class:`keyscope.CancelledError`. Idempotent."""
        self._client.close()

    def close(self) -> None:
        """The same as :meth:`aclose`, from synchronous code."""
        self._client.close()

    @property
    def closed(self) -> bool:
        return self._client.closed

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return repr(self._client).replace("keyscope.Client", "keyscope.AsyncClient", 1)

    # -- properties --------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self._client.base_url

    @property
    def timeout(self) -> float:
        return self._client.timeout

    @property
    def max_retries(self) -> int:
        return self._client.max_retries

    @property
    def strict(self) -> bool:
        return self._client.strict

    @property
    def ca_bundle(self) -> Optional[str]:
        return self._client.ca_bundle

    @property
    def user_agent(self) -> str:
        return self._client.user_agent

    @property
    def rate_limit(self) -> RateLimit:
        """Rate-limit headers of the most recent response (errors included)."""
        return self._client.rate_limit

    @property
    def last_response(self) -> Optional[Response]:
        """The last raw response of the calls that completed on this thread (the loop's), or
        None. Prefer ``with_raw_response`` for one call's own response."""
        return self._client.last_response

    @property
    def with_raw_response(self) -> "AsyncClientWithRawResponse":
        """The calls, each returning a :class:`RawResponse` instead of the value alone."""
        return AsyncClientWithRawResponse(self)

    # -- endpoints ---------------------------------------------------------------------------
    async def list_keys(self, *, timeout: Optional[float] = None,
                        max_retries: Optional[int] = None) -> KeyList:
        """``GET /api/v1/keys``: every key of the user (revoked ones included)."""
        result: KeyList = await _run(self._core.start_list_keys,
                                     (*_call_options(timeout, max_retries), False))
        return result

    async def get_key(self, key_id: str, *, timeout: Optional[float] = None,
                      max_retries: Optional[int] = None) -> APIKeyDetails:
        """``GET /api/v1/keys/{key_id}``: full metadata and the daily usage summary."""
        result: APIKeyDetails = await _run(
            self._core.start_get_key,
            (_check_key_id(key_id), *_call_options(timeout, max_retries), False))
        return result

    async def get_usage(self, key_id: str, days: int = 30, *, timeout: Optional[float] = None,
                        max_retries: Optional[int] = None) -> KeyUsage:
        """``GET /api/v1/keys/{key_id}/usage?days=N`` (``days`` in 1..90)."""
        result: KeyUsage = await _run(
            self._core.start_get_usage,
            (_check_key_id(key_id), _check_days(days), *_call_options(timeout, max_retries), False))
        return result

    async def fetch_fleet(self, days: int = 30, concurrency: int = 8, *,
                          timeout: Optional[float] = None, max_retries: Optional[int] = None,
                          errors: str = "raise",
                          progress: Optional[Callable[[FleetProgress], Any]] = None) -> Fleet:
        """As :meth:`Client.fetch_fleet`. ``progress`` is called on the loop, once per update
        (the last with ``done == total``); an exception it raises cancels the fetch and is
        raised from the await as it is."""
        args = fleet_arguments(days, concurrency, timeout, max_retries, errors)
        parts = await _run(self._core.start_fetch_fleet, args, _check_progress(progress))
        return fleet_of(parts)

    async def usage_by_key(self, days: int = 30, concurrency: int = 8, *,
                           timeout: Optional[float] = None, max_retries: Optional[int] = None,
                           errors: str = "raise",
                           progress: Optional[Callable[[FleetProgress], Any]] = None) -> "UsageRows":
        """As :meth:`Client.usage_by_key`."""
        from .analytics import UsageRows, usage_by_key

        fleet = await self.fetch_fleet(days, concurrency, timeout=timeout,
                                       max_retries=max_retries, errors=errors, progress=progress)
        return UsageRows(usage_by_key(fleet), fleet.errors)

    async def reconcile(self, logs: "Sources", days: int = 30, *, tolerance: float = 0.02,
                        min_diff: int = 5, now: Any = None, format: Optional[str] = None,
                        nginx_format: Optional[str] = None,
                        fields: Optional[Mapping[str, str]] = None,
                        latency_unit: Optional[str] = None, concurrency: int = 8,
                        timeout: Optional[float] = None,
                        max_retries: Optional[int] = None) -> Reconciliation:
        """As :meth:`Client.reconcile`; the logs are read in the loop's default executor (file
        reading must not block the loop)."""
        from . import logs as _logs

        options = _logs.ReaderOptions(format, nginx_format, fields, latency_unit)
        sources = _logs._expand(logs)
        now_unix = None if now is None else _logs._now_unix(now)
        fleet = await self.fetch_fleet(days, concurrency, timeout=timeout, max_retries=max_retries)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(
            reconcile_fleet, fleet, sources, options, now_unix, tolerance, min_diff))


class AsyncClientWithRawResponse:
    """``async_client.with_raw_response``: each call returns a :class:`RawResponse`."""

    def __init__(self, client: AsyncClient) -> None:
        self._core = client._core

    async def list_keys(self, *, timeout: Optional[float] = None,
                        max_retries: Optional[int] = None) -> RawResponse[KeyList]:
        parts = await _run(self._core.start_list_keys, (*_call_options(timeout, max_retries), True))
        return RawResponse(*parts)

    async def get_key(self, key_id: str, *, timeout: Optional[float] = None,
                      max_retries: Optional[int] = None) -> RawResponse[APIKeyDetails]:
        parts = await _run(self._core.start_get_key,
                           (_check_key_id(key_id), *_call_options(timeout, max_retries), True))
        return RawResponse(*parts)

    async def get_usage(self, key_id: str, days: int = 30, *, timeout: Optional[float] = None,
                        max_retries: Optional[int] = None) -> RawResponse[KeyUsage]:
        parts = await _run(self._core.start_get_usage,
                           (_check_key_id(key_id), _check_days(days),
                            *_call_options(timeout, max_retries), True))
        return RawResponse(*parts)


async def _run(start: Callable[..., Any], args: Tuple[Any, ...],
               progress: Optional[Callable[[FleetProgress], Any]] = None) -> Any:
    """Starts a core call (``start(*args, loop, on_done[, on_progress])``) and awaits its
    outcome; a cancelled await cancels the call."""
    loop = asyncio.get_running_loop()
    future: "asyncio.Future[Any]" = loop.create_future()

    def on_done(call: Any) -> None:
        if future.done():  # cancelled, or the progress callback failed
            return
        try:
            value = call.outcome()
        except Exception as error:  # noqa: BLE001 - the call's keyscope error, for the awaiter
            future.set_exception(error)
        else:
            future.set_result(value)

    if progress is None:
        call = start(*args, loop, on_done)
    else:
        def on_progress(done: int, total: int, failed: int) -> None:
            if future.done():
                return
            try:
                progress(FleetProgress(done, total, failed))
            except BaseException as error:  # noqa: BLE001 - re-raised by the await
                call.cancel()
                future.set_exception(error)

        call = start(*args, loop, on_done, on_progress)
    try:
        return await future
    except asyncio.CancelledError:
        call.cancel()
        raise
