"""Parameters -> Results: the model interfaces panels and scopes talk to, and two adapters.

Why: a panel must not know how numbers are produced (Numba kernels, numpy formulas, Brian2).
It calls one method, ``simulate(**params) -> results``, with every parameter a Quantity. A
scope, which runs on and on, needs the chunked form: ``start(**params)`` (initial state),
``advance(duration) -> results of that chunk``, ``set(**params)`` (between chunks).

Adapters:

* :class:`FunctionModel` wraps a plain function returning monitors or a dict (``@live``).
* :class:`NetworkModel` wraps a labkit (or Brian2) ``Network``: it ``store``\\ s the initial
  state once, and each ``simulate`` restores it, sets the values, runs and reads the
  monitors. Nothing is rebuilt, so the compiled kernel is reused: a slider moves, the
  simulator re-runs, it does not recompile. It uses only the public Brian2-like API
  (``store``, ``restore``, ``run(duration, namespace=...)``, monitors' attributes) and
  imports nothing of the simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from labkit.widgets.results import Results, as_results

__all__ = ["SimulationModel", "ChunkedModel", "FunctionModel", "NetworkModel"]


@runtime_checkable
class SimulationModel(Protocol):
    """Anything a :class:`~labkit.widgets.Panel` can drive: params (Quantities) -> results."""

    def simulate(self, **params) -> Results | Mapping:
        """Run from the initial state with these parameter values; return named arrays."""


@runtime_checkable
class ChunkedModel(Protocol):
    """Anything a :class:`~labkit.widgets.Scope` can drive, a chunk at a time."""

    def start(self, **params) -> None:
        """Go back to the initial state (t = 0) with these parameter values."""

    def advance(self, duration) -> Results | Mapping:
        """Simulate ``duration`` more; return only the new samples and spikes, as Results
        whose ``sim_time`` is the time reached since ``start`` (not the chunk's length)."""

    def set(self, **params) -> None:
        """Change parameter values for the chunks that follow (state is kept)."""


class FunctionModel:
    """``fn(**params) -> monitors or dict`` -> a :class:`SimulationModel`.

    Parameters
    ----------
    fn : callable
        Builds (or reuses) and runs a simulation; returns anything :func:`as_results` reads.

    >>> model = FunctionModel(lambda a: {"x": [0.0, float(a)]})
    >>> model.simulate(a=2)["x"]
    [0.0, 2.0]
    """

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        self.__doc__ = fn.__doc__

    def simulate(self, **params) -> Results:
        return as_results(self.fn(**params))

    def __repr__(self):
        return f"FunctionModel({getattr(self.fn, '__name__', self.fn)!r})"


def _find_object(network, name: str):
    for obj in getattr(network, "objects", ()):
        if getattr(obj, "name", None) == name:
            return obj
    known = ", ".join(repr(getattr(o, "name", "?")) for o in getattr(network, "objects", ()))
    raise KeyError(f"the network has no object named {name!r} (it has {known})")


def _setter(network, spec) -> Callable[[Any], None]:
    """Target spec -> ``set(value)``: callable, (object, 'attr'), or 'objectname.attr'."""
    if callable(spec):
        return spec
    if isinstance(spec, str):
        obj_name, _, attr = spec.rpartition(".")
        if not obj_name:
            raise ValueError(f"target {spec!r} should read 'objectname.attribute'")
        obj = _find_object(network, obj_name)
    else:
        obj, attr = spec
    return lambda value: setattr(obj, attr, value)


def _is_monitor(obj) -> bool:
    return hasattr(obj, "t") and any(hasattr(obj, a) for a in
                                     ("num_spikes", "rate", "record_variables"))


class NetworkModel:
    """A labkit ``Network`` + which values to vary -> a simulate-able, chunked model.

    Parameters
    ----------
    network : Network
        Fully built; its current state is stored (under ``state_name``) as the initial state.
    duration : Quantity
        How long ``simulate`` runs.
    targets : mapping, optional
        Parameter name -> where its value goes: ``'neurons.I'`` (object name and
        attribute), ``(group, 'I')``, or a callable taking the value. Parameters without a
        target are passed to ``run`` as external constants (the run's ``namespace``).
    namespace : mapping, optional
        Other external constants the equations need (run gets ``namespace=`` explicitly, so
        names are never looked up in some caller's frame).
    monitors : monitor, list or dict of monitors, optional
        What ``simulate`` returns (through :func:`as_results`); default: every monitor in
        the network, read by duck typing.

    Notes
    -----
    The chunked interface (``start``/``advance``/``set``) lets a Scope run a network: each
    ``advance`` runs on and returns the data recorded since the previous one. Monitors keep
    everything, so memory grows with the run; a scope's reset calls ``start``, which
    restores (and so empties) them.
    """

    def __init__(self, network, duration, targets: Mapping | None = None,
                 namespace: Mapping | None = None, monitors=None,
                 state_name: str = "labkit-widgets-initial"):
        self.network = network
        self.duration = duration
        self.namespace = dict(namespace or {})
        self.monitors = monitors if monitors is not None else [
            obj for obj in getattr(network, "objects", ()) if _is_monitor(obj)]
        self._setters = {name: _setter(network, spec) for name, spec in (targets or {}).items()}
        self._state_name = state_name
        self._values: dict[str, Any] = {}
        self._t_chunk = 0.0
        network.store(state_name)

    def _apply(self, params: Mapping) -> None:
        for name, value in params.items():
            if name in self._setters:
                self._setters[name](value)
            else:
                self._values[name] = value

    def _run(self, duration) -> None:
        self.network.run(duration, namespace={**self.namespace, **self._values})

    def simulate(self, **params) -> Results:
        """params -> restore the initial state, set the values, run ``duration``, read monitors.

        The results' ``sim_time`` is the time the network ran, exactly (not inferred from
        the last sample)."""
        self.start(**params)
        self._run(self.duration)
        results = as_results(self.monitors)
        ran = float(self.network.t) - self._t_chunk
        return Results(dict(results), sim_time=ran, static=results.static)

    def start(self, **params) -> None:
        # the random state too: a panel shows the same noise for the same values, so that
        # moving a slider shows what the value changes, not another draw
        self.network.restore(self._state_name, restore_random_state=True)
        self._values = {}
        self._apply(params)
        self._t_chunk = float(self.network.t)

    def set(self, **params) -> None:
        self._apply(params)

    def advance(self, duration) -> Results:
        """Run ``duration`` on; return what the monitors recorded in it."""
        t0 = self._t_chunk
        self._run(duration)
        self._t_chunk = float(self.network.t)
        chunk = as_results(self.monitors).since(t0)
        return Results(dict(chunk), sim_time=self._t_chunk, static=chunk.static)

    def __repr__(self):
        return f"NetworkModel({self.network!r}, duration={self.duration})"
