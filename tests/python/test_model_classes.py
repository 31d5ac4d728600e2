"""The payload models keep their fields in __slots__ (keyscope/_model_behaviour.py `slotted`) and
the C++ core fills them in place: what users do with a model works the same on one it made and on
one made by __init__ -- frozen, equality and hashing, pickle and copy, weak references,
dataclasses.fields/replace -- on every supported Python (the pure-Python part is checked here on
the running one)."""

from __future__ import annotations

import copy
import dataclasses
import gc
import pickle
import weakref
from datetime import date, datetime, timezone
from typing import Any, List

import pytest

import keyscope

UTC = timezone.utc
BODY = (b'{"data":[{"id":"k1","key_prefix":"sk_live_AbCd","name":"n","tier":"pro","scopes":["read:iocs"],'
        b'"total_requests":3,"created_at":"2026-01-02T03:04:05Z"}],"meta":{"total":1}}')
USAGE = (b'{"data":{"key_id":"k1","window_days":7,"total_requests":3,"by_status":{"200":3},'
         b'"daily":[{"date":"2026-05-16","requests":3}],"top_endpoints":[{"path":"/a","count":3}],'
         b'"rate_limit_hits_by_hour":[{"hour":"2026-05-16T08:00:00Z","count":1}]}}')


def models() -> List[Any]:
    decoded = keyscope.decode_key_list(BODY)
    usage = keyscope.decode_key_usage(USAGE)
    made = keyscope.APIKeyInfo(id="k1", key_prefix="sk_live_AbCd", name="n", tier="pro", scopes=("read:iocs",),
                               total_requests=3, created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert decoded[0] == made and hash(decoded[0]) == hash(made)
    return [decoded, decoded[0], made, usage, usage.daily[0], usage.top_endpoints[0],
            usage.rate_limit_hits_by_hour[0],
            keyscope.APIKeyDetails(id="k", key_prefix="p", name="n",
                                   usage_daily=(keyscope.DailyBucket(date(2026, 5, 16), 1),))]


@pytest.mark.parametrize("index", range(8))
def test_models_made_by_the_core_or_by_init_behave_alike(index: int) -> None:
    model = models()[index]
    assert not hasattr(model, "__dict__")
    assert pickle.loads(pickle.dumps(model)) == model
    assert copy.copy(model) == model and copy.deepcopy(model) == model
    assert dataclasses.replace(model) == model
    assert [f.name for f in dataclasses.fields(model)] == list(type(model).__dataclass_fields__)
    ref = weakref.ref(model)
    assert ref() is model
    name = dataclasses.fields(model)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(model, name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        delattr(model, name)
    assert type(model).from_dict(model.to_dict()) == model
    del model
    gc.collect()
    assert ref() is None


def test_a_pickle_of_a_model_with_a_dict_still_loads() -> None:
    """Pickles written by a keyscope whose models had a __dict__ carry a dict as their state."""
    bucket = keyscope.DailyBucket(date(2026, 5, 16), 3, 1)
    again = keyscope.DailyBucket.__new__(keyscope.DailyBucket)
    again.__setstate__({"date": date(2026, 5, 16), "requests": 3, "errors": 1})
    assert again == bucket
