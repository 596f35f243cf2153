"""The runtime device's fast start: numpy first, the compiled kernel later, the same bits.

Each model runs five ways from the same seed: on each first engine (the Numba text run as
Python, numpy) alone, on each for the first kernel call (100 steps) then on the compiled
kernel (a hand-over inside a run, at a call boundary as a hand-over at the next run is),
and on the compiled kernel only (fast start off). Traces and spikes must be identical to
the bit.
"""

import numpy as np
import pytest

import labkit.devices.fast_start as fast_start
from labkit import (
    Network,
    NeuronGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    defaultclock,
    meter,
    mS,
    ms,
    mV,
    prefs,
    run,
    seed,
    start_scope,
    ufarad,
)
from labkit.codegen.compile import clear_memory_cache
from labkit.codegen.kernels import exact_numpy_source, exact_python_source
from labkit.devices import DEVICES
from labkit.devices.runtime import RuntimeDevice


@pytest.fixture
def fresh_runtime(monkeypatch, tmp_path):
    """A runtime device with no kernels in memory and an empty disk cache."""
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(DEVICES, "runtime", RuntimeDevice())
    clear_memory_cache()
    yield DEVICES["runtime"]
    clear_memory_cache()


def lif():
    """The course's minimal LIF script."""
    tau, V_t, V_r, tau_ref = 10 * ms, 0.8, 0, 5 * ms  # noqa: F841 - read by the strings
    G = NeuronGroup(1, "dv/dt = (-v + I)/tau : 1 (unless refractory)\nI : 1",
                    threshold="v > V_t", reset="v = V_r", refractory=tau_ref, method="exact")
    G.v = V_r
    G.I = 1
    return G, locals()


def synaptic():
    """Noisy exponential integrate-and-fire neurons (exp of arrays) coupled by delayed
    synapses with exponential currents."""
    tau, DeltaT, VT = 10 * ms, 2 * mV, -50 * mV  # noqa: F841
    G = NeuronGroup(20, """dv/dt = (-(v + 65*mV) + DeltaT*exp((v - VT)/DeltaT) + I
                                   + ge)/tau + 2*mV*xi/sqrt(tau) : volt
                           dge/dt = -ge/(5*ms) : volt
                           I : volt""",
                    threshold="v > -40*mV", reset="v = -65*mV", method="euler")
    G.v = "-65*mV + 10*mV*rand()"
    G.I = "14*mV + 4*mV*i/20"
    S = Synapses(G, G, "w : volt", on_pre="ge_post += w", delay=1 * ms)
    S.connect(p=0.3)
    S.w = "0.5*mV + 0.5*mV*rand()"
    return G, locals()


def hh():
    """Hodgkin-Huxley neurons (exprel and exp of arrays, exponential Euler)."""
    Cm, gl, gna, gk = 1 * ufarad, 0.3 * mS, 120 * mS, 36 * mS  # noqa: F841
    El, ENa, EK = -54.387 * mV, 50 * mV, -77 * mV  # noqa: F841
    G = NeuronGroup(3, """dv/dt = (gl*(El - v) + gna*m**3*h*(ENa - v) + gk*n**4*(EK - v)
                                   + I)/Cm : volt
                           dm/dt = alpham*(1 - m) - betam*m : 1
                           dh/dt = alphah*(1 - h) - betah*h : 1
                           dn/dt = alphan*(1 - n) - betan*n : 1
                           alpham = (0.1/mV)*10*mV/exprel((-v - 40*mV)/(10*mV))/ms : Hz
                           betam = 4*exp((-v - 65*mV)/(18*mV))/ms : Hz
                           alphah = 0.07*exp((-v - 65*mV)/(20*mV))/ms : Hz
                           betah = 1/(exp((-v - 35*mV)/(10*mV)) + 1)/ms : Hz
                           alphan = (0.01/mV)*10*mV/exprel((-v - 55*mV)/(10*mV))/ms : Hz
                           betan = 0.125*exp((-v - 65*mV)/(80*mV))/ms : Hz
                           I : amp""",
                    threshold="v > -20*mV", refractory="v > -20*mV", method="exponential_euler")
    G.v = -65 * mV
    G.m, G.h, G.n = 0.05, 0.6, 0.32
    G.I = "(5 + 5*i)*uA"
    return G, locals()


