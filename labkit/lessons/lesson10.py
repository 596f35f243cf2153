"""Lesson 10, spatial neurons: the panel (a synapse on a ball-and-stick dendrite), the
lesson's figures and the checkers.

The models are :mod:`labkit.models.cable`. The panel's sliders change the dendrite's
diameter and length, the axial resistivity and where the synapse sits; each move builds
the neuron again (the shape is part of the model) and reuses the compiled loop (the
structure does not change). The panel shows the soma's and the synapse's potential over
time, and the neuron coloured by the highest potential each compartment reached.
"""

from __future__ import annotations

import functools

import numpy as np

from labkit import meter, mV, ohm, second, um
from labkit.lessons.checking import Verdict, expect_close, expect_true
from labkit.models.cable import (
    PASSIVE_CONSTANTS,
    RI,
    ball_and_stick,
    length_constant,
    synaptic_response,
    travelling_spike,
)
from labkit.units import cm, get_dimensions
from labkit.widgets import FloatControl, FunctionModel, MorphologyView, Panel, TraceView

__all__ = ["panel", "plot_attenuation", "plot_travelling_spike", "soma_effect", "CHECKS",
           "EXERCISE_GEOMETRY"]

#: The exercise notebook's dendrite: thinner and longer than the lesson's, so that a
#: synapse can lose half of its somatic effect on it.
EXERCISE_GEOMETRY = {"diameter": 1 * um, "length": 1000 * um}


def _panel_model(diameter, length, Ri, position):
    result = synaptic_response(position=min(position, length), diameter=diameter,
                               length=length, Ri=Ri)
    return {key: result[key] for key in ("t", "v_soma", "v_syn", "peak", "morphology")}


def panel(**kw) -> Panel:
    """diameter, length, Ri, synapse position -> the soma's and the synapse's potential
    after a 2 nS synapse opens at 2 ms, and the neuron coloured by each compartment's
    highest potential, from rest (-70 mV) to this setting's highest peak, which the header
    states (a position beyond the dendrite's end is its end)."""
    controls = [FloatControl("diameter", 0.5 * um, 4 * um, 2 * um, 0.25 * um, unit=um,
                             label="dendrite's diameter"),
                FloatControl("length", 100 * um, 1000 * um, 500 * um, 50 * um, unit=um,
                             label="dendrite's length"),
                FloatControl("Ri", 50 * ohm * cm, 300 * ohm * cm, RI, 10 * ohm * cm,
                             unit=ohm * cm, label="axial resistivity Ri"),
                FloatControl("position", 0 * um, 1000 * um, 250 * um, 10 * um, unit=um,
                             label="synapse's distance from the soma")]
    views = [TraceView(("v_soma", "v_syn"), unit=mV, labels=["soma", "at the synapse"],
                     title="membrane potential"),
             MorphologyView(ball_and_stick(), key="peak",
                            value_range=(-70 * mV, None), morphology_key="morphology",
                            title="the neuron, coloured by each compartment's peak v",
                            height="240px")]
    return Panel(FunctionModel(_panel_model), controls, views,
                 title="a synapse on a ball-and-stick dendrite", **kw)


def plot_attenuation(neuron, lam, ax=None):
    """A ball-and-stick neuron at its steady state -> its dendrite's potential against
    distance, with the length constant's exponential (matplotlib)."""
    import matplotlib.pyplot as plt

    ax = ax or plt.figure(figsize=(7, 3), layout="constrained").add_subplot()
    x = np.asarray(neuron.dend.distance) * 1e6
    deflection = (np.asarray(neuron.dend.v) - float(PASSIVE_CONSTANTS["EL"])) * 1e3
    ax.plot(x, deflection, "o", ms=3, label="simulated (sealed end)")
    ax.plot(x, deflection[0] * np.exp(-(x - x[0]) / float(lam / um)), "--",
            label=r"$V_0\,e^{-x/\lambda}$ (infinite cable)")
    ax.axvline(float(lam / um), color="0.6", lw=0.8)
    ax.set(xlabel="distance from the soma [um]", ylabel="v - E_L [mV]")
    ax.legend()
    return ax


