"""Monitors or arrays -> matplotlib figures, for scripts, exercises and file export.

Why: widgets need a browser; a script, a test or an exported figure does not. These follow
brian2tools' signatures (``plot_raster(indices, times)``, ``plot_state(times, values)``,
``plot_rate(times, rate)``), take monitors or :class:`Results` as well, label axes with units,
and return the matplotlib Axes. matplotlib is imported only when a plot is made (it is an
optional dependency, in the ``test`` extra).

>>> import numpy as np
>>> from labkit.units import ms
>>> ax = plot_raster(np.array([0, 1, 1]), np.array([1, 2, 5]) * ms)
>>> ax.get_xlabel()
'time [ms]'
"""

from __future__ import annotations

import numpy as np

from labkit.units import DIMENSIONLESS, Hz, get_dimensions, ms
from labkit.units.display import best_unit

__all__ = ["plot_raster", "plot_state", "plot_rate", "new_axes"]


def new_axes(axes=None, figsize=(6, 3)):
    """Axes or None -> Axes (a new pyplot figure; pyplot picks Agg when there is no display)."""
    if axes is not None:
        return axes
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _in_unit(values, unit):
    """Quantity + unit (or None: best unit) -> (numbers, unit text)."""
    dim = get_dimensions(values)
    raw = np.asarray(values, dtype=float)
    if unit is not None:
        return raw / float(np.asarray(unit)), ("" if dim is DIMENSIONLESS else str(unit))
    if dim is DIMENSIONLESS:
        return raw, ""
    finite = np.abs(raw[np.isfinite(raw)])
    shown = best_unit(dim, finite.max() if finite.size else None)
    return raw / shown.factor, shown.text


def _label(name, unit_text):
    return f"{name} [{unit_text}]" if unit_text else name


def plot_raster(spike_indices, spike_times=None, time_unit=ms, axes=None, populations=None,
                **kwds):
    """Spike indices and times (or a SpikeMonitor / Results) -> raster on matplotlib Axes.

    Parameters
    ----------
    spike_indices : array, SpikeMonitor or Results
        Neuron indices; or an object with ``i``/``t`` (a monitor) or ``spike_i``/``spike_t``.
    spike_times : Quantity, optional
        Spike times (not needed when the first argument carries them).
    time_unit : Unit
        Unit of the time axis.
    populations : array of int, optional
        Population code per spike; each population gets its own colour.
    """
    if spike_times is None:
        source = spike_indices
        if hasattr(source, "num_spikes"):
            spike_indices, spike_times = source.i, source.t
        else:
            spike_indices, spike_times = source["spike_i"], source["spike_t"]
            populations = source.get("spike_pop") if populations is None else populations
    ax = new_axes(axes)
    t, t_text = _in_unit(spike_times, time_unit)
    i = np.asarray(spike_indices)
    kwds.setdefault("marker", "|" if i.size < 5000 else ",")
    kwds.setdefault("linestyle", "none")
    if populations is None:
        kwds.setdefault("color", "k")
        ax.plot(t, i, **kwds)
    else:
        codes = np.asarray(populations)
        for code in np.unique(codes):
            ax.plot(t[codes == code], i[codes == code], **kwds)
    ax.set(xlabel=_label("time", t_text), ylabel="neuron index")
    return ax


def plot_state(times, values=None, time_unit=ms, var_unit=None, var_name=None, axes=None,
               **kwds):
    """Times and values (n_t,) or (n, n_t) (or a StateMonitor + var name) -> lines on Axes.

    ``plot_state(mon.t, mon.v.T)`` as in brian2tools (values (n_t, n)) also works: the axis
    whose length matches ``times`` is taken as time.
    """
    if values is None or isinstance(values, str):
        var = values or var_name
        source = times
        times = source["t"] if hasattr(source, "keys") else source.t
        values = source[var] if hasattr(source, "keys") else getattr(source, var)
        var_name = var_name or var
    ax = new_axes(axes)
    t, t_text = _in_unit(times, time_unit)
    y, y_text = _in_unit(values, var_unit)
    y = np.atleast_2d(y)
    if y.shape[-1] != t.size and y.shape[0] == t.size:
        y = y.T
    ax.plot(t, y.T, **kwds)
    ax.set(xlabel=_label("time", t_text), ylabel=_label(var_name or "value", y_text))
    return ax


def plot_rate(times, rate=None, time_unit=ms, rate_unit=Hz, axes=None, **kwds):
    """Times and population rate (or a PopulationRateMonitor / Results) -> a line on Axes."""
    if rate is None:
        source = times
        if hasattr(source, "keys"):
            times, rate = source["rate_t"], source["rate"]
        else:
            times, rate = source.t, source.rate
    ax = new_axes(axes)
    t, t_text = _in_unit(times, time_unit)
    r, r_text = _in_unit(rate, rate_unit)
    ax.plot(t, r, **kwds)
    ax.set(xlabel=_label("time", t_text), ylabel=_label("rate", r_text))
    return ax