def izhikevich():
    """Izhikevich (2003)'s network, shrunk: all-to-all synapses with two pathways (delays
    of 0 and 1 step at dt = 1 ms: the queue's index wraps every step), run_regularly on
    two subgroups (offsets); spikes of the step before a hand-over are still queued."""
    defaultclock.dt = 1 * ms
    rng = np.random.default_rng(5)
    G = NeuronGroup(20, """dv/dt = (0.04*v**2 + 5*v + 140 - u + I + I_noise)/ms : 1
                           du/dt = a*(b*v - u)/ms : 1
                           I : 1
                           I_noise : 1
                           a : 1
                           b : 1
                           c : 1
                           d : 1""", threshold="v >= 30", reset="v = c; u += d",
                    method="euler")
    G.v = -65
    exc, inh = G[:16], G[16:]
    r = rng.uniform(size=20)
    exc.a, exc.b, exc.c, exc.d = 0.02, 0.2, -65 + 15 * r[:16] ** 2, 8 - 6 * r[:16] ** 2
    inh.a, inh.b, inh.c, inh.d = 0.02 + 0.08 * r[16:], 0.25 - 0.05 * r[16:], -65, 2
    G.u = "b*v"
    S = Synapses(G, G, "w : 1", on_pre={"up": "I += w", "down": "I -= w"},
                 delay={"up": 0 * ms, "down": 1 * ms})
    S.connect()
    S.w = np.hstack([5 * rng.uniform(size=(20, 16)), -10 * rng.uniform(size=(20, 4))]).T.ravel()
    exc.run_regularly("I_noise = 15*randn()", dt=1 * ms)
    inh.run_regularly("I_noise = 6*randn()", dt=1 * ms)
    return G, {"S": S}


def simulate(build, duration):
    """-> (trace, spike indices, spike times, the runtime device's fast-start kernels)."""
    start_scope()
    defaultclock.dt = 0.01 * ms if build is hh else 0.1 * ms
    seed(11)
    G, names = build()
    trace = StateMonitor(G, "v", record=True)
    spikes = SpikeMonitor(G)
    # a Network: the magic run would not find the synapses (not in this frame)
    synapses = [v for v in names.values() if isinstance(v, Synapses)]
    Network(G, trace, spikes, *synapses).run(duration, namespace=names)
    return trace.v_.copy(), spikes.i_.copy(), spikes.t_.copy()


@pytest.mark.parametrize(("build", "duration"), [(lif, 70 * ms), (synaptic, 40 * ms),
                                                 (hh, 10 * ms), (izhikevich, 150 * ms)],
                         ids=["lif", "synaptic", "hh", "izhikevich"])
def test_first_engines_then_compiled_give_the_compiled_bits(build, duration, fresh_runtime,
                                                            monkeypatch):
    prefs.devices.runtime.fast_start = True
    monkeypatch.setattr(fast_start, "IN_PROCESS", True)
    # the hand-over at a known call (after the first), not as soon as the kernel is loaded
    monkeypatch.setattr(fast_start.FastStartKernel, "_ready", lambda self: False)
    results = {}
    for engine, small in (("python", 10**9), ("numpy", -1)):
        monkeypatch.setattr(fast_start, "SMALL", small)
        for hand_over in (float("inf"), 0.0):
            monkeypatch.setattr(fast_start, "HAND_OVER_AFTER", hand_over)
            fresh_runtime._fast.clear()
            results[engine, hand_over] = simulate(build, duration)
            (kernel,) = fresh_runtime._fast.values()
            if hand_over:
                assert kernel.engine == engine and kernel.first_calls > 1
            else:
                assert kernel.engine == "numba" and kernel.first_calls == 1
                assert (kernel.first is kernel._python) == (engine == "python")
    prefs.devices.runtime.fast_start = False
    compiled = simulate(build, duration)
    assert len(compiled[1]) > 0, "the model must spike for the comparison to mean much"
    for key, result in results.items():
        for got, expected in zip(result, compiled, strict=True):
            assert np.array_equal(got, expected), key


def test_models_without_an_exact_form_are_compiled_first(fresh_runtime, monkeypatch):
    compiled = []
    original = RuntimeDevice._compiled
    monkeypatch.setattr(RuntimeDevice, "_compiled",
                        lambda self, spec: compiled.append(spec) or original(self, spec))
    prefs.devices.runtime.fast_start = True
    start_scope()
    G = NeuronGroup(2, "dv/dt = -log(1 + v*v)/(10*ms) : 1", method="euler")
    G.v = 1
    run(0.5 * ms)
    assert fresh_runtime._fast == {} and len(compiled) == 1
    assert exact_numpy_source(compiled[0]) is None
    assert exact_python_source(compiled[0]) is None


