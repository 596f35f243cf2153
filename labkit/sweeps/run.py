"""``sweep(fn, grid)`` -> a table of results, the points run on local cores or a Dask cluster.

Why: an I-F curve over noise levels, a map over two gains, a network over seeds: each is
one function run at many points. Written by hand that is a loop on one core, with no sign
of progress, and one failing point loses the lot. Here it is one call, and the same call
runs on a cluster when given a Dask client.

How the points are scheduled (the same for every backend):

* The first point runs alone. Its kernels are compiled once and land in labkit's disk
  cache, so every other worker loads them instead of compiling them again (the
  ``compiled`` and ``loaded`` columns show it).
* Then the points go in batches, one task each, run one after another by a worker: a
  batch lasts about ``BATCH_SECONDS`` (judged by the points finished so far), so that
  the engine's cost per task (submission, transfer, the scheduler's bookkeeping) is
  paid once for several short points; batches shrink towards the end so that the
  workers finish together, and a point longer than ``BATCH_SECONDS`` is a task of its
  own. Up to one batch per worker is in flight (Dask: all of them; its scheduler
  balances). Progress still counts points: a batch's points are counted as it returns.
* An exception in a point becomes its row's ``error``; the others go on, in its batch too.
* A local worker that dies (a segfault, the out-of-memory killer) takes the points it was
  running with it. Each is retried once, alone, so that a point that kills its worker
  again is known for sure; its row then says ``WorkerDied``. The same after Dask gives up
  on a task (``KilledWorker``, once its scheduler has retried it). A batch that fails as a
  whole otherwise is run again one point per task, so only the guilty point's row fails.
* ``cache='folder'``: each finished point is written there at once, and a re-run computes
  only the points missing from it (:mod:`labkit.sweeps.cache`).
* Ctrl-C stops the workers and re-raises; what finished is in the cache (the points of
  a batch still running are not: about ``BATCH_SECONDS`` of work per worker, or one point).
"""

from __future__ import annotations

import math
import statistics
import warnings
from collections import deque

from labkit.sweeps.backends import choose_backend
from labkit.sweeps.cache import PointCache
from labkit.sweeps.grid import as_grid
from labkit.sweeps.point import EngineSnapshot, Outcome, Task, point_seed
from labkit.sweeps.progress import make_progress

__all__ = ["sweep"]

#: How often the progress display refreshes its estimate while no point finishes.
_TICK = 0.5
#: A task runs points for about this long (see :meth:`_Driver.batch_size`).
BATCH_SECONDS = 0.5


def _failure(index: int, error: BaseException, died: bool) -> Outcome:
    kind = "WorkerDied" if died else type(error).__name__
    text = (f"the worker process running this point died twice ({error})" if died
            else str(error))
    return Outcome(index, error=f"{kind}: {text}")


