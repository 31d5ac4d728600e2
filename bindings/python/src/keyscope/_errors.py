"""The keyscope exception taxonomy (docs/DESIGN.md "Errors"), shared by every front door.

Every exception carries ``status`` (HTTP status, 0 when no response was received), ``code``
(API or SDK error code), ``message``, ``request_id``, ``details`` (dict) and, for
:class:`DecodeError`, ``json_path``. None of them ever contains the session token.

``keyscope.TimeoutError`` also derives from the built-in :class:`TimeoutError` and
``keyscope.ConnectionError`` from the built-in :class:`ConnectionError`, so generic
``except TimeoutError`` / ``except ConnectionError`` handlers catch them too.
"""

from __future__ import annotations

import builtins
import json
from typing import Any, Dict, Optional

__all__ = [
    "KeyscopeError",
    "ValidationError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "BadRequestError",
    "ServerError",
    "TimeoutError",
    "ConnectionError",
    "DecodeError",
    "CancelledError",
    "RedirectError",
    "MissingDependencyError",
]


class KeyscopeError(Exception):
    """Base class of every error keyscope raises."""

    status: int
    code: str
    message: str
    request_id: str
    details: Dict[str, Any]
    json_path: str
    retry_after: Optional[float]

    def __init__(
        self,
        message: str = "",
        *,
        status: int = 0,
        code: str = "",
        request_id: str = "",
        details: Optional[Dict[str, Any]] = None,
        retry_after: Optional[float] = None,
        json_path: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.details = dict(details) if details else {}
        self.retry_after = retry_after
        self.json_path = json_path

    def __str__(self) -> str:
        context = []
        if self.status:
            context.append(f"status {self.status}")
        if self.code:
            context.append(f"code {self.code}")
        if self.json_path:
            context.append(f"at {self.json_path}")
        if self.retry_after is not None:
            context.append(f"retry after {self.retry_after:g} s")
        if self.request_id:
            context.append(f"request_id {self.request_id}")
        return self.message + (f" ({', '.join(context)})" if context else "")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, status={self.status}, "
            f"code={self.code!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self).__name__, self.message, self.status, self.code,
                           self.request_id, self.details, self.retry_after, self.json_path))


class ValidationError(KeyscopeError, ValueError):
    """A bad argument, caught before anything was sent."""


class AuthenticationError(KeyscopeError):
    """401: the session token is missing, invalid or expired."""


class PermissionDeniedError(KeyscopeError):
    """403."""


class NotFoundError(KeyscopeError):
    """404: no such key (or not yours)."""


class RateLimitError(KeyscopeError):
    """429 after the retries, or a server-requested wait longer than the client accepts.

    ``retry_after`` is the number of seconds the server asked to wait (or None)."""


class BadRequestError(KeyscopeError):
    """Any other 4xx."""


class ServerError(KeyscopeError):
    """5xx after the retries."""


class TimeoutError(KeyscopeError, builtins.TimeoutError):  # noqa: A001 - mirrors the taxonomy
    """No complete response in time (also a built-in TimeoutError)."""


class ConnectionError(KeyscopeError, builtins.ConnectionError):  # noqa: A001
    """Could not connect, or the connection dropped (also a built-in ConnectionError)."""


class DecodeError(KeyscopeError):
    """The body is not JSON or not the contract; ``json_path`` says where."""


class CancelledError(KeyscopeError):
    """The call was cancelled."""


class RedirectError(KeyscopeError):
    """A 3xx answer (``code="redirect_refused"``): keyscope never follows redirects, so the
    session cookie cannot be carried to another origin. The message names the target, without
    its query string."""


class MissingDependencyError(KeyscopeError, ImportError):
    """An optional dependency is not installed (``code="missing_dependency"``): the message says
    what to install, e.g. ``pip install 'keyscope[pandas]'`` for ``to_pandas()``. Also an
    :class:`ImportError`, as ``import keyscope.pandas`` without pandas always raised."""


_CLASSES = {cls.__name__: cls for cls in (
    KeyscopeError, ValidationError, AuthenticationError, PermissionDeniedError, NotFoundError,
    RateLimitError, BadRequestError, ServerError, TimeoutError, ConnectionError, DecodeError,
    CancelledError, RedirectError, MissingDependencyError)}


def _rebuild(name: str, message: str, status: int, code: str, request_id: str,
             details: Dict[str, Any], retry_after: Optional[float], json_path: str) -> KeyscopeError:
    return _CLASSES.get(name, KeyscopeError)(
        message, status=status, code=code, request_id=request_id, details=details,
        retry_after=retry_after, json_path=json_path)


def _from_core(name: str, message: str, status: int, code: str, request_id: str,
               details_json: str, retry_after: Optional[float], json_path: str) -> KeyscopeError:
    """Called by keyscope._core to turn a C++ keyscope::Error into an exception."""
    try:
        details = json.loads(details_json) if details_json else {}
    except ValueError:
        details = {}
    if not isinstance(details, dict):
        details = {"value": details}
    return _rebuild(name, message, status, code, request_id, details, retry_after, json_path)


def _internal(message: str) -> KeyscopeError:
    """A C++ exception that is not part of the taxonomy (a bug): never a bare RuntimeError."""
    return KeyscopeError(message, code="internal_error")
