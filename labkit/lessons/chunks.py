"""A built labkit Network -> a Scope model that runs chunk after chunk with bounded memory,
and the regime label its running neuron gets from the detector.

Why: the GUI demos of lessons 08 and 09 keep a simulation running for as long as the
learner watches. :class:`~labkit.widgets.NetworkModel` keeps every sample its monitors
ever recorded (memory and the cost of reading them grow with the run); here each chunk
runs the same network with *fresh* monitors, added for the chunk and removed after it, so
a chunk costs the same after an hour as after a second. The group and its clock are built
once and never shared with ``defaultclock``: a scope's thread must not move the clock of
the notebook's own runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from labkit import second
from labkit.models.bursts import classify
from labkit.widgets import Results

__all__ = ["ChunkedNetwork", "RegimeLabel", "assign"]


def assign(target, values: Mapping, current: dict) -> bool:
    """Set each value on ``target`` (a group or synapses: ``target.name = value``) and
    record it in ``current``; True if any differs from what ``current`` held.

    ``current`` keeps plain numbers (SI; floats, or float arrays for one value per neuron),
    the target gets the values as given (Quantities keep their units).
    """
    changed = False
    for name, value in values.items():
        number = float(np.asarray(value)) if np.ndim(value) == 0 else \
            np.asarray(value, dtype=float)
        changed |= not np.array_equal(number, current.get(name))
        current[name] = number
        setattr(target, name, value)
    return changed


class RegimeLabel:
    """Spike times as they come, chunk after chunk -> the detector's name for the regime
    over the last ``window`` seconds since the last change of a parameter.

    For ``settle`` seconds after a change the label says "settling" (a few tau_u: the
    ultra-slow variable needs them). The detector runs again when spikes came, and at least
    once a second (the window slides).
    """

    def __init__(self, window: float = 10.0, settle: float = 4.0):
        self.window, self.settle = float(window), float(settle)
        self.reset()

    def reset(self) -> None:
        self.spikes, self.since, self.t = np.zeros(0), 0.0, 0.0
        self._key, self._when, self.text = None, -np.inf, ""

    def changed(self) -> None:
        """A parameter changed at the current time: the old spikes no longer count."""
        self.since = self.t

    def regime(self):
        return classify(self.spikes, start=max(self.since, self.t - self.window), stop=self.t)

    def update(self, t: float, new_spikes) -> str:
        """Time reached + the chunk's spike times (seconds) -> the label."""
        new_spikes = np.asarray(new_spikes, dtype=float)
        self.t = float(t)
        self.spikes = np.concatenate([self.spikes[self.spikes >= self.t - self.window],
                                      new_spikes])
        settled = self.t - self.since >= min(self.window, self.settle)
        key = (self.since, settled)
        if new_spikes.size or key != self._key or self.t - self._when >= 1.0:
            regime = str(self.regime())
            self.text = regime if settled else f"settling ({regime} so far)"
            self._key, self._when = key, self.t
        return self.text


class ChunkedNetwork:
    """A built Network + a factory of monitors -> ``start``/``advance``/``simulate``.

    Parameters
    ----------
    network : Network
        Everything but the monitors; its state now is the initial state.
    monitors : callable
        ``() -> {name: monitor}``, called for each chunk.
    duration : Quantity
        What ``simulate`` runs.

    Subclasses give the parameters a meaning (:meth:`set`) and turn a chunk's monitors into
    Results (:meth:`results`); :meth:`run` may split a chunk (a pulse, a switch).
    """

    def __init__(self, network, monitors: Callable[[], Mapping], duration):
        self.network, self._monitors, self.duration = network, monitors, duration
        self.t = 0.0
        network.store("initial")

    def start(self, **params) -> None:
        """Back to the initial state at t = 0, then ``set(**params)``."""
        self.network.restore("initial", restore_random_state=False)
        self.t = 0.0
        self.set(**params)

    def set(self, **params) -> None:
        raise TypeError(f"{type(self).__name__} must define set(**params)")

    def advance(self, duration) -> Results:
        """Run ``duration`` on -> that chunk's Results."""
        monitors = dict(self._monitors())
        self.network.add(*monitors.values())
        try:
            self.run(float(np.asarray(duration)))
        finally:
            self.network.remove(*monitors.values())
        self.t = float(self.network.t_)
        return self.results(monitors)

    def run(self, duration: float) -> None:
        """Simulate ``duration`` seconds (one chunk)."""
        self.network.run(duration * second)

    def results(self, monitors: Mapping) -> Results:
        raise TypeError(f"{type(self).__name__} must define results(monitors)")

    def simulate(self, **params) -> Results:
        """params -> Results of ``duration`` from the initial state (for a Panel)."""
        self.start(**params)
        return self.advance(self.duration)

    def __repr__(self):
        return f"{type(self).__name__}(t={self.t:.3f} s)"
