"""Script text -> results from Brian2 and from labkit, and their comparison.

The promise under test: a script written for Brian2 in the course's subset runs on labkit by
changing only the import and gives the same spikes. So a case is *one* script text without
an import line; :func:`run_script` prepends ``from brian2 import *`` or ``from labkit import
*`` and executes it in a fresh namespace, in this process, then evaluates the case's result
expressions (``"S"`` for a SpikeMonitor, ``"M.v"`` for a trace, ...) in that namespace and
returns plain numpy arrays. :func:`assert_same` compares two such results with the rules of
the issue: identical spike indices and spike steps, traces within 1e-9 relative error (plus
an absolute slack of 1e-10 of the trace's magnitude for samples near zero), the same monitor
time base and shapes, counts equal.

Brian2 runs on its numpy target (``prefs.codegen.target = 'numpy'``): it computes the same
values as its Cython target without the ~45 s compile per model. Brian2 keeps
``defaultclock`` across ``start_scope()``, so the harness resets it before every script.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import textwrap

import numpy as np

DEFAULT_DT = 1e-4  # seconds, Brian2's default
RTOL = 1e-9
#: Absolute slack, as a fraction of the trace's largest magnitude, for entries near zero
#: (a membrane potential crossing 0 V during a spike), where a relative error means nothing.
#: Measured: Brian2's own Cython and numpy targets differ by up to 1.4e-11 of the scale on
#: the Traub-Miles HH case (5e-13 V at a 6e-6 V sample), so 1e-12 would fail Brian2 itself.
ATOL_OF_SCALE = 1e-10
#: labkit device names the tests run every case on (the default first).
LABKIT_DEVICES = ("runtime", "numpy")


@dataclasses.dataclass(frozen=True)
class Case:
    """One parity script and what to compare.

    ``spikes``: names of SpikeMonitors (indices compared exactly, times as steps);
    ``traces``: expressions giving float arrays (StateMonitor variables, final group
    state, monitor time bases), compared within ``RTOL``; ``exact``: expressions compared
    for equality (counts, indices). ``min_spikes``: the reference must produce at least
    this many spikes over all ``spikes`` monitors, so a case cannot pass vacuously.
    """

    name: str
    script: str
    spikes: tuple[str, ...] = ()
    traces: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    dt: float = DEFAULT_DT
    min_spikes: int = 1
    atol_of_scale: float = ATOL_OF_SCALE  # traces: absolute tolerance, times their largest

    @property
    def body(self) -> str:
        return textwrap.dedent(self.script).strip("\n") + "\n"


@dataclasses.dataclass(frozen=True)
class Result:
    """What one run of a case produced, as plain arrays."""

    backend: str
    spikes: dict  # name -> (indices int64, steps int64)
    values: dict  # expression -> ndarray (traces and exact)


def _brian2_prelude() -> str:
    return "from brian2 import *\nprefs.codegen.target = 'numpy'\n"


def _reset_brian2() -> None:
    import brian2

    brian2.start_scope()
    brian2.defaultclock.dt = DEFAULT_DT * brian2.second
    brian2.prefs.codegen.target = "numpy"
    if brian2.get_device().__class__.__name__ != "RuntimeDevice":
        brian2.set_device("runtime")


def _set_labkit_device(device: str) -> None:
    labkit = importlib.import_module("labkit")
    labkit.set_device(device)


def _reset_labkit() -> None:
    labkit = importlib.import_module("labkit")
    labkit.start_scope()
    labkit.defaultclock.dt = DEFAULT_DT * labkit.second


def run_script(case: Case, backend: str, device: str | None = None) -> Result:
    """Execute ``case`` with ``backend`` ('brian2' or 'labkit') and collect its results.

    For labkit, ``device`` names the device to select with ``labkit.set_device`` for this
    script; the device active before is selected again afterwards, whatever happens.
    """
    if backend == "brian2":
        _reset_brian2()
        source = _brian2_prelude() + case.body
    elif backend == "labkit":
        _reset_labkit()
        source = "from labkit import *\n" + case.body
    else:
        raise ValueError(f"unknown backend {backend!r}")
    namespace: dict = {"__name__": f"parity_{case.name}"}
    code = compile(source, f"<parity {case.name} ({backend})>", "exec")
    previous = None
    if backend == "labkit" and device is not None:
        previous = importlib.import_module("labkit").get_device().name
        _set_labkit_device(device)
    try:
        exec(code, namespace)
        return _collect(case, backend, namespace)
    finally:
        if previous is not None:
            _set_labkit_device(previous)


def _evaluate(expression: str, namespace: dict):
    return eval(expression, namespace)  # noqa: S307 -- test scripts we wrote ourselves


def _collect(case: Case, backend: str, namespace: dict) -> Result:
    spikes = {}
    for name in case.spikes:
        monitor = namespace[name]
        indices = np.asarray(monitor.i, dtype=np.int64)
        times = np.asarray(monitor.t, dtype=float)  # a Quantity's raw values: seconds
        steps = np.round(times / case.dt).astype(np.int64)
        assert np.allclose(times, steps * case.dt, rtol=0, atol=case.dt * 1e-6), (
            f"{backend}: {name}.t is not on the dt grid"
        )
        spikes[name] = (indices, steps)
    values = {}
    for expression in case.traces + case.exact:
        values[expression] = np.array(np.asarray(_evaluate(expression, namespace)))
    return Result(backend, spikes, values)


_brian2_results: dict[Case, Result] = {}


def reference(case: Case) -> Result:
    """Brian2's result for ``case``, run once per session (per test worker)."""
    if case not in _brian2_results:
        _brian2_results[case] = run_script(case, "brian2")
    return _brian2_results[case]