def plot_travelling_spike(spike, ax=None):
    """:func:`~labkit.models.cable.travelling_spike`'s result -> v(x, t) as an image, the
    spike's arrival times on top (matplotlib)."""
    import matplotlib.pyplot as plt

    ax = ax or plt.figure(figsize=(7, 3), layout="constrained").add_subplot()
    t, x = np.asarray(spike["t"]) * 1e3, np.asarray(spike["x"]) * 1e3
    image = ax.imshow(np.asarray(spike["v"]) * 1e3, aspect="auto", origin="lower",
                      extent=(t[0], t[-1], x[0], x[-1]), cmap="viridis")
    ax.plot(spike["arrival"] * 1e3, x, color="white", lw=0.8, ls="--")
    ax.set(xlabel="t [ms]", ylabel="distance along the axon [mm]")
    plt.colorbar(image, ax=ax, label="v [mV]")
    return ax


# -- checkers -------------------------------------------------------------------------------
@functools.lru_cache(maxsize=32)
def _speed(diameter_um: float) -> float:
    """Diameter (um) -> the lesson's HH axon's spike velocity (m/s), cached."""
    return float(travelling_spike(diameter_um * um)["velocity"])


@functools.lru_cache(maxsize=64)
def _soma_peak(position_um: float) -> float:
    """Synapse position (um) on the exercise dendrite -> the soma's EPSP peak (V)."""
    response = synaptic_response(position=position_um * um, **EXERCISE_GEOMETRY)
    return float(np.max(np.asarray(response["v_soma"])) - float(PASSIVE_CONSTANTS["EL"]))


def soma_effect(position) -> float:
    """A synapse's position on the exercise dendrite -> its somatic EPSP as a fraction of
    the same synapse's next to the soma (position 0)."""
    return _soma_peak(round(float(position / um), 3)) / _soma_peak(0.0)


def _is_length(value) -> bool:
    return get_dimensions(value) is get_dimensions(um)


def _check_length_constant(lam=None):
    yield expect_close("lam", lam, length_constant(2 * um), rtol=1e-2,
                       hint="lambda = sqrt(d*Rm/(4*Ri)) with Rm = 1/gL; units make "
                            "the cm work out")


def _check_prediction(v_4um=None):
    yield expect_close("v_4um", v_4um, 2 * _speed(1.0) * meter / second, rtol=0.03,
                       hint="v grows as the square root of the diameter, not as the "
                            "diameter")


def _check_measured_lambda(lam_theory=None, lam_measured=None):
    target = length_constant(1 * um)
    yield expect_close("lam_theory", lam_theory, target, rtol=1e-2,
                       hint="the same formula as in the lesson, with d = 1 um")
    yield expect_close("lam_measured", lam_measured, target, rtol=0.05,
                       hint="fit log(v - E_L) against distance near the injection site, "
                            "on a cable several lambda long: its slope is -1/lambda")


def _check_twice_as_fast(diameter_fast=None, speed_slow=None, speed_fast=None):
    yield expect_close("diameter_fast", diameter_fast, 4 * um, rtol=0.05,
                       hint="v ~ sqrt(d): which d doubles sqrt(d)?")
    yield expect_close("speed_slow", speed_slow, _speed(1.0) * meter / second, rtol=0.03,
                       hint="measure it with travelling_spike(1*um)['velocity']")
    if _is_length(diameter_fast) and float(diameter_fast / um) > 0:
        measured = _speed(round(float(diameter_fast / um), 3))
        yield expect_close("speed_fast", speed_fast, measured * meter / second, rtol=0.03,
                           hint="simulate the axon with your diameter_fast and measure")


def _check_half_position(position_half=None):
    if not _is_length(position_half):
        yield Verdict(False, "position_half needs units of length (um)",
                      "a distance from the soma, e.g. 100*um")
        return
    if not 0 <= float(position_half / um) <= 1000:
        yield Verdict(False, "position_half is not on the 1000 um dendrite",
                      "between 0*um and 1000*um")
        return
    effect = soma_effect(position_half)
    yield expect_true(abs(effect - 0.5) < 0.06,
                      "at position_half the soma sees half of the EPSP",
                      f"at position_half the soma sees {100 * effect:.0f} % of the EPSP "
                      "of a synapse next to it, not 50 %",
                      "scan positions with synaptic_response and compare the soma's peak; "
                      "a brief EPSP attenuates faster than the steady potential of "
                      "section 2, so ln(2)*lambda is too far")


CHECKS = {"10.a": _check_length_constant, "10.b": _check_prediction,
          "10.1": _check_measured_lambda, "10.2": _check_twice_as_fast,
          "10.3": _check_half_position}
