"""sweep in this process (processes=1): the table, seeds, errors, the cache, the engine kept."""

import warnings

import numpy as np
import pytest
from sweep_models import fragile, logged, noisy_lif

from labkit import (
    Grid,
    NeuronGroup,
    StateMonitor,
    defaultclock,
    get_device,
    ms,
    mV,
    nA,
    run,
    set_device,
    start_scope,
    sweep,
)
from labkit.sweeps.point import point_seed


def test_table_has_units_in_names_results_and_bookkeeping():
    table = sweep(noisy_lif, {"I": [0.1, 0.3] * nA, "sigma": [0, 2] * mV}, processes=1,
                  progress=False)
    assert list(table.columns) == ["I [pA]", "sigma [mV]", "rate [Hz]", "v_mean [mV]", "seed",
                                   "wall_time [s]", "error", "worker", "compiled", "loaded"]
    assert table["I [pA]"].tolist() == pytest.approx([100, 100, 300, 300])
    assert table["sigma [mV]"].tolist() == [0, 2, 0, 2]
    assert table["error"].isna().all() and (table["wall_time [s]"] > 0).all()
    rates = table["rate [Hz]"].to_numpy()
    assert rates[0] == 0 and rates[2] > 50  # 0.1 nA is below rheobase (0.15 nA), 0.3 above
    assert -70 < table["v_mean [mV]"].iloc[0] < -55
    assert table["seed"].tolist() == [point_seed(0, k) for k in range(4)]


def test_each_point_gets_its_own_seed_from_the_sweep_seed():
    grid = {"I": [0.12] * 3 * nA, "sigma": [3] * mV}
    first = sweep(noisy_lif, grid, processes=1, progress=False)
    again = sweep(noisy_lif, grid, processes=1, progress=False)
    other = sweep(noisy_lif, grid, processes=1, progress=False, seed=1)
    v = first["v_mean [mV]"].to_numpy()
    assert np.array_equal(v, again["v_mean [mV]"].to_numpy())
    assert len(set(v)) == 3  # same parameters, other seeds: other noise
    assert not np.array_equal(v, other["v_mean [mV]"].to_numpy())


def test_a_failing_point_is_a_row_with_its_error_and_the_rest_go_on():
    points = [{"x": 1.0, "fail": False}, {"x": 2.0, "fail": True}, {"x": 3.0, "fail": False}]
    with pytest.warns(RuntimeWarning, match=r"1 of 3 points failed.*row 1: RuntimeError"):
        table = sweep(fragile, points, processes=1, progress=False)
    assert table["error"].iloc[1] == "RuntimeError: injected failure at x=2.0"
    assert table["error"].iloc[0] is None and table["error"].iloc[2] is None
    assert table["y [mV]"].iloc[[0, 2]].tolist() == [2.0, 6.0]
    assert np.isnan(table["y [mV]"].iloc[1])
    assert len(table.failed) == 1 and "injected failure" in table.attrs["tracebacks"][1]
    assert not table.to_xarray().attrs["sweep"]["product"]


def test_plain_values_are_one_result_column_and_arrays_keep_their_unit():
    table = sweep(lambda n: np.arange(n) * ms, {"n": [2, 3]}, processes=1, progress=False)
    assert list(table.columns[:2]) == ["n", "result [ms]"]
    assert [list(a) for a in table["result [ms]"]] == [[0, 1], [0, 1, 2]]
    strings = sweep(lambda name: name.upper(), [{"name": "a"}, {"name": "b"}], processes=1,
                    progress=False)
    assert strings["result"].tolist() == ["A", "B"]


def test_a_result_in_other_units_at_one_point_is_that_points_error():
    with pytest.warns(RuntimeWarning, match="1 of 2 points failed"):
        table = sweep(lambda x: x * (mV if x < 2 else nA), {"x": [1, 2]}, processes=1,
                      progress=False)
    assert table["result [mV]"].iloc[0] == 1.0
    assert table["error"].iloc[1].startswith("DimensionMismatchError: result 'result'")


