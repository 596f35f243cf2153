"""Network: a set of objects, a time, and run/store/restore (Brian2's ``Network``).

``Network(G, M).run(100*ms)`` runs the objects from the network's current time ``t``;
``store()``/``restore()`` snapshot and put back everything a later run depends on
(state arrays, monitors' records, clocks, the random generator's state, the last step's
spikes), bit for bit.
"""

from __future__ import annotations

import itertools

import numpy as np

from labkit.core.base import LabkitObject
from labkit.core.clock import SECOND, as_seconds
from labkit.core.namespace import frame_namespace
from labkit.core.random import get_state, set_state
from labkit.core.runner import run_objects
from labkit.errors import SimulationError, UnsupportedFeatureError
from labkit.units.quantity import Quantity

__all__ = ["Network", "stop"]

_network_ids = itertools.count(1)


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple, set, frozenset)):
            yield from _flatten(item)
        elif isinstance(item, dict):
            yield from _flatten(item.values())
        else:
            yield item


class Network:
    """Objects simulated together.

    A run ends early, after the current time step, when :meth:`stop` or :func:`stop` is
    called during it (from a ``network_operation``); ``t`` is then the time reached.

    >>> from labkit.units import ms
    >>> net = Network()
    >>> net.t
    0.0 * second
    """

    #: Set by :func:`stop`: the running network, whichever it is, ends after this step.
    _globally_stopped = False

    def __init__(self, *objects, name: str = "network"):
        self.name = name
        self._stopped = False
        self.objects: list = []
        self.t_ = 0.0
        self.id = next(_network_ids)
        self._stored: dict = {}
        self._last_run_time = 0.0
        self._last_run_cpu_time = 0.0
        self._profile: list | None = None
        self.add(*objects)

    @property
    def t(self) -> Quantity:
        """The network's current time."""
        return Quantity(self.t_, dim=SECOND)

    def add(self, *objects) -> None:
        """Add objects (or lists/dicts of them); each object once."""
        for obj in _flatten(objects):
            if not isinstance(obj, LabkitObject):
                raise TypeError(f"cannot add {obj!r} to a Network: it is not a labkit object "
                                "(NeuronGroup, monitor, network_operation, ...)")
            if obj._network is not None:
                raise SimulationError(
                    f"{obj.name} has already been simulated, so it cannot be added to network "
                    f"{self.name!r} (Brian2's rule: an object belongs to the network that ran "
                    "it first). To pause an object, set its active flag to False instead of "
                    "removing and adding it; to simulate it in a new network, create it again "
                    "(after start_scope()).")
            if all(obj is not o for o in self.objects):
                self.objects.append(obj)

    def remove(self, *objects) -> None:
        for obj in _flatten(objects):
            self.objects = [o for o in self.objects if o is not obj]

    def __contains__(self, obj) -> bool:
        return any(obj is o for o in self.objects)

    def __len__(self) -> int:
        return len(self.objects)

    def __getitem__(self, name: str):
        """The object of this network called ``name`` (``net['poissongroup']``), as Brian2."""
        for obj in self.objects:
            for o in (obj, *getattr(obj, "contained_objects", ())):
                if o.name == name:
                    return o
        known = ", ".join(repr(o.name) for o in self.objects) or "none"
        raise KeyError(f"network {self.name!r} has no object named {name!r} (its objects: "
                       f"{known})")

    def _all_objects(self) -> list:
        found = []
        for obj in self.objects:
            for o in (obj, *getattr(obj, "contained_objects", ())):
                if all(o is not f for f in found):
                    found.append(o)
        return [o for o in found if o.active]

    def run(self, duration, report=None, report_period=None,
            namespace=None, level: int = 0, profile=None) -> None:
        """Simulate for ``duration`` from the current time.

        Parameters
        ----------
        duration : Quantity
            A time, e.g. ``100*ms``.
        report : {None, 'text', 'stdout', 'stderr'} or callable
            Progress reports during long runs.
        namespace : dict, optional
            Values of external names; default: the caller's locals and globals.
        level : int
            How many frames above the caller to look for names (for wrappers).
        profile : bool
            Record the run's time for :attr:`profiling_info`.
        """
        seconds = as_seconds(duration, "the duration of run()")
        if seconds < 0:
            raise ValueError(f"run() needs a duration >= 0, got {duration!r}")
        ns = namespace if namespace is not None else frame_namespace(level + 1)
        period = 10.0 if report_period is None else as_seconds(report_period, "report_period")
        objects = self._all_objects()
        for obj in objects:  # new objects become this network's once prepared (runner)
            if obj._network is not None and obj._network != self.id:
                raise SimulationError(
                    f"{obj.name!r} has already been run in another network, so network "
                    f"{self.name!r} cannot run it. Use add/remove on the network that ran it "
                    "instead of creating a new one, or create the object again (after "
                    "start_scope()).")
        self._stopped = Network._globally_stopped = False
        run_objects(self, objects, seconds, ns, report, period)
        self._profile = [(f"{self.name}_kernel", self._last_run_time)] if profile else None

    @property
    def profiling_info(self) -> list:
        """``[(name, time)]`` of the last run made with ``profile=True``.

        Brian2 lists each code object; labkit runs every object of a run in one compiled
        loop, so the list has one entry, the loop, and its total is the run's time as in
        Brian2.
        """
        if self._profile is None:
            raise ValueError(f"network {self.name!r} has no profiling information: run it "
                             "with run(..., profile=True)")
        return [(name, Quantity(t, dim=SECOND)) for name, t in self._profile]

    def stop(self) -> None:
        """End the current run after this time step (from a ``network_operation``)."""
        self._stopped = True

    @property
    def stop_requested(self) -> bool:
        """Whether :meth:`stop` or :func:`stop` was called since this run started."""
        return self._stopped or Network._globally_stopped

    # -- store / restore ----------------------------------------------------------------------

    def store(self, name: str = "default", filename=None) -> None:
        """Snapshot every object's state, clocks, the time and the random generators
        (labkit's, which kernels draw from, and numpy's global one, which ``rand()`` called
        from Python draws from: Brian2 stores that one)."""
        if filename is not None:
            raise UnsupportedFeatureError("store(filename=...) is not supported; keep the state "
                                      "in memory (store(name)) or pickle monitors' arrays")
        objects = self._all_objects()
        clocks = {id(o.clock): o.clock for o in objects}
        self._stored[name] = {
            "t": self.t_,
            "objects": {id(o): (o, o._store_state()) for o in objects},
            "clocks": {k: (c, c.timestep, c.dt_) for k, c in clocks.items()},
            "rng": get_state(),
            "numpy_rng": np.random.get_state(),  # noqa: NPY002 - the global one, as Brian2
        }

    def restore(self, name: str = "default", filename=None, restore_random_state=False) -> None:
        """Put back a snapshot taken by :meth:`store` (bit-identical).

        As in Brian2, the random generators (labkit's and numpy's global one) go on from
        where they are unless ``restore_random_state=True``: runs from one restored state
        draw new noise, new initial values from ``np.random``, a new stimulus (a script
        that restores before each trial, as Brian2's Maass_Natschlaeger_Markram_2002 does,
        otherwise drew the same values each trial). ``True`` repeats the stored
        continuation bit for bit, noise included."""
        if filename is not None:
            raise UnsupportedFeatureError("restore(filename=...) is not supported")
        try:
            snapshot = self._stored[name]
        except KeyError:
            known = ", ".join(repr(k) for k in self._stored) or "none"
            raise KeyError(f"no state stored under {name!r} (stored: {known}); call "
                           f"store({name!r}) first") from None
        self.t_ = snapshot["t"]
        for obj, state in snapshot["objects"].values():
            obj._restore_state(state)
        for clock, timestep, dt in snapshot["clocks"].values():
            clock._dt = dt
            clock.timestep = timestep
        if restore_random_state:
            set_state(snapshot["rng"])
            np.random.set_state(snapshot["numpy_rng"])  # noqa: NPY002

    def __repr__(self) -> str:
        return f"<Network {self.name!r}: {len(self.objects)} objects, t={self.t_:g} s>"


def stop() -> None:
    """End the running simulation after the current time step (Brian2's ``stop()``).

    Called from a ``network_operation``, e.g. once enough spikes were counted; the
    network's time is then the end of that step, and the next ``run()`` continues from it.
    """
    Network._globally_stopped = True


def copy_arrays(arrays: dict) -> dict:
    """name -> array copies (for store())."""
    return {k: (None if v is None else np.array(v, copy=True)) for k, v in arrays.items()}
