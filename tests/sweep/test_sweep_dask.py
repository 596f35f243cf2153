"""sweep on a Dask cluster: a LocalCluster started here (two worker processes, no service)."""

import numpy as np
import pytest
from sweep_models import fragile, mortal, noisy_lif

from labkit import mV, nA, sweep

distributed = pytest.importorskip("distributed")
GRID = {"I": [0.1, 0.15, 0.2] * nA, "sigma": [1, 4] * mV}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


def test_a_dask_cluster_gives_the_numbers_of_a_sweep_here(client):
    here = sweep(noisy_lif, GRID, processes=1, progress=False, seed=11)
    dask = sweep(noisy_lif, GRID, client=client, progress=False, seed=11)
    assert dask["error"].isna().all(), dask["error"].tolist()
    for column in ("rate [Hz]", "v_mean [mV]", "seed"):
        assert np.array_equal(here[column].to_numpy(), dask[column].to_numpy()), column
    assert dask["worker"].nunique() == 2


def test_a_failing_point_on_dask_is_a_row_with_its_error(client):
    points = [{"x": 1.0, "fail": False}, {"x": 2.0, "fail": True}]
    with pytest.warns(RuntimeWarning, match="1 of 2 points failed"):
        table = sweep(fragile, points, client=client, progress=False)
    assert table["error"].tolist()[1] == "RuntimeError: injected failure at x=2.0"
    assert table["y [mV]"].iloc[0] == 2.0


@pytest.mark.slow
def test_dask_reschedules_a_point_whose_worker_died(client, tmp_path):
    grid = [{"x": x, "marker_dir": str(tmp_path), "die": die}
            for x, die in [(1, "never"), (2, "once"), (3, "never")]]
    table = sweep(mortal, grid, client=client, progress=False)
    assert table["error"].isna().all() and table["result [nA]"].tolist() == [1, 2, 3]
    assert (tmp_path / "tried-2").exists()  # it did die once


def test_the_readmes_two_lines_run_the_example_on_a_cluster(client, monkeypatch):
    import dask.distributed
    from test_sweep_readme import readme_blocks

    made = []

    class Recorded(distributed.Client):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(dask.distributed, "Client", Recorded)
    local, cluster = readme_blocks()
    namespace = {"__name__": "readme_example"}
    exec(local.split("table = sweep(")[0], namespace)  # the model and the grid
    try:
        exec(cluster.replace("'tcp://scheduler:8786'", repr(client.scheduler.address)),
             namespace)
    finally:
        for connection in made:  # the README's own connection to the cluster
            connection.close()
    table = namespace["table"]
    assert len(table) == 27 and table["error"].isna().all() and table["worker"].nunique() == 2
    quiet = table[table["sigma [mV]"] == 0]["rate [Hz]"].to_numpy()
    assert quiet[2] == 0 and np.all(np.diff(quiet) >= 0) and quiet[-1] > 20


@pytest.mark.slow
def test_a_point_that_always_kills_its_worker_fails_alone_not_with_its_batch(tmp_path):
    # point 2 shares a batch (8 quick points left) and kills every worker that runs it, so
    # Dask gives up on the batch (and maybe on a point queued behind it on that worker);
    # their points are retried alone, and only point 2 kills its worker again
    grid = [{"x": x, "marker_dir": str(tmp_path), "die": "always" if x == 3 else "never"}
            for x in range(1, 10)]
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    try:  # its own cluster: the others' tests need both workers up
        with distributed.Client(cluster) as own, \
                pytest.warns(RuntimeWarning, match="1 of 9 points failed"):
            table = sweep(mortal, grid, client=own, progress=False)
    finally:
        cluster.close()
    assert table["error"].iloc[2].startswith("WorkerDied: the worker process running this "
                                             "point died twice (Attempted to run task"), \
        table["error"].tolist()
    assert table["result [nA]"].drop(index=2).tolist() == [1, 2, 4, 5, 6, 7, 8, 9]
