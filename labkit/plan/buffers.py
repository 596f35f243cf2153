"""A buffer a run may enlarge -> :class:`Growable`, shared by its owner and the run.

SpikeMonitors and synaptic queues keep buffers across runs whose size a run cannot know
in advance. The owner keeps a Growable; the plan binds it to kernel arguments; when the
kernel finds it full, the runner (or cpp_standalone's program, which enlarges buffers
itself) puts a larger copy into it, and the owner reads the new ``array`` from there.
(Kept apart from the plans so that objects can hold one without loading sympy.)
"""

from __future__ import annotations

import numpy as np

__all__ = ["Growable"]


class Growable:
    """A buffer a run may enlarge along ``axis``, kept between runs by its owner.

    >>> g = Growable(np.arange(3), axis=0)
    >>> g.enlarge(6); g.array
    array([0, 1, 2, 0, 0, 0])
    """

    __slots__ = ("array", "axis")

    def __init__(self, array: np.ndarray, axis: int = 0):
        self.array = array
        self.axis = axis

    def enlarge(self, size: int) -> None:
        """A copy ``size`` long along the axis, the old items first, the rest zero."""
        old = self.array
        shape = list(old.shape)
        shape[self.axis] = size
        new = np.zeros(shape, dtype=old.dtype)
        new[tuple(slice(0, n) for n in old.shape)] = old
        self.array = new

    def __repr__(self) -> str:
        return f"Growable({self.array.shape} {self.array.dtype}, axis={self.axis})"