def test_the_compile_job_fills_the_disk_cache(fresh_runtime, monkeypatch):
    """The subprocess compiles the kernel; this process then loads it (never compiles)."""
    from labkit.codegen.compile import compile_stats

    prefs.devices.runtime.fast_start = True
    monkeypatch.setattr(fast_start, "HAND_OVER_AFTER", 0.0)
    start_scope()
    G, names = lif()
    trace = StateMonitor(G, "v", record=True)
    run(30 * ms, namespace=names)  # 300 steps: the job starts at the second call
    (kernel,) = fresh_runtime._fast.values()
    assert kernel._job is not None and kernel.engine == "python"
    process, _ = kernel._job
    assert process.wait(timeout=120) == 0
    assert fast_start.on_disk(kernel.compiled_source)
    before = compile_stats()
    run(10 * ms, namespace=names)
    after = compile_stats()
    assert kernel.engine == "numba"
    assert after.numba_compiled == before.numba_compiled
    assert after.numba_loaded == before.numba_loaded + 1
    assert trace.v_.shape[1] == 400


def test_exact_exp_has_the_bits_of_the_compiled_one():
    """exp_scalar/exprel_scalar are checked against Numba's in tests/codegen."""
    from labkit.codegen.support import exp_scalar, exprel_scalar
    from labkit.codegen.support_exact import exp_exact, exprel_exact

    x = np.concatenate([np.random.default_rng(3).normal(0, 40, 3000),
                        [0.0, -0.0, 1e-300, -1e-300, 709.7, 709.9, -745.1, -745.3, 800.0,
                         np.inf, -np.inf, np.nan]])
    for exact, scalar in ((exp_exact, exp_scalar), (exprel_exact, exprel_scalar)):
        assert np.array_equal(exact(x), [scalar(v) for v in x], equal_nan=True)
        assert exact(0.5) == scalar(0.5) and np.shape(exact(0.5)) == ()


def test_a_new_process_reads_the_sources_from_disk(fresh_runtime, monkeypatch):
    from labkit.codegen import source_cache
    from labkit.codegen.spec import KernelSpec

    start_scope()
    _, names = lif()
    prefs.devices.runtime.fast_start = True
    monkeypatch.setattr(fast_start, "HAND_OVER_AFTER", float("inf"))
    run(1 * ms, namespace=names)
    (spec,) = fresh_runtime._fast
    for engine, generate in (("python", exact_python_source), ("numpy", exact_numpy_source)):
        key = source_cache.structure_key(spec, engine)
        if engine == "numpy":
            source_cache.kernel_source(spec, engine)  # a one-neuron model never asked for it
        assert key is not None and source_cache._path(key).exists()
        monkeypatch.setattr(source_cache, "_memory", {})
        assert source_cache.kernel_source(spec, engine) == generate(spec)
    other = KernelSpec(spec.operations[:-1], spec.n_clocks, spec.buffers, spec.growable)
    assert source_cache.structure_key(other) != source_cache.structure_key(spec)


def test_the_numpy_engine_gets_its_own_arguments(fresh_runtime, monkeypatch):
    # compare_GSL_to_conventional: a run_regularly's size is an argument of the compiled
    # kernel that the numpy form does not read ("takes 21 positional arguments but 22")
    prefs.devices.runtime.fast_start = True
    monkeypatch.setattr(fast_start, "IN_PROCESS", True)
    monkeypatch.setattr(fast_start.FastStartKernel, "_ready", lambda self: False)
    monkeypatch.setattr(fast_start, "HAND_OVER_AFTER", float("inf"))
    seed(0)
    G = NeuronGroup(100, 'dv/dt = (-v + 5)/tau : 1\ntau : second', method='linear')
    G.run_regularly('v = rand()\ntau = 0.1*ms + rand()*9.9*ms', dt=1 * ms)
    M = StateMonitor(G, 'tau', record=[0, 50])
    run(3 * ms)
    (kernel,) = fresh_runtime._fast.values()
    assert kernel.first is not kernel._python  # the numpy engine ran it
    assert M.tau_.shape == (2, 30) and len(set(M.tau_[:, -1])) == 2
    assert 0 < G.v_.min() and G.v_.max() < 5


