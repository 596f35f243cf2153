"""What an object hands the network at each run: operations + argument values.

:class:`ObjectPlan` is the contract between simulated objects and the network: the
operations the object runs (each with its schedule slot and order), the values of the
kernel arguments it owns, which spike arrays it provides, and how its buffers grow.
``resolve_externals`` implements the namespace lookup for an object's strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["ObjectPlan", "resolve_externals", "spike_arrays", "is_boolean", "scalar_argument"]


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


def is_boolean(value) -> bool:
    """True for a namespace value that is a boolean (``flag = True``), not a number."""
    return isinstance(value, (bool, np.bool_)) or (
        getattr(value, "dim", None) is None and np.asarray(value).dtype == np.bool_)


def scalar_argument(value):
    """A namespace number -> the kernel argument: ``bool`` for booleans, else ``float``."""
    return bool(value) if is_boolean(value) else float(np.asarray(value))


def spike_arrays(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Storage for one step's spikes of ``n`` elements and their count."""
    return np.zeros(n, dtype=np.int32), np.zeros(1, dtype=np.int64)


def resolve_externals(group, names, ctx) -> dict:
    """Names used by ``group``'s strings that are not its variables -> namespace values.

    Raises UnknownNameError (with a suggestion) for a name found nowhere, TypeError for a
    name bound to something that is neither a number/quantity nor a TimedArray.
    """
    from labkit.core.namespace import MISSING, Namespace, unknown_name

    own = getattr(group, "_namespace", None)
    namespace = Namespace(own, *ctx.namespace.mappings) if own else ctx.namespace
    out = {}
    for name in sorted(names):
        if name in group.variables or name in ("t", "dt", "i", "N", "t_in_timesteps") \
                or name.startswith("_") or name == "xi" or name.startswith("xi_"):
            continue
        value = namespace.lookup(name)
        if value is MISSING:
            candidates = [n for n in group.variables if not n.startswith("_")]
            candidates += namespace.numeric_names()
            raise unknown_name(name, group._label(), "its model strings", candidates)
        out[name] = _checked(name, value, group)
    return out


def _checked(name: str, value, group):
    if hasattr(value, "_kernel_values"):
        return value
    if isinstance(value, (bool, np.bool_)):
        return np.bool_(value)  # stays a boolean: usable in conditions, as in Brian2
    dim = getattr(value, "dim", None)
    try:
        array = np.asarray(value.view(np.ndarray) if dim is not None else value)
    except Exception:  # noqa: BLE001 - any object numpy cannot take
        array = None
    if array is None or array.dtype.kind not in "fiub":
        raise TypeError(
            f"'{name}' used in {group._label()} is a {type(value).__name__}, not a number, "
            "quantity or TimedArray; rename one of them")
    if array.ndim != 0 and array.size != 1:
        raise TypeError(
            f"'{name}' used in {group._label()} has {array.size} values; an external name "
            f"must be one value. For one value per neuron declare '{name} : <unit>' in the "
            f"model and set {group.name}.{name} = ...")
    return value
