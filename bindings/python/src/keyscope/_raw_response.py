"""``client.with_raw_response.<call>(...)``: one call's HTTP response beside its parsed value, as
openai-python's ``with_raw_response`` does. Each call returns its own object, so threads (or
tasks) sharing a client never see one another's responses."""

from __future__ import annotations

from datetime import timedelta
from typing import Dict, Generic, Iterator, Mapping, Optional, Tuple, TypeVar

from ._models import Response

T = TypeVar("T")

__all__ = ["RawResponse"]


class _Headers(Mapping[str, str]):
    """Response headers, looked up case-insensitively; repeated ones joined with ", " (RFC 9110).
    Cookie, Set-Cookie and Authorization values are ``[redacted]``."""

    def __init__(self, pairs: Tuple[Tuple[str, str], ...]) -> None:
        self._names: Dict[str, str] = {}
        self._values: Dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            self._names.setdefault(key, name)
            self._values[key] = f"{self._values[key]}, {value}" if key in self._values else value

    def __getitem__(self, name: str) -> str:
        value: str = self._values[name.lower()]
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


class RawResponse(Generic[T]):
    """One call's response: ``status_code``, ``headers`` (a case-insensitive mapping; cookies
    and credentials redacted), ``request_id`` (the ``X-Request-Id`` header, or None),
    ``elapsed`` (a ``timedelta``: from the call's start to its final response, retries
    included), ``text`` (the body, secrets redacted) and ``parsed()``, the value the call
    returns without ``with_raw_response``. An error response raises as the call does (the
    exception carries ``status`` and ``request_id``)."""

    def __init__(self, value: T, response: Response, elapsed_seconds: float) -> None:
        self._value = value
        self._response = response
        self.status_code: int = response.status
        self.headers: Mapping[str, str] = _Headers(response.headers)
        self.request_id: Optional[str] = response.header("X-Request-Id")
        self.elapsed: timedelta = timedelta(seconds=elapsed_seconds)

    @property
    def text(self) -> str:
        return self._response.body

    @property
    def http_response(self) -> Response:
        """The same as a :class:`keyscope.Response` (``status``, header pairs, ``body``)."""
        return self._response

    def parsed(self) -> T:
        return self._value

    def __repr__(self) -> str:
        return (f"<RawResponse status_code={self.status_code} request_id={self.request_id!r} "
                f"elapsed={self.elapsed.total_seconds():.3f}s>")
