"""DDSketch.to_proto / from_proto against the real PyPI `ddsketch` package and its protobuf code
(ddsketch.pb.proto.DDSketchProto, ddsketch.pb.ddsketch_pb2), both ways.

Where the two libraries hold the same mapping, quantiles agree exactly. ddsketch's own
from_proto rebuilds its mapping from gamma alone, relative_accuracy = (gamma - 1) / (gamma + 1),
which for most accuracies differs from the one the sketch was made with in the last bits; its
quantiles of decoded bytes then differ by at most 1e-12 relative (the same holds for ddsketch's
own round trip). keyscope recovers the accuracy exactly (0.01 stays 0.01)."""

from __future__ import annotations

import importlib.util
import math
import random
from pathlib import Path
from typing import Any, Dict, List

import pytest

import keyscope

ddsketch = pytest.importorskip("ddsketch")
pytest.importorskip("google.protobuf")
from ddsketch.ddsketch import BaseDDSketch  # noqa: E402
from ddsketch.mapping import CubicallyInterpolatedMapping, LinearlyInterpolatedMapping, LogarithmicMapping  # noqa: E402
from ddsketch.pb import ddsketch_pb2 as pb  # noqa: E402
from ddsketch.pb.proto import DDSketchProto  # noqa: E402
from ddsketch.store import DenseStore  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ddsketch_proto"
QUANTILES = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1]