def spike_total(result: Result) -> int:
    return sum(len(indices) for indices, _ in result.spikes.values())


def _first_difference(reference: np.ndarray, actual: np.ndarray) -> str:
    """Where two (n, 2) arrays of (step, index) pairs first differ."""
    n = min(len(reference), len(actual))
    differ = np.flatnonzero(np.any(reference[:n] != actual[:n], axis=1))
    where = int(differ[0]) if len(differ) else n
    return (
        f"first difference at spike {where}: reference {reference[where:where + 3].tolist()}"
        f" vs {actual[where:where + 3].tolist()}"
    )


def assert_same(case: Case, reference: Result, actual: Result) -> None:
    """Raise AssertionError describing the first way ``actual`` differs from ``reference``."""
    label = f"{case.name}: {actual.backend} vs {reference.backend}"
    for name, (ref_i, ref_steps) in reference.spikes.items():
        act_i, act_steps = actual.spikes[name]
        # Brian2 orders spikes by step, then by index; compare in that order.
        ref_order = np.lexsort((ref_i, ref_steps))
        act_order = np.lexsort((act_i, act_steps))
        ref_pairs = np.stack([ref_steps[ref_order], ref_i[ref_order]], axis=1)
        act_pairs = np.stack([act_steps[act_order], act_i[act_order]], axis=1)
        if ref_pairs.shape != act_pairs.shape or not np.array_equal(ref_pairs, act_pairs):
            raise AssertionError(
                f"{label}: spikes of {name} differ: {len(ref_pairs)} vs {len(act_pairs)} "
                f"spikes; (step, index) " + _first_difference(ref_pairs, act_pairs)
            )
    for expression in case.exact:
        ref, act = reference.values[expression], actual.values[expression]
        np.testing.assert_array_equal(act, ref, err_msg=f"{label}: {expression}")
    for expression in case.traces:
        ref, act = reference.values[expression], actual.values[expression]
        assert act.shape == ref.shape, f"{label}: {expression} shape {act.shape} vs {ref.shape}"
        finite = np.abs(ref[np.isfinite(ref)])  # lastspike can be -inf: not a scale
        scale = float(np.max(finite)) if finite.size else 0.0
        np.testing.assert_allclose(
            act, ref, rtol=RTOL, atol=case.atol_of_scale * scale,
            err_msg=f"{label}: {expression}",
        )


def poisson_agree(n_reference: int, n_actual: int, sigmas: float = 4.0) -> bool:
    """Two spike counts agree within ``sigmas`` standard deviations of their difference.

    Counts are treated as Poisson (variance = mean); regular firing (CV < 1) makes this bound
    conservative.
    """
    return abs(n_reference - n_actual) <= sigmas * math.sqrt(max(n_reference + n_actual, 1))
