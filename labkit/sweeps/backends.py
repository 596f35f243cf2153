"""Where points run: this process, local worker processes (loky), or a Dask cluster.

Why: the driver (:mod:`labkit.sweeps.run`) schedules points the same way everywhere; a
backend only submits a batch of points (one task, run by one worker one point after
another: :func:`run_batch`), waits for some to finish, and says whether a failure means
the worker died. All three hand back futures whose result is the batch's outcomes.

The local pool is joblib's process pool, loky, used through its ``concurrent.futures``
executor rather than ``joblib.Parallel``, because the driver needs one future per batch:
to count done and failed points as they finish, to keep only as many batches in flight as
there are workers (so that when a worker dies, the points it was running are known and
can be retried once, alone), and to drive Dask futures with the same loop. Loky, not the
standard library's ``ProcessPoolExecutor``: it sends functions defined in a notebook by
value (cloudpickle; the standard pool can only send functions importable by name, unless
it forks the Jupyter kernel with its threads, which is unsafe); a pool broken by a dead
worker is replaced by a new one; and its workers are reused by the next sweep, with their
compiled kernels still in memory.

With Dask, the scheduler already reschedules the tasks of a worker that died (up to
``distributed.scheduler.allowed-failures`` times). When it gives up (``KilledWorker``),
it may blame a point that was only queued behind the guilty one on the same worker, and
a batch holds innocent points anyway; so, as on the local pool, each point of that task
is retried once, alone, and only a point that kills its worker again fails
(``WorkerDied``). Results come back in one ``gather`` per wait: a
``result()`` per future is a round trip to the client's event-loop thread each (about
10 ms each on a loaded 2-core machine, measured).
"""

from __future__ import annotations

import abc
import concurrent.futures
import os

from labkit.sweeps.point import Outcome, Task, preload

__all__ = ["Backend", "Sequential", "LocalPool", "DaskCluster", "choose_backend", "run_batch"]

#: Idle local workers exit after this long (loky's default, 10 s, would make every
#: sweep in a notebook start its workers again).
IDLE_TIMEOUT = 300


def run_batch(task: Task, batch: list) -> list[Outcome]:
    """``[(index, params, seed), ...]`` -> their outcomes, run here one after another.

    A point's exception is already its outcome's error (:class:`Task`), so one failing
    point never costs the others of its batch.
    """
    return [task(index, params, seed) for index, params, seed in batch]


class Backend(abc.ABC):
    """Submit batches of points, wait for them; ``slots`` batches may be in flight at once.

    ``workers`` is how many points run at the same time (the driver sizes batches by it).
    """

    name = "backend"
    slots = 1
    workers = 1
    in_process = False
    #: True when a worker's death (``is_death``) charges the points of the failed task,
    #: to be retried once alone.
    retries_deaths = False

    @abc.abstractmethod
    def submit(self, task: Task, batch: list):
        """Start ``batch`` (``[(index, params, seed), ...]``) -> its future (a list of Outcomes)."""

    def wait(self, futures, timeout: float) -> set:
        """Futures -> those finished within ``timeout`` seconds (at least one if any)."""
        done, _ = concurrent.futures.wait(futures, timeout=timeout,
                                          return_when=concurrent.futures.FIRST_COMPLETED)
        return done

    def preload(self) -> None:  # noqa: B027 (optional hook)
        """While the first point runs: let the other workers import what a model needs."""

    def results(self, futures) -> dict:
        """Finished futures -> {future: its list of Outcomes, or the exception it raised}."""
        found = {}
        for future in futures:
            try:
                found[future] = future.result()
            except Exception as error:  # noqa: BLE001 (the driver decides what it means)
                found[future] = error
        return found

    def is_death(self, error: BaseException) -> bool:
        return False

    def recover(self) -> None:  # noqa: B027 (optional hook)
        """After a worker died: make the backend usable again."""

    def close(self, futures, interrupted: bool) -> None:  # noqa: B027 (optional hook)
        """The sweep ended; on an interruption stop what is still running."""


class Sequential(Backend):
    """Points run here, one after another, at submission (``processes=1``)."""

    name = "this process"
    in_process = True

    def submit(self, task, batch):
        future = concurrent.futures.Future()
        future.set_result(run_batch(task, batch))
        return future


