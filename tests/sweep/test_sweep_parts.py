"""The parts of a sweep: docstring examples, progress displays, what a task takes along."""

import concurrent.futures
import doctest
import importlib
import io
from concurrent.futures.process import BrokenProcessPool

import cloudpickle
import pytest
from sweep_models import noisy_lif

from labkit import mV, nA
from labkit.sweeps.backends import Backend
from labkit.sweeps.point import Outcome, Task, point_seed
from labkit.sweeps.progress import Progress, TerminalProgress, WidgetProgress, make_progress
from labkit.sweeps.run import _Driver


@pytest.mark.parametrize("name", ["grid", "point", "progress", "run"])
def test_doctests(name):
    module = importlib.import_module(f"labkit.sweeps.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_a_log_gets_a_line_at_the_start_and_the_end_a_terminal_one_line_rewritten():
    log = io.StringIO()
    shown = TerminalProgress(4, cached=1, stream=log)
    shown.point(failed=True)
    shown.close()
    lines = log.getvalue().splitlines()
    assert lines[0] == "sweep: 1/4 done (1 from the cache), 0 failed, time left: after the " \
                       "first point"
    assert lines[-1].startswith("sweep: 2/4 done (1 from the cache), 1 failed, in ")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    shown = TerminalProgress(2, stream=screen)
    shown.point(failed=False)
    shown.close(interrupted=True)
    assert screen.getvalue().startswith("\rsweep: 0/2 done")
    assert screen.getvalue().rstrip().endswith("interrupted") and screen.getvalue().count("\n") == 1


def test_the_notebook_bar_counts_and_colours_the_outcome(monkeypatch):
    shown_widgets = []
    monkeypatch.setattr("IPython.display.display", shown_widgets.append)
    bar = WidgetProgress(3)
    assert shown_widgets == [bar.widget] and bar.bar.max == 3
    bar.point(failed=False)
    bar.point(failed=True)
    bar.point(failed=False)
    bar.close()
    assert bar.bar.value == 3 and bar.bar.bar_style == "warning"
    assert bar.label.value.startswith("3/3 done, 1 failed, in ")


def test_progress_false_draws_nothing_and_outside_a_notebook_true_is_the_terminal():
    assert type(make_progress(False, 3)) is Progress
    assert isinstance(make_progress(True, 3), TerminalProgress)


def test_point_seeds_do_not_depend_on_other_points():
    assert [point_seed(7, k) for k in (5, 2)] == [point_seed(7, 5), point_seed(7, 2)]
    assert len({point_seed(7, k) for k in range(1000)}) == 1000


def test_a_task_takes_the_globals_its_model_strings_name():
    # cloudpickle sends noisy_lif by value, with only the globals its code names;
    # V_THRESHOLD is named only inside the threshold string
    task = Task.of(noisy_lif)
    assert set(task.extras) == {"V_THRESHOLD", "mV"}  # mV: a unit, named in a string
    params = {"I": 0.3 * nA, "sigma": 1 * mV}
    travelled = cloudpickle.loads(cloudpickle.dumps(task))
    assert "V_THRESHOLD" not in travelled.fn.__globals__
    outcome = travelled(0, params, 1)
    assert outcome.error is None and outcome.values["rate"] > 0
    bare = cloudpickle.loads(cloudpickle.dumps(Task(noisy_lif, task.engine, {})))
    assert "V_THRESHOLD" in bare(0, params, 1).error


class _FakePool(Backend):
    """Two slots; the pool breaks whenever a killer point is in flight; every other wait
    is a tick with nothing finished (as when points take longer than the tick)."""

    slots, retries_deaths = 2, True

    def __init__(self, killers):
        self.killers, self.running, self.waits = killers, {}, 0

    def submit(self, task, batch):
        future = concurrent.futures.Future()
        self.running[future] = [index for index, _, _ in batch]
        return future

    def wait(self, futures, timeout):
        self.waits += 1
        if self.waits % 2:
            return []
        broken = any(index in self.killers for batch in self.running.values() for index in batch)
        for future, batch in self.running.items():
            if broken:
                future.set_exception(BrokenProcessPool("a worker died"))
            else:
                future.set_result([Outcome(index, {"x": index}) for index in batch])
        done, self.running = list(self.running), {}
        return done

    def is_death(self, error):
        return isinstance(error, BrokenProcessPool)


def test_a_point_whose_worker_died_is_retried_alone_even_across_ticks():
    outcomes = {}
    driver = _Driver(_FakePool(killers={2, 3, 5}), None, [{}] * 6, [0] * 6,
                     lambda outcome: outcomes.__setitem__(outcome.index, outcome))
    driver.run(list(range(6)), tick=lambda: None)
    failed = sorted(k for k, o in outcomes.items() if o.failed)
    assert failed == [2, 3, 5]  # the killers only: no innocent point died twice beside one
    assert all(outcomes[k].error.startswith("WorkerDied") for k in failed)


class _FakeCluster(Backend):
    """Two workers, every batch queued at once (as Dask); each point "lasts" 0.1 s. A
    batch holding a killer point fails as a whole, as when Dask gives up on a task."""

    slots, workers = 1 << 30, 2

    def __init__(self, killers=()):
        self.killers, self.running, self.batches = set(killers), {}, []

    def submit(self, task, batch):
        future = concurrent.futures.Future()
        self.running[future] = [index for index, _, _ in batch]
        self.batches.append(self.running[future])
        return future

    def wait(self, futures, timeout):
        for future, batch in self.running.items():
            if self.killers & set(batch):
                future.set_exception(RuntimeError(f"KilledWorker: batch {batch}"))
            else:
                future.set_result([Outcome(index, {"x": index}, wall=0.1) for index in batch])
        done, self.running = list(self.running), {}
        return done


def _drive(backend, n):
    outcomes, counted = {}, []

    def on_done(outcome):
        counted.append(outcome.index)
        outcomes[outcome.index] = outcome

    _Driver(backend, None, [{}] * n, [0] * n, on_done).run(list(range(n)), tick=lambda: None)
    return outcomes, counted


def test_points_go_in_batches_of_half_a_second_that_shrink_towards_the_end():
    backend = _FakeCluster()
    outcomes, counted = _drive(backend, 40)
    sizes = [len(batch) for batch in backend.batches]
    assert backend.batches[0] == [0]  # the first point alone: it measures a point's time
    assert sizes[1] == 5  # 0.5 s of 0.1 s points (fewer than 39 / (2 workers * 2))
    assert sizes[1:] == sorted(sizes[1:], reverse=True) and sizes[-1] == 1
    assert [index for batch in backend.batches for index in batch] == list(range(40))
    assert sorted(counted) == list(range(40))  # progress counts every point once
    assert not any(outcome.failed for outcome in outcomes.values())


def test_a_batch_that_fails_as_a_whole_runs_again_one_point_per_task():
    backend = _FakeCluster(killers={7})
    outcomes, counted = _drive(backend, 20)
    failed = [index for index, outcome in outcomes.items() if outcome.failed]
    assert failed == [7] and outcomes[7].error.startswith("RuntimeError: KilledWorker")
    assert sorted(counted) == list(range(20))
    first = next(batch for batch in backend.batches if 7 in batch)
    assert len(first) > 1  # the killer shared a batch, whose other points ran again alone
    assert all([index] in backend.batches for index in first)