def test_a_costly_cable_solve_loads_its_compiled_kernel_first(fresh_runtime, monkeypatch):
    """A SpatialNeuron's solve is a scalar loop per compartment on the first engines: a
    short run of a small tree starts on numpy, a run whose solves would take more than
    HAND_OVER_AFTER by the estimate (CABLE_SECONDS a compartment and step) starts on the
    compiled kernel when it is on disk, and on numpy while it compiles when it is not."""
    from labkit import Cylinder, SpatialNeuron, siemens, um

    monkeypatch.setattr(fast_start, "IN_PROCESS", True)
    model = "Im = gL*(-70*mV - v) : amp/meter**2"

    def kernel_of(n, duration, fast=True):
        start_scope()
        fresh_runtime._fast.clear()
        prefs.devices.runtime.fast_start = fast
        neuron = SpatialNeuron(Cylinder(diameter=1 * um, length=n * um, n=n), model,
                               namespace={"gL": 1 * siemens / meter ** 2}, dt=0.1 * ms)
        neuron.v = -60 * mV
        run(duration)
        return next(iter(fresh_runtime._fast.values()), None)

    small = kernel_of(200, 1 * ms)             # 200 x 10 steps
    assert small.engine == "numpy" and small.first_calls == 1
    cold = kernel_of(2000, 30 * ms)            # 2000 x 300 steps, nothing on disk
    assert cold.first_calls >= 1
    kernel_of(2000, 30 * ms, fast=False)       # compiled (on disk), then forgotten
    clear_memory_cache()                       # as in a new process
    warm = kernel_of(2000, 30 * ms)
    assert warm.engine == "numba" and warm.first_calls == 0
    assert 2000 * 300 * fast_start.CABLE_SECONDS > fast_start.HAND_OVER_AFTER \
        > 200 * 10 * fast_start.CABLE_SECONDS


def test_a_cable_run_that_outlasts_the_compilation_waits_for_it(fresh_runtime, monkeypatch):
    """Cable solves on a first engine are ~100 times slower than compiled: a run whose
    solves there would take longer than the compilation (COMPILE_SECONDS) compiles first
    when nothing is on disk, and waits for the job compiling it when one runs, instead of
    solving on numpy meanwhile (CPU time for next to no wall time)."""
    import tempfile

    from labkit import Cylinder, SpatialNeuron, um

    def neuron(n, rest):  # a rest of its own: a kernel of its own
        start_scope()
        fresh_runtime._fast.clear()
        prefs.devices.runtime.fast_start = True
        cable = SpatialNeuron(Cylinder(diameter=1 * um, length=n * um, n=n),
                              f"Im = gL*({rest}*mV - v) : amp/meter**2", dt=0.1 * ms,
                              namespace={"gL": 1 * mS / meter ** 2})
        cable.v = -60 * mV
        return cable

    monkeypatch.setattr(fast_start, "COMPILE_SECONDS", 0.55)
    cable = neuron(2000, -70)  # noqa: F841 - run() finds it here
    run(30 * ms)          # 2000 x 300 steps: 0.6 s by the estimate, nothing on disk
    (cold,) = fresh_runtime._fast.values()
    assert cold.engine == "numba" and cold.first_calls == 0

    class Job:  # a compile job: done once waited for
        waited = False

        def wait(self):
            self.waited = True
            return 0

        def poll(self):
            return 0 if self.waited else None

    cable = neuron(200, -65)  # noqa: F841
    run(1 * ms)           # short: numpy
    (kernel,) = fresh_runtime._fast.values()
    assert kernel.engine == "numpy" and kernel.first_calls == 1
    job = Job()
    kernel._job, kernel._job_mark = (job, tempfile.TemporaryFile()), kernel.first_seconds
    monkeypatch.setattr(fast_start, "COMPILE_SECONDS", 0.0)
    run(5 * ms)
    assert job.waited and kernel.engine == "numba" and kernel.first_calls == 1


def _runs_into(model, x, says):
    """One neuron whose model leaves a function's domain -> the run's SimulationError."""
    from labkit.errors import SimulationError

    G = NeuronGroup(1, model + "\nx : 1", method="euler",
                    namespace={"tau": 1 * ms, "tau0": 0 * ms})
    G.x = x
    G.v = 1
    with pytest.raises(SimulationError, match=says):
        run(0.3 * ms)


OUT_OF_DOMAIN = [
    ("dv/dt = sqrt(x)/tau : 1", -1, "v became nan"),
    ("dv/dt = v/tau0 : 1", 1, "'tau0' is 0"),  # 1/0.0 of Python floats
    # dt and t are the kernel's own floats, not arguments: euler's dt/t in Python's floats
    # at t = 0 raised a raw ZeroDivisionError (found by the model fuzzer)
    ("dv/dt = 1/t : 1", 1, "v became inf"),
]


