"""keyscope.percentile takes q in 0..100 and keyscope.quantile q in 0..1, as numpy.percentile and
numpy.quantile do, and both equal numpy's results bit for bit (the default "linear" method) on the
shared vectors and on large random samples."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import keyscope

np = pytest.importorskip("numpy")

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"


def _vector_cases():
    doc = json.loads((VECTORS / "percentiles.json").read_text())
    return [c for c in doc["cases"] if "expected" in c and c["input"]["qs"]]


@pytest.mark.parametrize("case", _vector_cases(), ids=lambda c: c["name"])
def test_shared_vectors_equal_numpy_bit_for_bit(case: dict) -> None:
    samples = np.array(case["input"]["samples"], dtype=float)
    qs = case["input"]["qs"]
    pcts = [q * 100 for q in qs]
    assert keyscope.quantile(samples, qs) == np.quantile(samples, qs).tolist()
    assert keyscope.percentile(samples, pcts) == np.percentile(samples, pcts).tolist()
    for q, p in zip(qs, pcts):
        assert keyscope.quantile(case["input"]["samples"], q) == float(np.quantile(samples, q))
        assert keyscope.percentile(case["input"]["samples"], p) == float(np.percentile(samples, p))


def test_random_samples_equal_numpy_bit_for_bit() -> None:
    rng = np.random.default_rng(2026)
    for n in (1, 2, 3, 10, 999, 100_000):
        samples = rng.lognormal(5, 1, n)
        pcts = [0, 0.1, 1, 25, 33.3, 50, 66.7, 90, 95, 99, 99.9, 99.99, 100]
        assert keyscope.percentile(samples, pcts) == np.percentile(samples, pcts).tolist(), n
        qs = [p / 100 for p in pcts] + [0.123456789, 0.987654321]
        assert keyscope.quantile(samples, qs) == np.quantile(samples, qs).tolist(), n
        assert keyscope.percentile(samples, 99) == float(np.percentile(samples, 99)), n
        assert keyscope.quantile(samples, 0.99) == float(np.quantile(samples, 0.99)), n


def test_percentile_99_is_the_p99_not_the_old_meaning() -> None:
    samples = list(range(1, 101))  # 1..100
    assert keyscope.percentile(samples, 99) == pytest.approx(99.01)
    assert keyscope.percentile(samples, 50) == 50.5
    assert keyscope.quantile(samples, 0.5) == 50.5
    # what a caller of the old API meant by percentile(s, 0.99): now the 0.99th percentile
    assert keyscope.percentile(samples, 0.99) == pytest.approx(1.9801)


def test_scalar_gives_a_float_and_a_list_gives_a_list_in_order() -> None:
    value = keyscope.percentile(np.array([4.0, 1.0, 3.0, 2.0]), np.float64(50))
    assert type(value) is float and value == 2.5
    assert keyscope.percentile([10, 20, 30], (100, 0, 50)) == [30.0, 10.0, 20.0]
    assert keyscope.quantile(iter([1, 2, 3, 4]), [0.5]) == [2.5]
    assert keyscope.quantile([1.0], []) == []


@pytest.mark.parametrize("fn, bad, shown", [
    (keyscope.percentile, 100.5, r"q must be within \[0, 100\], got 100.5"),
    (keyscope.percentile, -1, r"q must be within \[0, 100\], got -1"),
    (keyscope.percentile, float("nan"), r"q must be within \[0, 100\], got nan"),
    (keyscope.percentile, [50, 101], r"q\[1\] must be within \[0, 100\], got 101"),
    (keyscope.quantile, 99, r"q must be within \[0, 1\], got 99"),
    (keyscope.quantile, [0.5, -0.01], r"q\[1\] must be within \[0, 1\], got -0.01"),
])
def test_out_of_range_q_is_a_validation_error_naming_the_range(fn, bad, shown) -> None:
    with pytest.raises(keyscope.ValidationError, match=shown):
        fn([1.0, 2.0], bad)


def test_wrong_types_are_validation_errors() -> None:
    for bad in (None, "50", True, [True], ["50"], object()):
        with pytest.raises(keyscope.ValidationError, match="q"):
            keyscope.percentile([1.0, 2.0], bad)
    with pytest.raises(keyscope.ValidationError, match="samples must not be empty"):
        keyscope.percentile([], 50)


def test_percentiles_is_deprecated_and_keeps_its_0_to_1_meaning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert keyscope.percentiles([1.0, 2.0, 3.0], [0.5, 1]) == [2.0, 3.0]
    assert [w.category for w in caught] == [DeprecationWarning]
    assert "keyscope.quantile" in str(caught[0].message)