class LocalPool(Backend):
    """``processes`` loky worker processes on this machine."""

    retries_deaths = True

    def __init__(self, processes: int):
        self.slots = self.workers = processes
        self.name = f"{processes} local processes"
        self._executor = self._get()
        self._broken = False

    def _get(self, reuse="auto"):
        from joblib.externals.loky import get_reusable_executor

        return get_reusable_executor(max_workers=self.slots, timeout=IDLE_TIMEOUT, reuse=reuse)

    def submit(self, task, batch):
        if self._broken:
            # a new pool, never the old one: loky may not have flagged it broken yet
            self._executor, self._broken = self._get(reuse=False), False
        return self._executor.submit(run_batch, task, batch)

    def preload(self):
        for _ in range(self.slots - 1):
            self._executor.submit(preload)

    def is_death(self, error):
        return isinstance(error, concurrent.futures.process.BrokenProcessPool)

    def recover(self):
        self._broken = True  # replaced at the next submission (after every dying point)

    def close(self, futures, interrupted):
        if interrupted:
            for future in futures:
                future.cancel()
            # the points still running would go on for nothing: end their workers
            self._executor.shutdown(wait=False, kill_workers=True)


class DaskCluster(Backend):
    """The workers of a ``dask.distributed.Client``; every batch may be queued at once."""

    retries_deaths = True  # after Dask's own retries: see the module docstring

    def __init__(self, client):
        import distributed

        self._distributed = distributed
        self.client = client
        self.name = f"Dask ({client.scheduler.address})" if client.scheduler else "Dask"
        self.slots = 1 << 30  # the scheduler balances; labkit need not hold points back
        self._preloads: list = []
        self._threads: int | None = None

    @property
    def workers(self) -> int:
        if self._threads is None:  # asked once per sweep: it is a round trip
            self._threads = max(1, sum(self.client.nthreads().values()))
        return self._threads

    def submit(self, task, batch):
        first = batch[0][0]
        return self.client.submit(run_batch, task, batch, pure=False,
                                  key=f"labkit-sweep-points-{first}-{len(batch)}-"
                                      f"{os.urandom(6).hex()}")

    def preload(self):
        # one task per worker, pinned there; held until the sweep ends (a released future
        # may be cancelled before it runs)
        self._preloads = [
            self.client.submit(preload, pure=False, workers=[address],
                               allow_other_workers=False, key=f"labkit-sweep-preload-{k}")
            for k, address in enumerate(self.client.scheduler_info()["workers"])]

    def wait(self, futures, timeout):
        try:
            done, _ = self._distributed.wait(list(futures), timeout=timeout,
                                             return_when="FIRST_COMPLETED")
        except TimeoutError:
            return set()
        return set(done)

    def results(self, futures):
        futures = list(futures)
        finished = [future for future in futures if future.status == "finished"]
        found = {}
        if finished:
            try:
                found = dict(zip(finished, self.client.gather(finished), strict=True))
            except Exception:  # noqa: BLE001 (a result lost meanwhile: ask one by one)
                found = {}
        rest = [future for future in futures if future not in found]
        return found | super().results(rest)

    def is_death(self, error):
        return isinstance(error, self._distributed.KilledWorker)

    def close(self, futures, interrupted):
        if interrupted and futures:
            self.client.cancel(list(futures))
        self._preloads = []


def choose_backend(client, processes, n_points: int) -> Backend:
    """The arguments of :func:`~labkit.sweeps.run.sweep` -> a backend."""
    if client is not None:
        if processes is not None:
            raise ValueError("sweep: give either client= (a Dask cluster) or processes= "
                             "(local worker processes), not both")
        if not hasattr(client, "submit") or not hasattr(client, "scheduler"):
            raise TypeError(f"sweep: client must be a dask.distributed.Client, got "
                            f"{type(client).__name__}")
        return DaskCluster(client)
    if processes is None:
        processes = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
            else (os.cpu_count() or 1)
    if isinstance(processes, bool) or int(processes) != processes or processes < 1:
        raise ValueError(f"sweep: processes must be a positive integer (1: run here, one "
                         f"point after another), got {processes!r}")
    processes = min(int(processes), n_points)
    return Sequential() if processes <= 1 else LocalPool(processes)
