"""Lesson 01, units: a passive membrane computed with Quantities, its panel, the checkers.

The panel's model is a formula, not a simulation: a membrane with resistance ``R`` and
capacitance ``C`` charged by a current step ``I`` relaxes as
``v(t) = E_L + R I (1 - exp(-t / (R C)))``. Written with units, ``R*C`` is a time and
``R*I`` a voltage, and the units system says so.
"""

from __future__ import annotations

import numpy as np

from labkit import (
    DimensionMismatchError,
    Equations,
    Mohm,
    Network,
    NeuronGroup,
    StateMonitor,
    amp,
    get_dimensions,
    ms,
    mV,
    nA,
    pF,
    volt,
)
from labkit.lessons.checking import Verdict, expect_close, expect_true
from labkit.widgets import FloatControl, FunctionModel, Panel, Results, TraceView

__all__ = ["membrane_charging", "panel", "CHECKS"]

E_L = -70 * mV


def membrane_charging(R=100 * Mohm, C=200 * pF, I=0.15 * nA, duration=200 * ms) -> Results:
    """R, C, I (Quantities) -> {"t", "v", "v_inf", "tau"}: the charging curve, with units,
    over exactly ``duration``."""
    tau = R * C                                     # ohm * farad = second
    v_inf = E_L + R * I                             # ohm * amp = volt
    t = np.linspace(0, 1, 501) * duration
    v = E_L + R * I * (1 - np.exp(-t / tau))
    return Results({"t": t, "v": v, "v_inf": v_inf, "tau": tau}, sim_time=duration)


#: The potential axis of the panel (mV): fixed, so that moving R or I visibly moves the
#: level v_inf. It holds every v_inf the sliders reach: E_L + R I for R up to 300 Mohm and
#: I from -0.1 to 0.2 nA, i.e. -100 to -10 mV.
V_RANGE = (-105.0, -5.0)


def panel(**kw) -> Panel:
    """R, C, I sliders -> the charging curve; the dashed line is the steady state E_L + R I."""
    controls = [FloatControl("R", 20 * Mohm, 300 * Mohm, 100 * Mohm, log=True, unit=Mohm,
                             label="membrane resistance R"),
                FloatControl("C", 20 * pF, 500 * pF, 200 * pF, log=True, unit=pF,
                             label="membrane capacitance C"),
                FloatControl("I", -0.1 * nA, 0.2 * nA, 0.15 * nA, unit=nA,
                             label="input current I")]
    views = [TraceView("v", unit=mV, threshold="v_inf", threshold_label="v_inf = E_L + R I",
                       y_range=V_RANGE, title="membrane potential")]
    return Panel(FunctionModel(membrane_charging), controls, views,
                 title="A passive membrane: tau = R C, v_inf = E_L + R I", **kw)


# -- checkers -------------------------------------------------------------------------------
def _check_holding_current(I_hold):
    """01.a (inline): the current that holds a 100 MOhm membrane 15 mV above rest."""
    yield expect_close("I_hold", I_hold, 15 * mV / (100 * Mohm), rtol=1e-6,
                       hint="at steady state R*I is the displacement from rest: I = dV / R")


def _check_ohm(tau, v_inf):
    """01.1: R = 50 MOhm, C = 300 pF, I = 0.2 nA, E_L = -70 mV -> tau and v_inf."""
    yield expect_close("tau", tau, 50 * Mohm * 300 * pF,
                       hint="a time constant is resistance times capacitance")
    yield expect_close("v_inf", v_inf, -70 * mV + 50 * Mohm * 0.2 * nA,
                       hint="at steady state no current charges C: all of I flows through R,"
                            " on top of the resting potential")


def _charging_trace(eqs, I, start) -> np.ndarray:
    """``eqs`` (a learner's string or the reference) driven by ``I`` from ``start`` for
    50 ms, with the constants of exercise 01.2 -> v (volts, one sample per 0.1 ms)."""
    group = NeuronGroup(1, eqs, method="euler")
    group.v = start
    group.I = I
    state = StateMonitor(group, "v", record=0)
    Network(group, state).run(50 * ms, namespace=dict(E_L=E_L, R=100 * Mohm, tau=10 * ms))
    return np.asarray(state.v_[0])


REFERENCE_01_2 = "dv/dt = (E_L - v + R*I)/tau : volt\nI : amp"


def _check_equations(eqs):
    """01.2: equations for dv/dt = (E_L - v + R*I)/tau with v in volts and I in amperes.

    Units and names are not enough (a flipped leak sign or R*I outside the division by tau
    have the right units): the learner's equations are simulated at two inputs and
    compared with the reference's traces.
    """
    if not isinstance(eqs, str | Equations):
        yield Verdict(False, "eqs should be a string of equations",
                      "write them between triple quotes, one per line")
        return
    try:
        group = NeuronGroup(1, eqs, method="euler")
        Network(group).run(0.1 * ms, namespace=dict(E_L=E_L, R=100 * Mohm, tau=10 * ms))
    except DimensionMismatchError as error:
        yield Verdict(False, f"the units do not match: {error}",
                      "read which side has which units; R*I is a voltage")
        return
    except Exception as error:  # noqa: BLE001 - the learner's string: report, do not raise
        yield Verdict(False, f"the equations do not parse: {error}")
        return
    names = set(group.variables)
    yield expect_true("v" in names and "I" in names, "v and I are variables",
                      "the group has no variable v or no variable I",
                      "declare dv/dt = ... for v and a line 'I : <unit>' for I")
    if not ("v" in names and "I" in names):
        return
    v_ok = get_dimensions(group.v) is volt.dim
    I_ok = get_dimensions(group.I) is amp.dim
    yield expect_true(v_ok, "v is in volts", "v is not a voltage",
                      "the unit after the colon of dv/dt is v's unit")
    yield expect_true(I_ok, "I is in amperes", "I is not a current", "declare I with ': amp'")
    if not (v_ok and I_ok):
        return
    for current, start, situation in [(0 * nA, -60 * mV, "from -60 mV without input"),
                                      (0.15 * nA, E_L, "from rest with I = 0.15 nA")]:
        got = _charging_trace(eqs, current, start)
        want = _charging_trace(REFERENCE_01_2, current, start)
        close = bool(np.all(np.isfinite(got))) and np.allclose(got, want, rtol=0, atol=1e-6)
        yield expect_true(close, f"v behaves as the membrane should {situation}",
                          f"simulated {situation}, v does not follow the membrane equation",
                          "v must relax towards E_L + R*I with time constant tau: the leak "
                          "is E_L - v (not v - E_L), and all of E_L - v + R*I is divided "
                          "by tau")


def _check_raw(raw, volts):
    """01.3: G.v_ after G.v = -70 mV; and its value in volts as a plain number."""
    arr = np.asarray(raw)
    yield expect_true(get_dimensions(raw) is get_dimensions(1.0) and arr.dtype.kind == "f",
                      "raw holds plain numbers", "raw still carries a unit",
                      "G.v_ (with the underscore) gives the numbers without the unit")
    yield expect_close("raw", arr, np.array([-0.07]),
                       hint="raw values are in SI base units (volts), not in mV")
    yield expect_true(isinstance(volts, float) and abs(volts + 0.07) < 1e-12,
                      "volts is the number of volts", "volts is not -70 mV expressed in volts",
                      "divide a Quantity by a unit to get a plain number: (-70*mV)/volt")


CHECKS = {"01.a": _check_holding_current,
          "01.1": _check_ohm, "01.2": _check_equations, "01.3": _check_raw}
