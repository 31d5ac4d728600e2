"""keyscope's records in Python's logging: ``logging.getLogger("keyscope")`` receives one record
per HTTP attempt (DEBUG) and one per retry wait (INFO), with the fields as ``extra`` attributes:
``event`` ("response", "failure", "retry"), ``method``, ``path``, ``status`` (0: no response),
``attempt``, ``elapsed_ms``, ``wait_ms``, ``request_id``, ``error_type``. Every text is redacted
by the core (session token, full API keys, URL credentials) before it gets here.

``KEYSCOPE_LOG=debug`` (or ``info``) in the environment adds a stderr handler at import, once,
like openai-python's ``OPENAI_LOG``."""

from __future__ import annotations

import logging
import os
import sys
import warnings

logger = logging.getLogger("keyscope")
logger.addHandler(logging.NullHandler())

_OFF = 1000  # above every level: the core hands nothing over
_ENV_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def _threshold() -> int:
    """The lowest level of keyscope's records the logger accepts now (read by the core at the
    start of each call, so records it would drop never take the GIL)."""
    if logger.isEnabledFor(logging.DEBUG):
        return logging.DEBUG
    if logger.isEnabledFor(logging.INFO):
        return logging.INFO
    return _OFF


def _emit(level: int, event: str, method: str, path: str, status: int, attempt: int,
          elapsed_ms: int, wait_ms: int, request_id: str, error_type: str, line: str) -> None:
    """Called by the core (client_logging.cpp) with the GIL, for a level the logger accepted."""
    logger.log(level, line, extra={
        "event": event, "method": method, "path": path, "status": status, "attempt": attempt,
        "elapsed_ms": elapsed_ms, "wait_ms": wait_ms, "request_id": request_id or None,
        "error_type": error_type or None})


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler KEYSCOPE_LOG adds (a class of its own, so it is added once)."""


def _configure_from_environment() -> None:
    value = os.environ.get("KEYSCOPE_LOG", "").strip().lower()
    if not value:
        return
    if value not in _ENV_LEVELS:
        warnings.warn(f"KEYSCOPE_LOG={value!r} is not one of 'debug', 'info': ignored",
                      RuntimeWarning, stacklevel=2)
        return
    if not any(isinstance(h, _EnvHandler) for h in logger.handlers):
        handler = _EnvHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[%(asctime)s %(levelname)s %(name)s] %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(_ENV_LEVELS[value])


_configure_from_environment()
