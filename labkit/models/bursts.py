"""A voltage trace or spike times -> spikes, bursts and the firing regime (rest, tonic,
bursting with k spikes per burst, plateau).

Why a fixed rule: the lessons' checkers, the live label of the multi-scale neuron's scope,
the regime map and the tests must all call the same thing "bursting". The rule is the one
models-reference section 1.4 used for its verified numbers:

* a **spike** is an upward crossing of ``threshold`` (0), counted again only after the
  trace fell below ``rearm`` (-0.5): hysteresis, so the ripples of a wide spike count once
  (the multi-scale neuron's ``threshold='V > 0'``, ``refractory='V > -0.5'`` does the same
  inside a simulation);
* **bursts**: the spike train is split at inter-spike intervals longer than the geometric
  mean of the shortest and longest interval. A train whose longest interval is less than
  twice its shortest is regular and is not split (without that guard the rule would cut a
  tonic train at random);
* the regime is **bursting** when most spikes of the complete bursts come in bursts of
  two or more (single spikes between bursts may occur near the switch to tonic spiking);
* the first ``transient`` is discarded (the ultra-slow variable settles over several
  tau_u = 2.5 s; the reference discards 10 s), and so are the first and last bursts of the
  window when there are three or more (they may be cut by its edges).

Times are in seconds (plain numbers, SI) or Quantities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labkit.units import Quantity, second

__all__ = ["spike_times", "split_bursts", "Regime", "classify", "PLATEAU_PERIOD"]

#: Single events slower than this are plateaus: tonic spiking is paced by the slow
#: variable (periods of 30-350 ms), a cycle over 1 s by the ultra-slow one (tau_u = 2.5 s).
PLATEAU_PERIOD = 1.0


def _seconds(x) -> np.ndarray:
    return np.asarray(x, dtype=float)


def spike_times(t, V, threshold: float = 0.0, rearm: float = -0.5) -> Quantity:
    """A sampled trace -> the times of its spikes (first sample above ``threshold`` after
    the trace was below ``rearm``; it starts armed).

    >>> t = np.arange(8) * 0.001
    >>> spike_times(t, [-1, 0.5, -0.2, 0.4, -0.9, 0.1, 0.2, -1])      # 0.4: not re-armed
    array([1., 5.]) * msecond
    """
    V = np.asarray(V, dtype=float)
    state = np.where(V > threshold, 1, np.where(V < rearm, -1, 0))
    last = np.where(state != 0, np.arange(V.size), -1)
    np.maximum.accumulate(last, out=last)
    filled = np.where(last >= 0, state[np.maximum(last, 0)], -1)
    previous = np.concatenate([[-1], filled[:-1]])
    return Quantity(_seconds(t)[(filled == 1) & (previous == -1)], dim=second.dim)


def split_bursts(times, gap=None) -> list[np.ndarray]:
    """Spike times -> a list of bursts (arrays of times in seconds), split at intervals
    longer than ``gap`` (default: the geometric-mean rule of the module docstring).

    >>> [b.size for b in split_bursts([0, .08, .16, 2.0, 2.08, 2.16, 2.24])]
    [3, 4]
    >>> [b.size for b in split_bursts([0, .111, .222, .334])]           # regular: one train
    [4]
    """
    t = np.sort(_seconds(times).ravel())
    if t.size < 2:
        return [t] if t.size else []
    isi = np.diff(t)
    if gap is None:
        lo, hi = isi.min(), isi.max()
        if hi < 2 * lo:
            return [t]
        gap = np.sqrt(lo * hi)
    return np.split(t, np.flatnonzero(isi > float(np.asarray(gap))) + 1)


@dataclass(frozen=True)
class Regime:
    """A firing regime and its numbers.

    Attributes
    ----------
    kind : str
        ``'rest'`` (fewer than 3 spikes), ``'tonic'``, ``'bursting'`` or ``'plateau'``.
    n_spikes : int
        Spikes in the window analysed.
    spikes_per_burst : float
        Median size of the complete bursts of two spikes or more (1 for tonic spiking and
        plateaus, 0 at rest).
    burst_sizes : tuple of int
        Sizes of those bursts.
    period : Quantity or None
        Median time from one spike (tonic, plateau) or burst onset (bursting) to the next.
    isi : Quantity or None
        Median interval between spikes inside a burst (bursting) or the period (tonic).
    """

    kind: str
    n_spikes: int = 0
    spikes_per_burst: float = 0.0
    burst_sizes: tuple = ()
    period: Quantity | None = None
    isi: Quantity | None = None

    def __str__(self) -> str:
        if self.kind == "rest":
            return "rest"
        if self.kind == "bursting":
            lo, hi = min(self.burst_sizes), max(self.burst_sizes)
            sizes = f"{lo}" if lo == hi else f"{lo}-{hi}"
            every = "" if self.period is None else f", every {float(self.period):.3g} s"
            return f"bursting: {sizes} spikes per burst{every}"
        period = float(self.period)
        if self.kind == "plateau":
            return f"plateau: one long event every {period:.3g} s"
        return f"tonic: period {period * 1e3:.3g} ms ({1 / period:.3g} Hz)"


def _median(x) -> Quantity:
    return Quantity(float(np.median(x)), dim=second.dim)


def classify(times, start=0.0, stop=None, plateau_period=PLATEAU_PERIOD) -> Regime:
    """Spike times -> the :class:`Regime` of the spikes in ``[start, stop)``.

    >>> print(classify(np.arange(20) * 0.111))
    tonic: period 111 ms (9.01 Hz)
    >>> onsets = np.arange(6) * 1.95
    >>> print(classify(np.concatenate([o + np.arange(7) * 0.083 for o in onsets])))
    bursting: 7 spikes per burst, every 1.95 s
    >>> classify([0.5, 3.0]).kind
    'rest'
    """
    t = np.sort(_seconds(times).ravel())
    keep = t >= float(np.asarray(start))
    if stop is not None:
        keep &= t < float(np.asarray(stop))
    t = t[keep]
    if t.size < 3:
        return Regime("rest", int(t.size))
    bursts = split_bursts(t)
    complete = bursts[1:-1] if len(bursts) >= 3 else bursts
    multi = [b for b in complete if b.size >= 2]
    # bursting when most spikes come in groups (single spikes between bursts may occur)
    if len(bursts) > 1 and sum(b.size for b in multi) > sum(b.size for b in complete) / 2:
        sizes = tuple(int(b.size) for b in multi)
        onsets = [b[0] for b in (multi if len(multi) >= 2 else bursts) if b.size >= 2]
        period = _median(np.diff(onsets)) if len(onsets) >= 2 else None
        intra = np.concatenate([np.diff(b) for b in multi])
        return Regime("bursting", int(t.size), float(np.median(sizes)), sizes, period,
                      _median(intra))
    period = _median(np.diff(t))
    kind = "plateau" if float(period) > float(np.asarray(plateau_period)) else "tonic"
    return Regime(kind, int(t.size), 1.0, (1,), period, period)
