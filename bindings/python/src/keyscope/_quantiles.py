"""Exact percentiles and quantiles with numpy's meaning: ``percentile`` takes q in 0..100 like
``numpy.percentile``, ``quantile`` takes q in 0..1 like ``numpy.quantile`` and pandas. Both use
numpy's default "linear" method (Hyndman & Fan type 7) in the C++ core and equal numpy's results
bit for bit (``percentile`` divides q by 100 first, as numpy does)."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Iterable, List, Sequence, Union, overload

from . import _arguments as arg
from . import _core
from ._errors import ValidationError

__all__ = ["percentile", "quantile", "percentiles"]

Samples = Iterable[float]


def _is_scalar(q: Any) -> bool:
    return isinstance(q, numbers.Real) and not isinstance(q, bool)


def _checked(q: float, top: float, name: str) -> float:
    if not (0.0 <= q <= top):  # NaN fails too
        shown = "nan" if math.isnan(q) else f"{q:g}"
        raise ValidationError(f"{name} must be within [0, {top:g}], got {shown}",
                              code="invalid_argument")
    return q


def _fractions(q: Any, top: float, name: str) -> "tuple[bool, List[float]]":
    """(q was one number, the fractions in 0..1): q checked against [0, top] and divided by it."""
    if _is_scalar(q):
        value = _checked(arg.number(q, name), top, name)
        return True, [value / 100 if top == 100 else value]
    if isinstance(q, (bool, str, bytes)) or not hasattr(q, "__iter__"):
        raise arg.wrong_type(name, "a number or a list of numbers", q)
    values = arg.numbers_list(q, name)
    for i, value in enumerate(values):
        _checked(value, top, f"{name}[{i}]")
    return False, [v / 100 if top == 100 else v for v in values]


@overload
def percentile(samples: Samples, q: float) -> float: ...
@overload
def percentile(samples: Samples, q: Sequence[float]) -> List[float]: ...


def percentile(samples: Any, q: Any) -> Union[float, List[float]]:
    """The ``q``-th percentile of ``samples``, q in [0, 100], as ``numpy.percentile(samples, q)``:
    ``percentile(latencies, 99)`` is the p99. ``q`` may be a list of percentiles (one pass;
    results in ``q`` order, a list of floats). ``samples``: any iterable of numbers; float64
    buffers (numpy arrays) are read in one copy. In 0.1.0 this function took q in [0, 1]: that
    is :func:`quantile` now."""
    scalar, fractions = _fractions(q, 100.0, "q")
    return _run(samples, fractions, scalar)


@overload
def quantile(samples: Samples, q: float) -> float: ...
@overload
def quantile(samples: Samples, q: Sequence[float]) -> List[float]: ...


def quantile(samples: Any, q: Any) -> Union[float, List[float]]:
    """The ``q`` quantile of ``samples``, q in [0, 1], as ``numpy.quantile(samples, q)`` and
    pandas' ``Series.quantile(q)``: ``quantile(latencies, 0.99)`` is the p99. ``q`` may be a list
    (results in its order)."""
    scalar, fractions = _fractions(q, 1.0, "q")
    return _run(samples, fractions, scalar)


def percentiles(samples: Any, qs: Sequence[float]) -> List[float]:
    """Deprecated: ``quantile(samples, qs)`` (the same, q in [0, 1]) or
    ``percentile(samples, [50, 99])`` (q in [0, 100])."""
    warnings.warn("keyscope.percentiles(samples, qs) is deprecated: use keyscope.quantile(samples, "
                  "qs) (q in [0, 1], the same result) or keyscope.percentile(samples, qs) with q "
                  "in [0, 100]", DeprecationWarning, stacklevel=2)
    return list(_core.percentiles(samples, arg.numbers_list(qs, "qs")))


def _run(samples: Any, fractions: List[float], scalar: bool) -> Union[float, List[float]]:
    values = list(_core.percentiles(samples, fractions))
    return float(values[0]) if scalar else values