def values(seed: int, n: int = 5000) -> List[float]:
    rng = random.Random(seed)
    out = [rng.lognormvariate(4, 1.5) for _ in range(n)]
    out += [-rng.lognormvariate(1, 1) for _ in range(n // 10)]
    return out + [0.0] * (n // 100)


def ours_of(xs: List[float], accuracy: float = 0.01, max_buckets: int = 2048) -> keyscope.DDSketch:
    sketch = keyscope.DDSketch(accuracy, max_buckets)
    sketch.add_many(xs)
    return sketch


def theirs_of(xs: List[float], accuracy: float = 0.01, cls: Any = None) -> Any:
    sketch = (cls or ddsketch.DDSketch)(accuracy)
    for v in xs:
        sketch.add(v)
    return sketch


def python_decode(data: bytes) -> Any:
    return DDSketchProto.from_proto(pb.DDSketch.FromString(data))


def python_encode(sketch: Any) -> bytes:
    return DDSketchProto.to_proto(sketch).SerializeToString()


def bins(store: Any) -> Dict[int, float]:
    return {store.offset + i: c for i, c in enumerate(store.bins) if c}


@pytest.mark.parametrize("accuracy", [0.01, 0.02, 0.05, 0.001, 0.3])
def test_keyscope_bytes_are_read_by_ddsketch(accuracy: float) -> None:
    xs = values(1)
    ours = ours_of(xs, accuracy, max_buckets=100_000)  # nothing collapsed, like ddsketch.DDSketch
    theirs = python_decode(ours.to_proto())
    reference = theirs_of(xs, accuracy)
    assert bins(theirs._store) == bins(reference._store)
    assert bins(theirs._negative_store) == bins(reference._negative_store)
    assert theirs._zero_count == ours.zero_count == 50
    assert theirs.count == ours.count == len(xs)
    exact_mapping = theirs._mapping.relative_accuracy == accuracy  # True for 0.3 only
    assert exact_mapping == (accuracy == 0.3)
    for q in QUANTILES:
        if exact_mapping:
            assert theirs.get_quantile_value(q) == ours.quantile(q), q
        else:
            assert theirs.get_quantile_value(q) == pytest.approx(ours.quantile(q), rel=1e-12, abs=0), q


@pytest.mark.parametrize("cls", ["DDSketch", "LogCollapsingLowestDenseDDSketch"])
@pytest.mark.parametrize("accuracy", [0.01, 0.02, 0.05])
def test_ddsketch_bytes_are_read_by_keyscope(cls: str, accuracy: float) -> None:
    xs = values(2)
    theirs = theirs_of(xs, accuracy, getattr(ddsketch, cls))
    ours = keyscope.DDSketch.from_proto(python_encode(theirs))
    assert ours.relative_accuracy == accuracy
    assert ours.count == theirs.count and ours.zero_count == theirs._zero_count
    for q in QUANTILES:
        assert ours.quantile(q) == theirs.get_quantile_value(q), q
    # The same buckets as keyscope's own sketch of the values (ddsketch's zero padding dropped).
    assert ours.to_proto() == ours_of(xs, accuracy).to_proto()
    # No min, max or sum in the message: the bucket estimates, within the accuracy.
    assert ours.min == ours.quantile(0) and ours.max == ours.quantile(1)
    assert ours.min == pytest.approx(min(xs), rel=accuracy) and ours.max == pytest.approx(max(xs), rel=accuracy)


def test_merge_across_the_two_libraries() -> None:
    first, second = values(3), values(4)
    whole = ours_of(first + second)
    # ddsketch -> bytes -> keyscope, merged with a keyscope sketch: exactly keyscope's sketch of all.
    merged = keyscope.DDSketch.from_proto(python_encode(theirs_of(first)))
    merged.merge(ours_of(second))
    assert merged.count == whole.count
    for q in QUANTILES:
        assert merged.quantile(q) == whole.quantile(q), q
    # keyscope -> bytes -> ddsketch, merged with a ddsketch sketch.
    theirs = python_decode(ours_of(first).to_proto())
    theirs.merge(theirs_of(second))
    reference = theirs_of(first + second)
    assert theirs.count == reference.count
    assert bins(theirs._store) == bins(reference._store)
    for q in QUANTILES:
        assert theirs.get_quantile_value(q) == pytest.approx(reference.get_quantile_value(q), rel=1e-12, abs=0), q


def test_integral_index_offset_is_read_and_other_mappings_are_refused() -> None:
    xs = values(5, 500)
    shifted = BaseDDSketch(LogarithmicMapping(0.01, offset=7.0), DenseStore(), DenseStore(), 0.0)
    for v in xs:
        shifted.add(v)
    ours = keyscope.DDSketch.from_proto(python_encode(shifted))
    assert ours.to_proto() == ours_of(xs).to_proto()
    for q in QUANTILES:
        assert ours.quantile(q) == pytest.approx(shifted.get_quantile_value(q), rel=1e-12, abs=0), q

    fractional = BaseDDSketch(LogarithmicMapping(0.01, offset=-12.23), DenseStore(), DenseStore(), 0.0)
    fractional.add(5.0)
    with pytest.raises(keyscope.DecodeError) as info:
        keyscope.DDSketch.from_proto(python_encode(fractional))
    assert info.value.json_path == "mapping.indexOffset"
    for mapping, name in ((LinearlyInterpolatedMapping(0.01), "LINEAR"), (CubicallyInterpolatedMapping(0.01), "CUBIC")):
        other = BaseDDSketch(mapping, DenseStore(), DenseStore(), 0.0)
        other.add(5.0)
        with pytest.raises(keyscope.DecodeError, match=f"{name} interpolation is not supported") as info:
            keyscope.DDSketch.from_proto(python_encode(other))
        assert info.value.json_path == "mapping.interpolation"


def _store_message(**fields: Any) -> bytes:
    return pb.DDSketch(mapping=pb.IndexMapping(gamma=ddsketch.DDSketch(0.01)._mapping.gamma),
                       positiveValues=pb.Store(**fields)).SerializeToString()


@pytest.mark.parametrize("data, path", [
    (b"", "mapping.gamma"),
    (b"\x0a\x80", "$"),                              # truncated length
    (b"\x0a\x05\x09\x00", "$"),                      # length beyond the data
    (b"\x0a\x02\x09\x00", "mapping"),                # truncated gamma
    (b"\x0f", "$"),                                  # wire type 7
    (b"\x43\x08\x01", "$"),                          # unterminated group
    (_store_message(contiguousBinCounts=[1.0, -2.0]), "positiveValues.contiguousBinCounts"),
    (_store_message(contiguousBinCounts=[math.nan]), "positiveValues.contiguousBinCounts"),
    (_store_message(contiguousBinCounts=[math.inf]), "positiveValues.contiguousBinCounts"),
    (_store_message(binCounts={3: -1.0}), "positiveValues.binCounts"),
    (_store_message(binCounts={2**31 - 1: 1.0}), "positiveValues.binCounts"),  # no value has this index
    (pb.DDSketch(mapping=pb.IndexMapping(gamma=0.5)).SerializeToString(), "mapping.gamma"),
])
def test_hostile_bytes_raise_decode_error(data: bytes, path: str) -> None:
    with pytest.raises(keyscope.DecodeError) as info:
        keyscope.DDSketch.from_proto(data)
    assert isinstance(info.value, keyscope.KeyscopeError)
    assert info.value.json_path == path
    assert "invalid DDSketch protobuf" in str(info.value)


def test_wide_key_ranges_collapse_instead_of_allocating() -> None:
    gamma = ddsketch.DDSketch(1e-6)._mapping.gamma
    data = pb.DDSketch(mapping=pb.IndexMapping(gamma=gamma),
                       positiveValues=pb.Store(binCounts={-300_000_000: 1.0, 300_000_000: 2.0})).SerializeToString()
    sketch = keyscope.DDSketch.from_proto(data, max_buckets=100)
    assert sketch.count == 3 and sketch.bucket_count == 2
    assert sketch.memory_bytes < 10_000


def test_accepts_bytes_like_and_refuses_the_rest() -> None:
    data = ours_of(values(6, 100)).to_proto()
    assert isinstance(data, bytes)
    for form in (bytearray(data), memoryview(data)):
        assert keyscope.DDSketch.from_proto(form).to_proto() == data
    with pytest.raises(keyscope.ValidationError):
        keyscope.DDSketch.from_proto(data.hex())  # type: ignore[arg-type]
    with pytest.raises(keyscope.ValidationError):
        keyscope.DDSketch.from_proto(data, max_buckets=0)


def _make_fixture_module() -> Any:
    spec = importlib.util.spec_from_file_location("make_fixture", FIXTURES / "make_fixture.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_fixture_is_what_ddsketch_writes_today() -> None:
    """The fixture the C++ and Node tests read: regenerate it with make_fixture.py if this fails."""
    assert (FIXTURES / "python_ddsketch.json").read_text() == _make_fixture_module().render()
