"""Results: the mapping views read; time slicing and joining for scopes; doctests."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import labkit.widgets
from labkit.units import ms, volt
from labkit.widgets import Results, as_results
from labkit.widgets.results import concat_results, time_key_of


def test_results_is_a_read_only_mapping_with_sim_time():
    r = Results({"t": np.arange(5) * 0.1 * ms, "v": np.zeros((2, 5)) * volt})
    assert r.sim_time == pytest.approx(5e-4)
    with pytest.raises(TypeError):
        r["x"] = 1
    assert "v: (2, 5)" in repr(r)
    assert as_results(r) is r


def test_time_keys_since_and_concat():
    a = Results({"t": np.arange(5) * 1.0, "v": np.arange(10.0).reshape(2, 5),
                 "spike_t": np.array([0.5, 3.5]), "spike_i": np.array([0, 1]),
                 "curve": np.array([9.0, 9.0])})
    assert [time_key_of(k, a) for k in a] == ["t", "t", "spike_t", "spike_t", None]
    later = a.since(2.0)
    np.testing.assert_array_equal(later["t"], [2, 3, 4])
    np.testing.assert_array_equal(later["v"], [[2, 3, 4], [7, 8, 9]])
    np.testing.assert_array_equal(later["spike_i"], [1])
    b = Results({"t": np.arange(5, 7) * 1.0, "v": np.zeros((2, 2)),
                 "spike_t": np.array([6.0]), "spike_i": np.array([3]),
                 "curve": np.array([1.0, 2.0])}, static={"curve"})  # as long as t: declared
    both = concat_results(a, b)
    np.testing.assert_array_equal(both["t"], np.arange(7))
    assert both["v"].shape == (2, 7)
    np.testing.assert_array_equal(both["spike_i"], [0, 1, 3])
    np.testing.assert_array_equal(both["curve"], [1.0, 2.0])           # latest, not joined
    assert both.static == {"curve"} and both.since(5.0).static == {"curve"}


def test_doctests_of_every_widget_module():
    failures = 0
    for info in pkgutil.walk_packages(labkit.widgets.__path__, "labkit.widgets."):
        module = importlib.import_module(info.name)
        failures += doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed
    assert failures == 0