class _Driver:
    """Runs the points not in the cache on a backend, keeping the rules of the docstring."""

    def __init__(self, backend, task, points, seeds, on_done):
        self.backend, self.task, self.points, self.seeds = backend, task, points, seeds
        self.on_done = on_done
        self.in_flight: dict = {}  # future -> the indices of its batch
        self.deaths: dict[int, int] = {}
        self.walls: deque = deque(maxlen=64)  # the latest points' own times, for batch sizes

    def _submit(self, batch: list[int]) -> None:
        points = [(index, self.points[index], self.seeds[index]) for index in batch]
        self.in_flight[self.backend.submit(self.task, points)] = batch

    def batch_size(self, left: int) -> int:
        """How many of the ``left`` points the next task takes.

        Enough to last about ``BATCH_SECONDS`` (judged by the points finished so far), so
        that the engine's cost per task is small beside the points' own time; but no more
        than ``left / (2 * workers)``, so that the batches shrink towards the end of the
        sweep and the workers finish together.
        """
        if self.backend.in_process or not self.walls:
            return 1
        per_point = statistics.median(self.walls)
        fill = int(BATCH_SECONDS / per_point) if per_point > 0 else left
        share = -(-left // (2 * self.backend.workers))
        return max(1, min(fill, share))

    def run(self, todo: list[int], tick) -> None:
        queue, alone, single = deque(todo), deque(), deque()
        warm = self.backend.in_process or len(queue) <= 1
        preloaded = False
        while queue or alone or single or self.in_flight:
            # a point whose worker died runs alone: nothing joins it while it runs
            suspect = any(self.deaths.get(index)
                          for batch in self.in_flight.values() for index in batch)
            if alone or suspect:
                if alone and not self.in_flight:
                    self._submit([alone.popleft()])
            else:
                limit = self.backend.slots if warm else 1
                while (single or queue) and len(self.in_flight) < limit:
                    if single:
                        self._submit([single.popleft()])
                        continue
                    size = min(self.batch_size(len(queue)) if warm else 1, len(queue))
                    self._submit([queue.popleft() for _ in range(size)])
                    if not warm and not preloaded:
                        self.backend.preload()
                        preloaded = True
            done = self.backend.wait(set(self.in_flight), _TICK)
            tick()
            died = False
            for future, result in self.backend.results(done).items():
                batch = self.in_flight.pop(future)
                warm = True
                died |= self._collect(batch, result, alone, single)
            if died:
                self.backend.recover()

    def _collect(self, batch: list[int], result, alone: deque, single: deque) -> bool:
        """A finished batch -> its outcomes passed on, or its points queued again.

        Returns whether its worker died.
        """
        if not isinstance(result, BaseException):
            for outcome in result:
                if math.isfinite(outcome.wall):
                    self.walls.append(outcome.wall)
                self.on_done(outcome)
            return False
        if self.backend.retries_deaths and self.backend.is_death(result):
            for index in batch:
                self.deaths[index] = self.deaths.get(index, 0) + 1
                if self.deaths[index] < 2:
                    alone.append(index)
                else:
                    self.on_done(_failure(index, result, died=True))
            return True
        if len(batch) > 1:
            # the batch failed as a whole (not one of its points: those are outcomes):
            # which point did it is unknown, so each runs again in a task of its own
            single.extend(batch)
            return False
        self.on_done(_failure(batch[0], result, died=False))
        return False


def _check_picklable(task: Task) -> None:
    import cloudpickle

    try:
        cloudpickle.dumps(task)
    except Exception as error:
        name = getattr(task.fn, "__qualname__", repr(task.fn))
        raise TypeError(
            f"sweep: {name} cannot be sent to worker processes ({type(error).__name__}: "
            f"{error}). Let fn build its model itself rather than use objects made outside "
            "it, or run here with processes=1.") from error


def sweep(fn, grid, *, client=None, processes=None, cache=None, progress=True, seed=0):
    """Run ``fn(**params)`` at every point of ``grid`` -> a :class:`SweepFrame` (a DataFrame).

    Parameters
    ----------
    fn : callable
        Builds and runs a model from keyword arguments; returns a number, a Quantity, an
        array, or a dict of those (one column each; a single value is named ``result``).
    grid : dict, list of dict, or Grid
        ``{'I': [0.1, 0.2]*nA, 'sigma': [0, 2]*mV}`` is the full product (4 points); a
        list of dicts gives the points one by one; :class:`Grid` also samples ranges at
        random or on a Latin hypercube.
    client : dask.distributed.Client, optional
        Run the points on this Dask cluster instead of local processes.
    processes : int, optional
        Local worker processes (default: one per core available); 1 runs the points in
        this process, one after another.
    cache : str or path, optional
        A folder that keeps every finished point; a re-run computes only what is missing.
    progress : bool
        Show done, failed and time left (a widget in a notebook, a line in a terminal).
    seed : int
        Point ``k`` runs with its own seed derived from ``seed`` and ``k`` (the ``seed``
        column): labkit's, numpy's and Python's generators are seeded with it before
        ``fn`` is called, so results do not depend on workers or their order.

    Returns
    -------
    SweepFrame
        One row per point, in grid order: parameters and results (units in the column
        names), ``seed``, ``wall_time [s]``, ``error``, ``worker``, ``compiled``,
        ``loaded``. For a full product, ``.to_xarray()`` is an N-d Dataset.

    Each point starts from the device and ``defaultclock.dt`` the caller had, in a fresh
    scope. ``fn`` should build its model itself: worker processes do not share objects.

    >>> from labkit import ms
    >>> table = sweep(lambda tau, k: {"y": k * tau}, {"tau": [1, 2] * ms, "k": [1, 3]},
    ...               processes=1, progress=False)
    >>> table[["tau [ms]", "k", "y [ms]"]]
       tau [ms]  k  y [ms]
    0       1.0  1     1.0
    1       1.0  3     3.0
    2       2.0  1     2.0
    3       2.0  3     6.0
    """
    from labkit.sweeps.frame import build_frame, parameter_units

    grid = as_grid(grid)
    parameter_units(grid)  # unit clashes are errors now, not after the whole sweep
    if int(seed) != seed:
        raise ValueError(f"sweep: seed must be an integer, got {seed!r}")
    task = Task.of(fn)
    points = list(grid.points)
    seeds = [point_seed(int(seed), k) for k in range(len(points))]
    store = _open_cache(cache, fn)
    keys, outcomes = [], {}
    if store is not None:
        keys = [store.key(p, s) for p, s in zip(points, seeds, strict=True)]
        hits = {k: store.load(key, k) for k, key in enumerate(keys)}
        outcomes = {k: hit for k, hit in hits.items() if hit is not None}
    todo = [k for k in range(len(points)) if k not in outcomes]
    backend = choose_backend(client, processes, max(len(todo), 1))
    if backend.slots > 1 and todo:
        _check_picklable(task)
    shown = make_progress(progress, len(points), cached=len(outcomes))

    def on_done(outcome: Outcome) -> None:
        outcomes[outcome.index] = outcome
        if store is not None:
            store.store(keys[outcome.index], outcome)
        shown.point(outcome.failed)

    driver = _Driver(backend, task, points, seeds, on_done)
    with _engine_kept(backend):
        try:
            driver.run(todo, shown.tick)
        except BaseException:
            backend.close(set(driver.in_flight), interrupted=True)
            shown.close(interrupted=True)
            raise
    backend.close(set(), interrupted=False)
    shown.close()
    frame = build_frame(grid, [outcomes[k] for k in range(len(points))], seeds,
                        grid.is_product)
    _warn_failures(frame)
    return frame


def _open_cache(cache, fn):
    if cache is None:
        return None
    return PointCache(cache, fn)


class _engine_kept:
    """In this process, points change labkit's engine; put the caller's back afterwards."""

    def __init__(self, backend):
        self.here = backend.in_process

    def __enter__(self):
        if self.here:
            self.snapshot = EngineSnapshot.take()

    def __exit__(self, *exc):
        if self.here:
            self.snapshot.restore()


def _warn_failures(frame) -> None:
    failed = frame["error"].notna()
    if failed.any():
        first = int(failed.to_numpy().nonzero()[0][0])
        warnings.warn(
            f"sweep: {int(failed.sum())} of {len(frame)} points failed; their rows' 'error' "
            f"column says why (first, row {first}: {frame['error'].iloc[first]}). "
            f"frame.attrs['tracebacks'][{first}] has the traceback.",
            RuntimeWarning, stacklevel=3)
