"""Clocks: a time step and an integer step counter -> the times at which objects act.

Time is kept as an integer number of steps, never as an accumulated float, so that
``t`` after a million steps is exactly ``step * dt`` and several ``run()`` calls in a row
neither skip nor repeat a step (Brian2's rule: an end time that is not a multiple of dt,
within 0.01 % of dt, rounds up).
"""

from __future__ import annotations

import numpy as np

from labkit.errors import DimensionMismatchError
from labkit.units.dimension import get_or_create_dimension
from labkit.units.quantity import Quantity

SECOND = get_or_create_dimension(s=1)


def as_seconds(value, what: str) -> float:
    """A time given as a Quantity in seconds -> float seconds; anything else is an error."""
    dim = getattr(value, "dim", None)
    if dim is not SECOND:
        raise DimensionMismatchError(f"{what} must be a time, e.g. 0.1*ms; got {value!r}", dim)
    return float(np.asarray(value))


class Clock:
    """A time step ``dt`` and the current time step of the objects that use it.

    >>> from labkit.units import ms
    >>> clock = Clock(dt=0.5*ms)
    >>> clock.dt
    0.5 * msecond
    >>> clock.steps_until(2.1e-3)  # an end time between steps rounds up
    5
    """

    #: Relative tolerance (in units of dt) under which a time counts as a whole step.
    epsilon_dt = 1e-4

    def __init__(self, dt, name: str = "clock"):
        self.name = name
        self._dt = as_seconds(dt, f"dt of clock {name!r}")
        self._check_positive(self._dt)
        self.timestep = 0

    @staticmethod
    def _check_positive(dt: float) -> None:
        if not dt > 0:
            raise ValueError(f"dt must be positive, got {dt} s")

    @property
    def dt(self) -> Quantity:
        return Quantity(self._dt, dim=SECOND)

    @dt.setter
    def dt(self, value) -> None:
        new = as_seconds(value, f"dt of clock {self.name!r}")
        self._check_positive(new)
        if new != self._dt and self.timestep:
            # Keep the current time when dt changes between runs, if it is representable.
            t_now = self.timestep * self._dt
            step = self._round_step(t_now, new)
            if abs(step * new - t_now) > self.epsilon_dt * new:
                raise ValueError(
                    f"cannot change dt of clock {self.name!r} to {new} s: the current time "
                    f"{t_now} s is not a multiple of it"
                )
            self.timestep = step
        self._dt = new

    @property
    def dt_(self) -> float:
        return self._dt

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, dim=SECOND)

    @property
    def t_(self) -> float:
        return self.timestep * self._dt

    @staticmethod
    def _round_step(t: float, dt: float) -> int:
        return int(np.round(t / dt))

    def steps_until(self, t_end: float) -> int:
        """The step index at which a run that ends at ``t_end`` (seconds) stops."""
        step = self._round_step(t_end, self._dt)
        if step * self._dt == t_end or abs(step * self._dt - t_end) <= self.epsilon_dt * self._dt:
            return step
        return int(np.ceil(t_end / self._dt))

    def __repr__(self) -> str:
        return f"Clock(dt={self.dt!r}, name={self.name!r})"


#: The clock of every object that is given neither ``dt`` nor ``clock``.
defaultclock = Clock(dt=Quantity(1e-4, dim=SECOND), name="defaultclock")
