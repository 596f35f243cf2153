"""Whatever a model returns (dict, monitors) -> :class:`Results`, the one thing views read.

Why: views should not care whether numbers came from a labkit network, a Brian2 network or
a numpy formula. A model hands back named arrays under a few conventional keys, and each
view is told which keys to draw:

==============================  =============================================================
key                             meaning
==============================  =============================================================
``t``                           sample times, shape (n_t,)
any other name, e.g. ``v``      a state variable, shape (n_t,) or (n_neurons, n_t)
``spike_t``, ``spike_i``        spike times and neuron indices (a SpikeMonitor's ``t``, ``i``)
``spike_pop``, ``populations``  population code of each spike, and the populations' names
``rate_t``, ``rate``            population rate over time
``N``                           number of neurons the spikes come from (the raster's rows)
==============================  =============================================================

Monitors are read by duck typing (Brian2's attribute names), so this module imports nothing
of the simulator: a spike monitor has ``i``, ``t`` and ``num_spikes``; a rate monitor ``rate``
and ``t``; a state monitor ``record_variables`` and ``t``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from labkit.errors import ArgumentTypeError, NotFoundError, shorten

__all__ = ["Results", "as_results", "time_key_of"]


@dataclass(frozen=True, repr=False)
class Results(Mapping):
    """Named arrays from one simulation (read-only mapping) + the simulated duration.

    Parameters
    ----------
    data : mapping of str to array-like or Quantity
        The arrays, under the conventional keys described in the module docstring.
    sim_time : Quantity or float, optional
        Simulated duration (seconds when a float). Inferred when omitted: the last sample
        time plus one step, or the last rate sample or spike.
    static : iterable of str
        Keys that are not time series (curves, nullclines) even if their length happens
        to equal the number of samples; see :func:`time_key_of`.

    >>> r = Results({"t": [0.0, 0.1], "v": [1.0, 2.0]})
    >>> r
    Results(t: (2,), v: (2,); sim_time=0.2)
    >>> sorted(r)
    ['t', 'v']
    """

    data: Mapping[str, Any]
    sim_time: Any = None
    static: frozenset = frozenset()
    _frozen: Mapping[str, Any] = field(init=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_frozen", MappingProxyType(dict(self.data)))
        object.__setattr__(self, "static", frozenset(self.static))
        if self.sim_time is None:
            object.__setattr__(self, "sim_time", _infer_sim_time(self._frozen))

    def __getitem__(self, key):
        try:
            return self._frozen[key]
        except KeyError:
            raise _missing(key, self._frozen) from None

    def __iter__(self):
        return iter(self._frozen)

    def __len__(self):
        return len(self._frozen)

    def __repr__(self):
        parts = [f"{k}: {np.shape(v)}" for k, v in self._frozen.items()]
        return f"Results({', '.join(parts)}; sim_time={self.sim_time})"

    def since(self, t0: float) -> Results:
        """Results -> only the samples and spikes at times >= ``t0`` (seconds, SI)."""
        return _select(self, lambda times: np.asarray(times, dtype=float) >= t0)


def _si(value) -> np.ndarray:
    """Quantity or array -> plain float ndarray in SI (a Quantity's raw values)."""
    return np.asarray(value, dtype=float)


def _infer_sim_time(data: Mapping) -> float | None:
    ends = []
    t = data.get("t")
    if t is not None and np.size(t) > 1:
        times = _si(t)
        ends.append(times[-1] + (times[-1] - times[-2]))
    for key in ("rate_t", "spike_t"):
        if key in data and np.size(data[key]):
            ends.append(float(np.max(_si(data[key]))))
    return max(ends) if ends else None


def time_key_of(key: str, data: Mapping) -> str | None:
    """Array name -> the name of the time array its last axis runs along, or None.

    ``spike_*`` arrays run along ``spike_t``, ``rate`` along ``rate_t``, and any array whose
    last axis is as long as ``t`` along ``t``; others (curves, nullclines), and the keys a
    :class:`Results` lists as ``static``, have no time axis.
    """
    if key in ("t", "spike_t", "rate_t"):
        return key
    if key == "populations" or key in getattr(data, "static", ()):
        return None
    if key.startswith("spike_") and "spike_t" in data:
        return "spike_t"
    if key.startswith("rate") and "rate_t" in data:
        return "rate_t"
    t = data.get("t")
    value = data[key]
    if t is not None and np.ndim(value) >= 1 and np.shape(value)[-1] == np.size(t):
        return "t"
    return None


def _select(results: Results, keep) -> Results:
    """Apply ``keep(times) -> bool mask`` to every time-indexed array."""
    masks = {k: keep(results[k]) for k in ("t", "spike_t", "rate_t") if k in results}
    data = {}
    for key, value in results.items():
        axis_key = time_key_of(key, results)
        if axis_key is not None and not isinstance(value, np.ndarray):
            value = np.asarray(value)
        data[key] = value if axis_key is None else value[..., masks[axis_key]]
    return Results(data, static=results.static)


def concat_results(old: Results | None, new: Results) -> Results:
    """Two consecutive chunks -> one Results, time-indexed arrays joined along time.

    Arrays without a time axis (I-V curves, nullclines) are taken from ``new``.
    """
    if old is None:
        return new
    data = {}
    for key, value in new.items():
        axis_key = time_key_of(key, new)
        if key in old and axis_key is not None and time_key_of(key, old) == axis_key:
            data[key] = np.concatenate([old[key], value], axis=-1)
        else:
            data[key] = value
    return Results(data, static=new.static)


# -- monitors -> arrays ---------------------------------------------------------------------

def _is_spike_monitor(obj) -> bool:
    return all(hasattr(obj, a) for a in ("i", "t", "num_spikes"))


def _is_rate_monitor(obj) -> bool:
    return hasattr(obj, "rate") and hasattr(obj, "t") and not _is_spike_monitor(obj)


def _is_state_monitor(obj) -> bool:
    return hasattr(obj, "record_variables") and hasattr(obj, "t")


def _is_monitor(obj) -> bool:
    return _is_spike_monitor(obj) or _is_rate_monitor(obj) or _is_state_monitor(obj)


def _spikes(named: list[tuple[str, Any]]) -> dict:
    """Several spike monitors -> one raster; each population stacked above the previous."""
    times, indices, codes, offset, sized = [], [], [], 0, True
    for code, (_, mon) in enumerate(named):
        i = np.asarray(mon.i, dtype=np.int64)
        times.append(mon.t)
        indices.append(i + offset)
        codes.append(np.full(i.shape, code, dtype=np.int64))
        size = getattr(getattr(mon, "source", None), "N", None)
        sized = sized and size is not None
        offset += int(size) if size is not None else (int(i.max()) + 1 if i.size else 0)
    out = {"spike_t": _join(times), "spike_i": np.concatenate(indices)}
    if sized:
        out["N"] = offset              # the raster's rows: silent neurons included
    if len(named) > 1:
        out["spike_pop"] = np.concatenate(codes)
        out["populations"] = tuple(name for name, _ in named)
    return out


def _join(parts):
    """Concatenate, keeping a Quantity when the parts are Quantities."""
    if len(parts) == 1:
        return parts[0]
    joined = np.concatenate([_si(p) for p in parts])
    dim = getattr(parts[0], "dim", None)
    if dim is None:
        return joined
    from labkit.units import Quantity

    return Quantity(joined, dim=dim)


def _shown(obj) -> str:
    if isinstance(obj, (list, tuple)):
        kinds = ", ".join(sorted({type(m).__name__ for m in obj})) or "nothing"
        return f"a {type(obj).__name__} of {kinds}"
    return f"a {type(obj).__name__} ({shorten(repr(obj), 60)})"


def _missing(key, data) -> NotFoundError:
    """A view asked the model's results for ``key``, which they do not have."""
    have = ", ".join(map(str, data)) or "nothing"
    return NotFoundError(
        f"a plot needs '{key}' from the model's results, which have: {have}. Return the "
        f"monitor that records it (a StateMonitor gives 't' and its variables, a "
        f"SpikeMonitor 'spike_t' and 'spike_i'), or put it in the returned dict: "
        f"{{'{key}': ...}}; or give views=[...] that fit what the model returns")


def _monitor_items(obj) -> list[tuple[str, Any]]:
    """dict / list / single monitor -> [(name, monitor)]."""
    if isinstance(obj, Mapping):
        return list(obj.items())
    if isinstance(obj, (list, tuple)):
        return [(getattr(m, "name", f"monitor{k}"), m) for k, m in enumerate(obj)]
    return [(getattr(obj, "name", "monitor"), obj)]


def as_results(obj) -> Results:
    """A model's return value -> :class:`Results`.

    Parameters
    ----------
    obj : Results, mapping, monitor, or list/tuple/dict of monitors
        A mapping of arrays is taken as it is (monitor values inside it are expanded); spike
        monitors are merged into one raster with one population per monitor (named by the
        dict key or the monitor's ``name``); the first rate monitor gives ``rate_t``/``rate``;
        state monitors give ``t`` and their variables (``name.var`` when names clash).

    >>> as_results({"I": [1.0, 2.0], "f": [0.0, 10.0]})["f"]
    [0.0, 10.0]
    """
    if isinstance(obj, Results):
        return obj
    if not isinstance(obj, (Mapping, list, tuple)) and not _is_monitor(obj) or \
            isinstance(obj, (list, tuple)) and not all(_is_monitor(m) for m in obj):
        raise ArgumentTypeError(
            f"the model function returned {_shown(obj)}; it must return a monitor "
            "(return M, a StateMonitor, SpikeMonitor or PopulationRateMonitor), a list or "
            "dict of monitors (return [M, S]), or a dict of arrays such as "
            "{'t': M.t, 'v': M.v}")
    items = _monitor_items(obj)
    if isinstance(obj, Mapping) and not any(_is_monitor(m) for _, m in items):
        return Results(obj)
    data: dict[str, Any] = {}
    spike_mons = [(n, m) for n, m in items if _is_spike_monitor(m)]
    if spike_mons:
        data.update(_spikes(spike_mons))
    for name, mon in items:
        if _is_rate_monitor(mon):
            prefix = "" if "rate" not in data else f"{name}."
            data[f"{prefix}rate_t" if prefix else "rate_t"] = mon.t
            data[f"{prefix}rate"] = mon.rate
        elif _is_state_monitor(mon):
            clash = "t" in data or any(v in data for v in mon.record_variables)
            prefix = f"{name}." if clash else ""
            data[f"{prefix}t"] = mon.t
            for var in mon.record_variables:
                data[f"{prefix}{var}"] = getattr(mon, var)
        elif not _is_spike_monitor(mon):
            data[name] = mon
    return Results(data)