def test_full_products_become_nd_arrays_with_units_as_attributes():
    table = sweep(fragile, {"x": [1.0, 2.0, 3.0], "fail": [False]}, processes=1, progress=False)
    data = table.to_xarray()
    assert dict(data.sizes) == {"x": 3, "fail": 1}
    assert data["y"].attrs["units"] == "mV" and data["wall_time"].attrs["units"] == "s"
    assert data["y"].sel(fail=False).values.tolist() == [2.0, 4.0, 6.0]
    grid = Grid(I=[0.1, 0.2, 0.3] * nA, sigma=[0, 1] * mV)
    square = sweep(lambda I, sigma: {"g": I / sigma if float(sigma) else 0 * nA / mV},
                   grid, processes=1, progress=False).to_xarray()
    assert square["g"].dims == ("I", "sigma") and square["I"].attrs["units"] == "pA"


def test_interrupted_sweep_resumes_from_its_cache(tmp_path, monkeypatch):
    log = tmp_path / "computed.txt"
    monkeypatch.setenv("SWEEP_TEST_LOG", str(log))
    monkeypatch.setenv("SWEEP_TEST_STOP_AT", "4")
    grid = {"x": list(range(8))}
    with pytest.raises(KeyboardInterrupt):
        sweep(logged, grid, processes=1, progress=False, cache=tmp_path / "points")
    assert log.read_text().split() == ["0", "1", "2", "3", "4"]
    assert len(list((tmp_path / "points").glob("*.pkl"))) == 4
    monkeypatch.delenv("SWEEP_TEST_STOP_AT")
    log.unlink()
    table = sweep(logged, grid, processes=1, progress=False, cache=tmp_path / "points")
    assert log.read_text().split() == ["4", "5", "6", "7"]  # only what was missing
    assert table["square"].tolist() == [x * x for x in range(8)]
    # another seed is another experiment: nothing is taken from the cache
    log.unlink()
    sweep(logged, {"x": [0, 1]}, processes=1, progress=False, cache=tmp_path / "points",
          seed=5)
    assert log.read_text().split() == ["0", "1"]


def test_failed_points_are_not_cached_so_a_rerun_tries_them_again(tmp_path):
    points = [{"x": 1.0, "fail": False}, {"x": 2.0, "fail": True}]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sweep(fragile, points, processes=1, progress=False, cache=tmp_path)
    assert len(list(tmp_path.glob("*.pkl"))) == 1


def test_the_callers_engine_is_given_back_after_a_sweep_here():
    defaultclock.dt = 0.05 * ms
    set_device("numpy")
    G = NeuronGroup(1, "dv/dt = 1/(10*ms) : 1")
    M = StateMonitor(G, "v", record=0)
    run(1 * ms)
    table = sweep(lambda dt_seen: float(defaultclock.dt / ms) + 0 * dt_seen,
                  {"dt_seen": [0]}, processes=1, progress=False)
    assert table["result"].tolist() == [0.05]  # the point ran with the caller's dt
    assert get_device().name == "numpy" and float(defaultclock.dt / ms) == 0.05
    run(1 * ms)  # the caller's simulation continues where it was
    assert len(M.t) == 40 and abs(float(M.t[-1] / ms) - 1.95) < 1e-9


@pytest.mark.parametrize("kwargs, message", [
    (dict(processes=0), "positive integer"),
    (dict(processes=2, client=object()), "either client"),
    (dict(client=object()), "dask.distributed.Client"),
    (dict(progress="yes"), "True or False"),
    (dict(seed=0.5), "integer"),
])
def test_argument_mistakes_are_explained(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        sweep(fragile, {"x": [1.0]}, **kwargs)


def test_other_mistakes_are_explained(tmp_path):
    with pytest.raises(TypeError, match="fn must be a function"):
        sweep(3, {"x": [1]})
    with pytest.raises(ValueError, match="'x' has values in different units"):
        sweep(fragile, {"x": [1 * mV, 1 * nA]})
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="is a file; give a folder"):
        sweep(fragile, {"x": [1.0]}, cache=tmp_path / "file")
    start_scope()
    set_device("cpp_standalone", directory=str(tmp_path / "cpp"), build_on_run=False)
    with pytest.raises(ValueError, match="call set_device\\('runtime'\\)|Call set_device"):
        sweep(fragile, {"x": [1.0]})

