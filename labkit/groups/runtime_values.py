"""What an object hands the network at each run: operations + argument values.

:class:`ObjectPlan` is the contract between simulated objects and the network: the
operations the object runs (each with its schedule slot and order), the values of the
kernel arguments it owns, which spike arrays it provides, and how its buffers grow.
``resolve_externals`` asks :mod:`labkit.core.namespace` for a group's external names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ObjectPlan", "resolve_externals", "spike_arrays", "SPECIAL"]


@dataclass
class ObjectPlan:
    """``ops``: list of (when, order, Operation); ``values``: argument name -> value.

    ``spikes``: (owner prefix, size argument) when the object produces spikes;
    ``buffers``: (monitor prefix, size argument) for spike buffers checked each step;
    ``grow``: called with the argument values when a spike buffer is full; each
    enlarges its buffers (and puts the new arrays into the values).

    A kernel that enlarges buffers itself (cpp_standalone's program) hands back new,
    larger arrays instead: ``growable`` names the arguments it may enlarge and the axis
    (argument -> axis), and ``adopt`` takes the enlarged ones (argument -> new array;
    the runner puts them into the values). Any other array must come back as it went in.
    """

    ops: list
    values: dict
    spikes: tuple[str, str] | None = None
    buffers: list = field(default_factory=list)
    grow: list = field(default_factory=list)  # callables(values): enlarge full buffers
    growable: dict = field(default_factory=dict)  # argument -> axis it may grow along
    adopt: Callable[[dict], None] | None = None  # adopt(arrays): take enlarged arrays


def spike_arrays(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Storage for one step's spikes of ``n`` elements and their count."""
    return np.zeros(n, dtype=np.int32), np.zeros(1, dtype=np.int64)


#: Names a group's strings may use that are neither its variables nor external.
SPECIAL = frozenset({"t", "dt", "i", "N", "t_in_timesteps"})


def resolve_externals(group, names, ctx) -> dict:
    """Names used by ``group``'s strings that are not its own -> their namespace values.

    The lookup is :mod:`labkit.core.namespace`'s (one order for every object); the
    group's variables, ``t``, ``dt``, ``i``, ``N``, temporaries (``_x``) and noise
    (``xi``, ``xi_1``) are its own.
    """
    own = set(group.variables) | SPECIAL
    external = {n for n in names if n not in own and not n.startswith("_")
                and n != "xi" and not n.startswith("xi_")}
    known = [n for n in group.variables if not n.startswith("_")]
    return ctx.namespace_of(group).resolve(external, group._label(), "its model strings",
                                           known)
