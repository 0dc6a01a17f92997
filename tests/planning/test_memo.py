"""forecasting.planning.memo: a kept result is reused only when every parameter the step read is the same;
hand-made toy steps whose reads are known."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.planning import memo
from forecasting.planning.parameters import load_parameters, with_overrides


def _store():
    return memo.MemoStore("toy", size=3)


def _counting(step):
    calls = []

    def compute(params):
        calls.append(1)
        return step(params)

    return compute, calls


def test_a_change_to_a_parameter_the_step_did_not_read_reuses_the_result():
    store = _store()
    compute, calls = _counting(lambda p: p["a"] * 10 + p.get("b", 0))
    assert memo.remember(store, "k", compute, {"a": 1, "b": 2, "c": 3}) == 12
    assert memo.remember(store, "k", compute, {"a": 1, "b": 2, "c": 99}) == 12  # c never read
    assert len(calls) == 1
    assert memo.remember(store, "k", compute, {"a": 1, "b": 5, "c": 3}) == 15  # b read: new answer
    assert memo.remember(store, "k", compute, {"a": 2, "b": 2, "c": 3}) == 22
    assert len(calls) == 3
    assert (store.hits, store.misses) == (1, 3)


def test_a_parameter_that_was_absent_must_still_be_absent():
    store = _store()
    compute, calls = _counting(lambda p: p.get("b", 7))
    assert memo.remember(store, "k", compute, {"a": 1}) == 7
    assert memo.remember(store, "k", compute, {"a": 1, "b": 0}) == 0  # b now there: not the kept 7
    assert memo.remember(store, "k", compute, {"a": 5}) == 7  # absent again, a never read: reused
    assert len(calls) == 2
    compute, calls = _counting(lambda p: "b" in p)
    assert memo.remember(store, "in", compute, {"a": 1}) is False
    assert memo.remember(store, "in", compute, {"a": 1, "b": 1}) is True
    assert len(calls) == 2


def test_iterating_or_counting_the_registry_reads_all_of_it():
    store = _store()
    for step in (lambda p: sorted(p), lambda p: len(p), lambda p: dict(p), lambda p: {**p},
                 lambda p: list(p.items()), lambda p: set(p)):
        compute, calls = _counting(step)
        memo.remember(store, id(step), compute, {"a": 1, "b": 2})
        memo.remember(store, id(step), compute, {"a": 1, "b": 3})
        assert len(calls) == 2
        memo.remember(store, id(step), compute, {"a": 1, "b": 3})
        assert len(calls) == 2  # the same registry: reused


def test_whether_the_registry_is_empty_is_read_as_such():
    store = _store()
    compute, calls = _counting(lambda p: "given" if p else "defaults")
    assert memo.remember(store, "k", compute, {"a": 1}) == "given"
    assert memo.remember(store, "k", compute, {"z": 2}) == "given"
    assert memo.remember(store, "k", compute, {}) == "defaults"
    assert len(calls) == 2


def test_keys_differ_and_the_store_is_bounded():
    store = _store()
    compute, calls = _counting(lambda p: p["a"])
    for key in ("k1", "k2", "k3", "k4"):
        memo.remember(store, key, compute, {"a": 1})
    assert len(calls) == 4 and len(store.entries) == 3 and "k1" not in store.entries
    memo.remember(store, "k1", compute, {"a": 1})
    assert len(calls) == 5


def test_a_step_may_not_change_its_parameters_nor_read_them_after_it_returned(monkeypatch):
    store = _store()

    def writes(params):
        params["a"] = 2

    with pytest.raises(TypeError, match="must not change"):
        memo.remember(store, "w", writes, {"a": 1})
    kept = memo.remember(store, "keeps", lambda p: p, {"a": 1})  # the step's result holds its parameters
    monkeypatch.setattr(memo, "STRICT", True)
    with pytest.raises(RuntimeError, match="read them afterwards"):
        kept["a"]
    monkeypatch.setattr(memo, "STRICT", False)
    kept["a"]  # logged, and the entry is no longer used
    compute, calls = _counting(lambda p: p["a"])
    memo.remember(store, "keeps", compute, {"a": 1})
    assert len(calls) == 1


def test_nested_steps_record_their_reads_in_the_outer_step():
    inner, outer = _store(), _store()

    def step(params):
        return memo.remember(inner, "inner", lambda p: p["a"] + 1, params) + 1

    compute, calls = _counting(step)
    assert memo.remember(outer, "outer", compute, {"a": 1, "b": 1}) == 3
    assert memo.remember(outer, "outer", compute, {"a": 1, "b": 9}) == 3
    assert memo.remember(outer, "outer", compute, {"a": 5, "b": 1}) == 7  # the inner read counts
    assert len(calls) == 2


def test_real_parameters_compare_as_whole_records():
    params = load_parameters()
    store = _store()
    compute, calls = _counting(lambda p: p["caseload_norm_lac"].value)
    first = memo.remember(store, "k", compute, params)
    assert memo.remember(store, "k", compute, load_parameters()) == first
    edited = with_overrides(params, {"caseload_norm_lac": params["caseload_norm_lac"].value + 1})
    assert memo.remember(store, "k", compute, edited) == first + 1
    assert len(calls) == 2


def test_content_key_is_by_value():
    frame = pd.DataFrame({"a": [1.0, 2.0]}, index=pd.date_range("2018-01-01", periods=2, freq="MS"))
    assert memo.content_key(frame, {"x": 1.0}) == memo.content_key(frame.copy(), {"x": 1.0})
    assert memo.content_key(frame) != memo.content_key(frame.assign(a=[1.0, 2.0000001]))
    assert memo.content_key(frame) != memo.content_key(frame.rename(columns={"a": "b"}))
    assert memo.content_key(frame) != memo.content_key(frame.shift(1, freq="MS"))
    assert memo.content_key({"x": 1.0}) != memo.content_key({"x": 1})  # float and int differ
    assert memo.content_key(frame["a"]) != memo.content_key(frame)
    assert memo.Same(len) == memo.Same(len) and memo.Same(len) != memo.Same(sum)


def test_an_owner_is_matched_by_identity_and_not_kept_alive():
    import gc
    import weakref

    class Owner:
        pass

    store = _store()
    compute, calls = _counting(lambda p: p["a"])
    first = Owner()
    memo.remember(store, "k", compute, {"a": 1}, owner=first)
    memo.remember(store, "k", compute, {"a": 1}, owner=first)
    assert len(calls) == 1
    memo.remember(store, "k", compute, {"a": 1}, owner=Owner())  # another object: worked out again
    assert len(calls) == 2
    alive, id_first = weakref.ref(first), id(first)
    del first
    gc.collect()
    assert alive() is None  # the store held no strong reference
    entry = store.entries[("k", id_first)][0]
    assert not entry.fits({"a": 1}, object())  # a freed owner's entry is never used again