@pytest.mark.parametrize("model, x, says", OUT_OF_DOMAIN)
@pytest.mark.parametrize("engine", ["python", "numpy"])
def test_out_of_domain_math_on_a_first_engine_is_reported_as_compiled(
        fresh_runtime, monkeypatch, engine, model, x, says):
    # sqrt(-1) in the Numba kernel's text run as Python escaped as "ValueError: math domain
    # error" (compiled: NaN, and labkit's report of the variable that became NaN)
    prefs.devices.runtime.fast_start = True
    monkeypatch.setattr(fast_start, "IN_PROCESS", True)
    monkeypatch.setattr(fast_start.FastStartKernel, "_ready", lambda self: False)
    monkeypatch.setattr(fast_start, "HAND_OVER_AFTER", float("inf"))
    monkeypatch.setattr(fast_start, "SMALL", 10**9 if engine == "python" else -1)
    _runs_into(model, x, says)
    (kernel,) = fresh_runtime._fast.values()
    assert kernel.engine == engine


@pytest.mark.parametrize("model, x, says", [
    *OUT_OF_DOMAIN, ("dv/dt = log(t/tau)/tau : 1", 1, "v became -inf"),  # log(0), hoisted
    ("dv/dt = (1 // sin(t/tau))/tau : 1", 1, "v became inf")])  # 1/math.sin(0.0), hoisted
def test_out_of_domain_math_on_the_numpy_device_is_reported_as_compiled(model, x, says):
    from labkit import set_device

    set_device("numpy")
    _runs_into(model, x, says)



def _netop_at_the_end():
    """Every neuron spikes every step; a network_operation after the SpikeMonitor's record:
    its call resumes in the step, whose spikes left the monitor's buffer without room for
    another step's. -> the group, the expected spike counts, the names, what to check."""
    from labkit import network_operation

    G = NeuronGroup(10, "dv/dt = 1/ms : 1", threshold="True", reset="v = 0",
                    method="euler")
    calls = []
    op = network_operation(when="end")(lambda: calls.append(1))
    return G, np.full(10, 50), [op], lambda: len(calls) == 50


def _full_queue_in_a_burst():
    """Neuron 0 spikes every step, all ten from step 45 on: at step 45 the SpikeMonitor's
    buffer holds 55 of 64 and the burst's 2000 events fill the spike queue, whose call
    resumes in that step."""
    G = NeuronGroup(10, "v : 1", threshold="i == 0 or t > 4.45*ms")
    target = NeuronGroup(200, "x : 1")
    S = Synapses(G, target, on_pre="x += 1", delay=0.1 * ms)
    S.connect()
    # delivered one step later: the spikes of steps 0-48
    return G, np.array([50] + [5] * 9), [S, target], \
        lambda: np.all(target.x_ == 49 + 9 * 4)


@pytest.mark.parametrize("build", [_netop_at_the_end, _full_queue_in_a_burst],
                         ids=["network_operation", "full_queue"])
@pytest.mark.parametrize("engine", ["python", "numpy", "numba", "numpy_device"])
def test_a_resumed_step_runs_each_operation_once(monkeypatch, engine, build):
    # Izhikevich_2003 stopped once with "IndexError: index 1000 is out of bounds" in its
    # StateMonitor: the SpikeMonitor's room check at the top of a step sent a call that
    # resumed in that step back to its first operation (the step ran twice; the compiled
    # kernel wrote past the monitor's end unchecked)
    prefs.devices.runtime.fast_start = engine != "numba"
    monkeypatch.setattr(fast_start, "IN_PROCESS", True)
    monkeypatch.setattr(fast_start.FastStartKernel, "_ready", lambda self: False)
    monkeypatch.setattr(fast_start, "HAND_OVER_AFTER", float("inf"))
    monkeypatch.setattr(fast_start, "SMALL", 10**9 if engine == "python" else -1)
    if engine == "numpy_device":
        from labkit import set_device

        set_device("numpy")
    start_scope()
    defaultclock.dt = 0.1 * ms
    G, counts, objects, check = build()
    spikes = SpikeMonitor(G)
    trace = StateMonitor(G, "v", record=[0, 9])
    Network(G, spikes, trace, *objects).run(5 * ms)
    assert np.array_equal(trace.t_, np.arange(50) * 1e-4)
    assert np.array_equal(np.bincount(spikes.i_, minlength=10), counts)
    assert check()
    assert len(spikes.t_) == counts.sum() and np.all(np.diff(spikes.t_) >= 0)
