"""The runtime device on several threads: the same spikes and traces as on one, bit for bit
(CUBA-like, COBAHH-like with synapses, noise), and the option's error paths."""

import os
import threading

import numpy as np
import pytest

import labkit.devices.threads as T
from labkit import (
    Network,
    NeuronGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    get_device,
    ms,
    mV,
    prefs,
    run,
    seed,
    set_device,
    start_scope,
)
from labkit.codegen.kernels import numba_source
from labkit.models.hh import TRAUB_MILES_EQS, traub_miles_namespace


@pytest.fixture(autouse=True)
def _threads_at_once(monkeypatch):
    """Small groups, and the parallel kernel from the first call (the defaults wait)."""
    monkeypatch.setattr(T, "MIN_ELEMENTS", 50)
    monkeypatch.setattr(T, "COMPILE_BUDGET", 0.0)
    monkeypatch.setattr(T, "BACKGROUND", False)  # compiled here, used at once
    monkeypatch.setattr(T, "LOAD_BUDGET", 0.0)
    yield
    prefs.devices.runtime.threads = None


def _cuba(n, delay=0.5*ms):
    P = NeuronGroup(n, """dv/dt = (ge+gi-(v+49*mV))/(20*ms) : volt (unless refractory)
                          dge/dt = -ge/(5*ms) : volt
                          dgi/dt = -gi/(10*ms) : volt""",
                    threshold='v>-50*mV', reset='v = -60*mV', refractory=5*ms,
                    method='exact')
    P.v = -60*mV + 10*mV*np.arange(n)/n
    Ce = Synapses(P, P, on_pre='ge += 1.62*mV')
    Ce.connect('i<0.8*N_pre', p=0.1)
    Ci = Synapses(P, P, on_pre='gi -= 9*mV', delay=delay)
    Ci.connect('i>=0.8*N_pre', p=0.1)
    return P, ('v', 'ge'), (Ce, Ci)


def _cobahh(n):
    """Brian2's COBAHH neurons: the course's Traub-Miles model with two conductances."""
    eqs = TRAUB_MILES_EQS.replace("+ I +", "+ ge*(Ee-v) + gi*(Ei-v) + I +") + """
    dge/dt = -ge*(1./(5*ms)) : siemens
    dgi/dt = -gi*(1./(10*ms)) : siemens
    """
    assert "ge*(Ee-v)" in eqs
    namespace = traub_miles_namespace(El=-60*mV, Ee=0*mV, Ei=-80*mV)
    P = NeuronGroup(n, eqs, threshold='v>-20*mV', refractory=3*ms,
                    method='exponential_euler', namespace=namespace)
    P.v = 'El + (randn()*5 - 5)*mV'
    P.ge = '(randn()*1.5 + 4)*10*nS'
    P.gi = '(randn()*12 + 20)*10*nS'
    Ce = Synapses(P, P, on_pre='ge += 6*nS', namespace=namespace)
    Ce.connect('i<0.8*N_pre', p=0.05)
    Ci = Synapses(P, P, on_pre='gi += 67*nS', namespace=namespace)
    Ci.connect('i>=0.8*N_pre', p=0.05)
    return P, ('v', 'm', 'gi'), (Ce, Ci)


def _noisy(n):
    P = NeuronGroup(n, 'dv/dt = (1.1 - v)/(10*ms) + 0.3*xi/sqrt(10*ms) : 1',
                    threshold='v > 1', reset='v = rand()*0.1', method='euler')
    return P, ('v',), ()


def _run(build, threads, n, duration):
    """-> spike indices, spike times, traces, and whether the parallel kernel ran."""
    set_device('runtime', threads=threads)
    start_scope()
    seed(7)
    P, names, synapses = build(n)
    spikes = SpikeMonitor(P)
    trace = StateMonitor(P, names, record=[0, n // 2, n - 1])
    before = _parallel_calls()
    Network(P, *synapses, spikes, trace).run(duration)  # build()'s synapses run too
    return (np.asarray(spikes.i), np.asarray(spikes.t_),
            [np.asarray(getattr(trace, f"{name}_")) for name in names],
            _parallel_calls() > before)


def _parallel_calls():
    from labkit.devices import DEVICES

    return sum(k.parallel_calls for k in DEVICES["runtime"]._threaded.values())


@pytest.mark.parametrize("build, n, duration", [
    (_cuba, 400, 100*ms), (_cobahh, 200, 20*ms), (_noisy, 300, 50*ms)],
    ids=["cuba-synapses", "cobahh-synapses", "noise"])
def test_two_threads_give_the_spikes_and_traces_of_one(build, n, duration):
    i1, t1, traces1, threaded1 = _run(build, 1, n, duration)
    i2, t2, traces2, threaded2 = _run(build, 2, n, duration)
    assert not threaded1 and threaded2  # the parallel kernel ran, and only with 2 threads
    assert len(i1) > 10
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(t1, t2)
    for a, b in zip(traces1, traces2, strict=True):
        np.testing.assert_array_equal(a, b)


def test_switching_kernels_every_few_steps_gives_the_same_spikes_and_traces(monkeypatch):
    """The adaptive kernel splits a runner call where a probe or a look at its rate is due
    and may switch kernels there: with a probe every 3 steps and a look every 3 steps,
    delayed synaptic events (queued across the splits), monitors and spikes are still
    those of one thread."""
    monkeypatch.setattr(T, "PROBE_STEPS", 3)
    monkeypatch.setattr(T, "PROBE_SECONDS", 0.0)
    monkeypatch.setattr(T, "PROBE_EVERY", 1)
    monkeypatch.setattr(T, "PROBE_MOST", 1)
    monkeypatch.setattr(T, "SEGMENT_SECONDS", 0.0)
    monkeypatch.setattr(T, "PROBE_SHARE", float("inf"))  # probes whatever they cost
    # fresh kernels: the one an earlier test ran this model on keeps its probe schedule
    # (up to PROBE_MOST probe lengths to the next), and then probed once in 600 steps
    from labkit.devices import DEVICES

    monkeypatch.setattr(DEVICES["runtime"], "_threaded", {})
    i1, t1, traces1, _ = _run(_cuba, 1, 400, 60*ms)
    i2, t2, traces2, threaded = _run(_cuba, 2, 400, 60*ms)
    kernel = next(k for k in get_device()._threaded.values()
                  if k.totals["parallel"][1] and k.totals["serial"][1])
    assert threaded and kernel.probes > 50  # both kernels ran, switched back and forth
    assert len(i1) > 10
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(t1, t2)
    for a, b in zip(traces1, traces2, strict=True):
        np.testing.assert_array_equal(a, b)


def test_always_on_threads_gives_the_same_spikes_too(monkeypatch):
    """Without timing both kernels (ADAPTIVE), every call runs the parallel one."""
    monkeypatch.setattr(T, "ADAPTIVE", False)
    i1, t1, traces1, _ = _run(_noisy, 1, 300, 20*ms)
    i2, t2, traces2, threaded = _run(_noisy, 2, 300, 20*ms)
    assert threaded
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(traces1[0], traces2[0])


def test_the_parallel_kernel_loops_over_elements_with_prange_and_keeps_the_rest_serial():
    set_device('runtime', threads=2)
    start_scope()
    P, _, _ = _cuba(100)  # noqa: F841 - run() finds the group in this frame
    run(0.1*ms)
    kernel = next(k for k in get_device()._threaded.values()
                  if "StateUpdate" in k.source.text)  # this run's, not an earlier test's
    text = numba_source(kernel.spec, parallel=True).text
    assert text.count("prange(") == 1  # the one state update; spikes, events: serial
    assert "prange" not in kernel.source.text and kernel.source.hash != \
        numba_source(kernel.spec, parallel=True).hash  # cached apart
    # inside the prange loop arrays are indexed unsigned (vectorised, see NumbaLoops)
    lines = text.splitlines()
    at = next(k for k, line in enumerate(lines) if " in prange(" in line)
    depth = len(lines[at]) - len(lines[at].lstrip())
    body = []
    for line in lines[at + 1:]:
        if len(line) - len(line.lstrip()) <= depth:
            break
        body.append(line)
    var = lines[at].split()[1]
    assert body[0].strip() == f"_lk_u = np.uint64({var})"
    assert any("[_lk_u]" in line for line in body)
    assert not any(f"[{var}]" in line for line in body)


def test_a_parallel_kernel_on_disk_is_found_by_the_serial_kernels_hash(monkeypatch):
    def build(n):  # a model of its own: a fresh ThreadedKernel, which probes threads
        P = NeuronGroup(n, 'dv/dt = (1.3 - v)/(7*ms) : 1', threshold='v > 1',
                        reset='v = 0', method='exact')
        return P, ('v',), ()

    assert _run(build, 2, 300, 5*ms)[3]  # compiled (COMPILE_BUDGET 0): in the index
    kernel = next(k for k in get_device()._threaded.values()
                  if "1.3" in k.source.text)
    index = T._index_path(kernel.source.hash)
    assert index.read_text() == numba_source(kernel.spec, parallel=True).hash
    # a new process's lookup (a new ThreadedKernel), waiting for its budget: found on disk
    # without the parallel text (numba_source is not called)
    monkeypatch.setattr(T, "COMPILE_BUDGET", 10.0)
    monkeypatch.setattr(T, "LOAD_BUDGET", 1.0)
    fresh = T.ThreadedKernel(kernel.spec, kernel.serial, 2)
    import labkit.codegen.kernels as K
    monkeypatch.setattr(K, "numba_source", None)
    assert not fresh._ready()  # loading it costs: only after LOAD_BUDGET of serial time
    fresh.serial_seconds = 1.0
    assert fresh._ready()
    monkeypatch.setattr(T, "LOAD_BUDGET", 0.0)
    # no index, or an index naming machine code that is not there: not on disk
    index.write_text("0" * 64)
    assert not T.ThreadedKernel(kernel.spec, kernel.serial, 2)._ready()
    index.unlink()
    assert not T.ThreadedKernel(kernel.spec, kernel.serial, 2)._ready()


def test_the_serial_budget_is_cpu_time_after_the_first_call(monkeypatch):
    """The serial kernel's first call compiles or loads it, and a busy machine stretches
    wall time: neither is kernel time that the parallel kernel could save (a cold HH
    axon's 3.9 s first call compiled the parallel kernel, 4.8 s more, for 0.1 s of run)."""
    import time

    monkeypatch.setattr(T, "COMPILE_BUDGET", 10.0)
    monkeypatch.setattr(T, "LOAD_BUDGET", 10.0)

    def build(n):
        return NeuronGroup(n, 'dv/dt = (1.2 - v)/(9*ms) : 1', threshold='v > 1',
                           reset='v = 0', method='exact'), ('v',), ()

    _run(build, 2, 100, 1*ms)
    kernel = next(k for k in get_device()._threaded.values() if "1.2" in k.source.text)

    class Serial:  # the first call burns CPU (a compilation), later ones wait (busy cores)
        source, calls = kernel.serial.source, 0

        def __call__(self, *args):
            self.calls += 1
            if self.calls == 1:
                end = time.process_time() + 0.1
                while time.process_time() < end:
                    pass
            else:
                time.sleep(0.1)

    fresh = T.ThreadedKernel(kernel.spec, Serial(), 2)
    args = [0] * len(kernel.source.arg_names)
    for k in fresh._sizes:
        args[k] = 100
    fresh(*args)
    assert fresh.serial_seconds == 0.0
    fresh(*args)
    assert 0.0 <= fresh.serial_seconds < 0.05


def test_small_groups_and_other_threads_run_the_serial_kernel(monkeypatch):
    monkeypatch.setattr(T, "MIN_ELEMENTS", 1000)
    _, _, _, threaded = _run(_noisy, 2, 300, 5*ms)
    assert not threaded
    monkeypatch.setattr(T, "MIN_ELEMENTS", 50)
    result = []
    worker = threading.Thread(target=lambda: result.append(_run(_noisy, 2, 300, 5*ms)))
    worker.start()
    worker.join()
    assert result and not result[0][3]


def test_threads_come_from_set_device_else_the_preference():
    set_device('runtime', threads=1)
    assert get_device().threads == 1
    set_device('runtime')
    prefs.devices.runtime.threads = 1
    assert get_device().threads == 1
    prefs.devices.runtime.threads = None
    assert get_device().threads == min(T.all_cores(), T._pool_size())
    assert "threads=all cores" in repr(get_device())


@pytest.mark.parametrize("value, error, message", [
    (0, ValueError, r"at least 1, got 0"),
    (-2, ValueError, r"at least 1, got -2"),
    (2.5, TypeError, r"whole number of threads .* got 2.5"),
    ("two", TypeError, r"got 'two'"),
    (True, TypeError, r"got True"),
])
def test_bad_thread_counts_are_refused(value, error, message):
    with pytest.raises(error, match=message):
        set_device('runtime', threads=value)


def test_an_unknown_option_is_refused_with_the_known_ones():
    with pytest.raises(TypeError, match="unknown option.* thread .*known: threads"):
        set_device('runtime', thread=2)


def test_a_bad_preference_is_refused_at_the_run():
    set_device('runtime')
    prefs.devices.runtime.threads = 0
    start_scope()
    NeuronGroup(1, 'dv/dt = -v/(10*ms) : 1')
    with pytest.raises(ValueError, match=r"prefs.devices.runtime.threads must be at least 1"):
        run(1*ms)


def test_more_threads_than_numba_started_is_an_error_naming_the_fix():
    set_device('runtime', threads=T._pool_size() + 1)
    start_scope()
    NeuronGroup(1, 'dv/dt = -v/(10*ms) : 1')
    with pytest.raises(ValueError, match="NUMBA_NUM_THREADS"):
        run(1*ms)


def _tbb_installed() -> bool:
    from importlib import metadata

    try:
        metadata.distribution("tbb")
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(not _tbb_installed(), reason="the tbb wheel is not installed here")
def test_labkit_starts_numbas_threads_on_tbb_when_the_wheel_is_installed():
    """pip's tbb puts libtbb outside the loader's path in a venv: labkit loads it first, so
    Numba's default choice is TBB (a fresh process: the layer is chosen once)."""
    import os
    import subprocess
    import sys

    code = ("import numpy as np, numba\n"
            "from labkit.devices import threads as T\n"
            "assert T.load_tbb() and T.load_tbb()\n"  # once, then the remembered answer
            "@numba.njit(parallel=True)\n"
            "def g(a):\n"
            "    for i in numba.prange(a.shape[0]):\n"
            "        a[i] = 2 * a[i]\n"
            "g(np.ones(100))\n"
            "print(numba.threading_layer())\n")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_THREADING_LAYER"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "tbb"


def test_without_the_tbb_wheel_numba_chooses_as_before(monkeypatch):
    from importlib import metadata

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(T, "_tbb_tried", [])
    monkeypatch.setattr(metadata, "distribution", missing)
    assert not T.load_tbb()
    assert T._tbb_tried == [False]  # asked once per process


class _Clock:
    """A fake perf_counter that only the fake kernels below advance."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """A fake clock for ThreadedKernel, and threads as if they had started already."""
    from types import SimpleNamespace

    import numba

    fake = _Clock()
    monkeypatch.setattr(T, "time", SimpleNamespace(perf_counter=fake.perf_counter))
    monkeypatch.setattr(T, "_threads_pid", [os.getpid()])
    monkeypatch.setattr(numba, "set_num_threads", lambda n: None)
    return fake


class _Fake:
    """A kernel that takes ``rate(step)`` seconds a step (times a lognormal noise per
    call, plus ``call`` seconds a call) on ``clock``; ``stop_each_step``: operation 0
    returns to Python at every step's start, as a network_operation does."""

    from types import SimpleNamespace as _NS

    source = _NS(arg_names=(), hash="0" * 64)

    def __init__(self, clock, rate, noise=0.0, call=30e-6, seed=0, stop_each_step=False):
        self.clock, self.rate, self.noise, self.call = clock, rate, noise, call
        self.rng = np.random.default_rng(seed)
        self.stop_each_step = stop_each_step

    def __call__(self, *args):
        from labkit.codegen.spec import DONE, FIXED_ARGS, PYTHON_CALL

        s0, pos0, s1 = args[0], args[1], args[2]
        status = args[FIXED_ARGS.index("_lk_status")]
        if self.stop_each_step:
            if pos0 == 0:  # stops at once: 0 steps
                status[:3] = (PYTHON_CALL, s0, 1)
                return
            s1 = s0 + 1
        noise = float(np.exp(self.rng.normal(0.0, self.noise))) if self.noise else 1.0
        self.clock.now += self.call + noise * sum(self.rate(k) for k in range(s0, s1))
        status[:3] = (PYTHON_CALL, s1, 1) if s1 < args[2] else (DONE, s1, 0)


def _threaded(serial, parallel):
    from types import SimpleNamespace

    from labkit.codegen.spec import FIXED_ARGS

    kernel = T.ThreadedKernel(SimpleNamespace(operations=()), serial, 2)
    kernel._parallel = parallel
    kernel._team = False  # no team form: the fake parallel kernel is the threads' kernel
    kernel._sizes = (len(FIXED_ARGS) + 1,)
    return kernel


def _drive(kernel, clock, steps, runs=1):
    """Call ``kernel`` as the runner does (calls of 100, 400, 1600 ... steps, ~50 ms each,
    resumed where the status says) -> each run's seconds on ``clock``."""
    from labkit.codegen.spec import DONE, FIXED_ARGS

    status_at = FIXED_ARGS.index("_lk_status")
    status = np.zeros(6, dtype=np.int64)
    seconds = []
    for _ in range(runs):
        started, step, pos, size = clock.now, 0, 0, 100
        while step < steps:
            end = min(steps, step + size)
            args = [step, pos, end] + [None] * (len(FIXED_ARGS) - 3) + [None, 5000]
            args[status_at] = status
            called = clock.now
            kernel(*args)
            if status[0] == DONE:
                if end - step >= size:
                    size = max(10, int(size * min(4.0, 0.05 / (clock.now - called))))
                step, pos = end, 0
            else:
                step, pos = int(status[1]), int(status[2])
        seconds.append(clock.now - started)
    return seconds


@pytest.mark.parametrize("serial_rate, parallel_rate", [
    (8.4e-6, 17.1e-6),  # CUBA on the idle machine (0.49x on two threads)
    (269e-6, 151e-6),  # COBAHH (1.78x)
], ids=["cuba", "cobahh"])
@pytest.mark.parametrize("noise", [0.0, 0.1, 0.3])
def test_adaptive_runs_within_a_few_percent_of_the_faster_kernel(
        clock, serial_rate, parallel_rate, noise):
    """Probes compare both kernels side by side; the kernel not in use costs only its
    probes, which back off. Three runs of 10 000 steps after a first one (as
    benchmarks/threads.py measures), calls of up to ~50 ms, a noise per call."""
    def rate(base):  # activity that changes along the run, as a network's does
        return lambda k: base * (1.0 + 0.5 * np.sin(k / 700.0))

    kernel = _threaded(_Fake(clock, rate(serial_rate), noise, seed=1),
                       _Fake(clock, rate(parallel_rate), noise, seed=2))
    seconds = _drive(kernel, clock, 10_000, runs=4)
    best = min(serial_rate, parallel_rate) * sum(rate(1.0)(k) for k in range(10_000))
    slack = 1.03 if noise <= 0.1 else 1.10
    assert min(seconds[1:]) < slack * best, [s / best for s in seconds]
    faster = "parallel" if parallel_rate < serial_rate else "serial"
    assert kernel._mode == faster or noise > 0.1


def test_adaptive_switches_when_the_load_changes(clock):
    """Threads win on idle cores, then other jobs start (threads 20x slower): serial
    after a segment (10 ms at the idle rate); they stop again: threads again."""
    load = [1.0]
    kernel = _threaded(_Fake(clock, lambda k: 269e-6),
                       _Fake(clock, lambda k: 151e-6 * load[0]))
    _drive(kernel, clock, 5000)
    assert kernel._mode == "parallel"
    load[0] = 20.0
    seconds = _drive(kernel, clock, 5000)[0]
    assert kernel._mode == "serial"
    assert seconds < 1.25 * 5000 * 269e-6
    load[0] = 1.0
    _drive(kernel, clock, 20_000)
    assert kernel._mode == "parallel"


def test_probes_back_off_when_a_network_operation_stops_every_call_after_one_step(clock):
    """A network_operation every step makes each kernel call one step long, so a probe of
    the other kernel stops after one step too: a lost one must still back off (it did not:
    Nicola_Clopath_2017 ran threads every 16 steps, at milliseconds a step on busy cores)."""
    kernel = _threaded(_Fake(clock, lambda k: 1e-5, stop_each_step=True),
                       _Fake(clock, lambda k: 1e-3, stop_each_step=True))  # 100x slower
    _drive(kernel, clock, 20_000)
    # probes 160, 320, ... 10240 steps apart: about 10 in 20 000 steps
    assert kernel.parallel_calls < 20
    assert kernel.seconds_per_step["serial"] < kernel.seconds_per_step["parallel"]


def test_probes_that_lose_cost_a_bounded_share_of_the_runs(clock):
    """On busy cores a 10-step probe of the team kernel took 7-10 ms (its barrier waits
    for a thread off its core) against ~90 ms for a whole CUBA run() of 1 s on one thread:
    each run paid 10 % (here 1.10-1.13x of one thread before PROBE_SHARE). After the first
    run (the other kernel's first call and first probe), runs cost what one thread does."""
    def serial():
        return _Fake(clock, lambda k: 8e-6)

    kernel = _threaded(serial(), _Fake(clock, lambda k: 8e-4, call=2e-3))
    seconds = _drive(kernel, clock, 10_000, runs=6)
    alone = _drive(serial(), clock, 10_000, runs=6)
    assert max(a / b for a, b in zip(seconds[1:], alone[1:], strict=True)) < 1.01, seconds
    assert kernel._probe_cost <= T.PROBE_SHARE * kernel._seconds


def test_threads_a_little_faster_than_one_thread_are_not_switched_to(clock):
    """Threads must win a probe by SWITCH_MARGIN: on busy cores two 10-step measurements
    differ by more at random, and a switch moves the state between the cores' caches."""
    kernel = _threaded(_Fake(clock, lambda k: 269e-6),
                       _Fake(clock, lambda k: 269e-6 / 1.1))  # 10 % faster
    _drive(kernel, clock, 5000)
    assert kernel._mode == "serial" and kernel.probes > 0


# -- the team kernel (labkit.codegen.team): threads that own chunks of the group ----------


def _team_cuba(n, delay=0*ms):
    """CUBA's neurons, its synapses (without a delay: a team form) and no value monitor."""
    P, _, synapses = _cuba(n, delay)
    return P, ('v', 'ge', 'gi', 'lastspike'), synapses


def _team_cuba_delayed(n):
    return _team_cuba(n, delay=0.5*ms)


def _team_weights(n):
    """CUBA with a weight per synapse that each event reads and writes: the team reads
    the synapse from its own copy (``team.pathway_args``), not through the queue."""
    P, names, _ = _team_cuba(n)
    Ce = Synapses(P, P, 'w : volt', on_pre='ge += w; w *= 0.99')
    Ce.connect('i<0.8*N_pre', p=0.1)
    Ce.w = '(1 + rand())*1.62*mV'
    Ci = Synapses(P, P, on_pre='gi -= 9*mV')
    Ci.connect('i>=0.8*N_pre', p=0.1)
    return P, names, (Ce, Ci)


def _team_burst(n):
    """CUBA with every neuron above its threshold at the start: each thread's spikes fill
    its whole mailbox row (``team.box_row``: past its first cache line), then the events of
    all of them arrive in one step."""
    P, names, synapses = _team_cuba(n)
    P.v = -49.5*mV + 0.1*mV*np.arange(n)/n
    return P, names, synapses


def _team_cobahh(n):
    P, _, synapses = _cobahh(n)
    return P, ('v', 'm', 'h', 'n', 'ge', 'gi'), synapses


def _team_calls():
    from labkit.devices import DEVICES

    return sum(k.team_calls for k in DEVICES["runtime"]._threaded.values())


def _team_run(build, threads, n, duration):
    """-> spike indices, steps, the group's final values, team kernel calls."""
    set_device('runtime', threads=threads)
    start_scope()
    seed(7)
    P, names, synapses = build(n)
    Ce, Ci = synapses  # noqa: F841 - run() finds them in this frame (see _run)
    spikes = SpikeMonitor(P)
    before = _team_calls(), _parallel_calls()
    run(duration)
    values = [getattr(P, f"{name}_").copy() for name in names]
    if build is _team_weights:  # the weights the events wrote, too
        values.append(np.asarray(Ce.w_).copy())
    return (np.asarray(spikes.i), np.asarray(spikes.t_), values,
            _team_calls() - before[0], _parallel_calls() - before[1])


@pytest.mark.parametrize("build, n, duration, team", [
    pytest.param(_team_cuba, 400, 60*ms, True, marks=pytest.mark.slow),  # compiles: 10-20 s
    pytest.param(_team_cobahh, 200, 10*ms, True, marks=pytest.mark.slow),
    pytest.param(_team_weights, 300, 40*ms, True, marks=pytest.mark.slow),
    pytest.param(_team_burst, 400, 30*ms, True, marks=pytest.mark.slow),  # cuba's kernel
    # chunks longer than team.TOP: each thread's update walks its top part down, then the
    # rest up (cuba's kernel)
    pytest.param(_team_cuba, 1300, 20*ms, True, marks=pytest.mark.slow),
    (_team_cuba_delayed, 300, 20*ms, False)],
    ids=["cuba", "cobahh", "weights", "burst", "cuba-long-chunks", "cuba-delays"])
def test_the_team_kernel_gives_the_spikes_and_values_of_one_thread(build, n, duration, team,
                                                                   monkeypatch):
    """Threads owning chunks of the neurons, events split by their target's owner: the
    bits of one thread (the SpikeMonitor's buffer fills and grows on the way). A pathway
    with a delay keeps events in its queue across steps: the prange kernel runs it."""
    monkeypatch.setattr(T, "ADAPTIVE", False)  # every call on threads
    i1, t1, values1, _, _ = _team_run(build, 1, n, duration)
    i2, t2, values2, team_calls, parallel_calls = _team_run(build, 2, n, duration)
    assert parallel_calls > 0 and (team_calls > 0) == team
    assert len(i1) > 10
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(t1, t2)
    for a, b in zip(values1, values2, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_team_whose_threads_do_not_all_start_leaves_the_call_to_one_thread(monkeypatch):
    """On busy cores TBB may run the team's iterations one after another on one thread: the
    first gives up waiting for the others (support_team.JOIN_POLLS), nothing runs, and the
    call runs on the serial kernel (forced here with one Numba thread)."""
    import numba

    set_threads = numba.set_num_threads
    monkeypatch.setattr(numba, "set_num_threads", lambda n: set_threads(1))
    monkeypatch.setattr(T, "ADAPTIVE", False)
    i1, t1, values1, _, _ = _team_run(_team_cuba, 1, 300, 10*ms)
    i2, t2, values2, team_calls, _ = _team_run(_team_cuba, 2, 300, 10*ms)
    assert team_calls > 0
    assert sum(k.teams_not_formed for k in get_device()._threaded.values()) > 0
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(t1, t2)
    for a, b in zip(values1, values2, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_value_not_finite_on_the_team_is_reported_as_on_one_thread(monkeypatch):
    monkeypatch.setattr(T, "ADAPTIVE", False)

    def blow_up(threads):
        set_device('runtime', threads=threads)
        start_scope()
        P = NeuronGroup(200, 'dv/dt = v/(0.01*ms) : 1', threshold='v < -1', method='exact',
                        name='blows_up')
        P.v = '1 + i/200.0'
        before = _team_calls()
        with pytest.raises(Exception) as error:
            run(20*ms)
        return str(error.value), _team_calls() - before

    one, _ = blow_up(1)
    two, team_calls = blow_up(2)
    assert team_calls > 0 and "v became inf at t=7 ms (neuron 0)" in one
    assert one == two


@pytest.mark.slow
def test_the_team_kernel_compiles_in_a_subprocess_while_one_thread_runs(monkeypatch):
    """The threads' kernel compiles in a subprocess (T.BACKGROUND) while the serial kernel
    runs the calls (the learner does not wait for it), and takes over once it is on disk:
    the spikes and values of one thread whichever kernel ran which run. (As if nothing
    were compiled: the job compiles the team kernel, or loads it if an earlier test left
    it in the disk cache, 10-20 s less; the hand-over is the same.)"""
    import time

    import labkit.codegen.compile as kernel_compile
    import labkit.devices.fast_start as fast_start
    from labkit.devices import DEVICES
    from labkit.devices.runtime import RuntimeDevice

    monkeypatch.setattr(fast_start, "on_disk", lambda source: False)
    monkeypatch.setattr(kernel_compile, "in_memory", lambda source, parallel=False: False)
    monkeypatch.setattr(T, "ADAPTIVE", False)
    monkeypatch.setattr(T, "BACKGROUND", True)

    def runs(threads, count=None):
        monkeypatch.setitem(DEVICES, "runtime", RuntimeDevice())
        set_device('runtime', threads=threads)
        start_scope()
        seed(7)
        P, names, (Ce, Ci) = _team_cuba(300)
        spikes = SpikeMonitor(P)
        net = Network(P, Ce, Ci, spikes)
        kernels, done, deadline = [], 0, time.monotonic() + 300
        while (done < count) if count else (not kernels or not kernels[-1]):
            net.run(5*ms)
            done += 1
            if count is None:
                kernel = next(iter(DEVICES["runtime"]._threaded.values()))
                kernels.append(kernel.team_calls > 0)
                assert kernel.background_jobs == 1 and time.monotonic() < deadline
                time.sleep(0.05)  # a learner's pause between runs: the job goes on
        return np.asarray(spikes.i), np.asarray(spikes.t_), P.v_.copy(), P.ge_.copy(), \
            kernels

    *two, kernels = runs(2)
    assert not kernels[0] and kernels[-1]  # serial while it compiled, then the team
    *one, _ = runs(1, len(kernels))
    assert len(one[0]) > 10
    for a, b in zip(one, two, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_team_mailboxes_are_whole_cache_lines():
    """Each thread's mailbox (phase word, spike count, spikes) starts on a cache line and
    shares none with another thread's: the barrier's poll brings the count and the first
    spikes over with the phase."""
    from labkit.codegen import team
    from labkit.memory import CACHE_LINE, aligned_zeros

    for chunk in (1, 6, 7, 2000, 2001):
        row = team.box_row(chunk)
        assert row % (CACHE_LINE // 8) == 0 and row >= team.BOX_SPIKES + chunk
    for shape, dtype in ((2 * 3 * team.box_row(5), np.int64), ((3, 5), np.float64),
                         (7, np.bool_)):
        a = aligned_zeros(shape, dtype)
        assert a.ctypes.data % CACHE_LINE == 0 and a.dtype == dtype and not a.any()
        assert a.shape == (shape if isinstance(shape, tuple) else (shape,))


@pytest.mark.parametrize("n, threads", [(4000, 2), (400, 2), (300, 3), (100, 4), (63, 2),
                                        (64 * 7 + 5, 8)])
def test_team_chunks_start_on_cache_lines_and_cover_the_group(n, threads):
    """Each thread's chunk starts at a multiple of team.ALIGN elements (a group's arrays start
    on a cache line: no line holds two threads' elements), the chunks cover the group in
    order, and none is more than ALIGN elements from an even share."""
    from labkit.codegen import team

    lo = team.bounds(n, threads)
    assert len(lo) == threads + 1 and lo[0] == 0 and lo[-1] == n
    sizes = np.diff(lo)
    assert (sizes >= 0).all()
    assert all(x % team.ALIGN == 0 for x in lo[:-1])
    assert (abs(sizes - n / threads) <= team.ALIGN).all()


def test_rebalanced_cuts_give_the_busier_thread_fewer_elements():
    """team_layout.rebalanced: halfway to the sizes that even out the measured cost per
    element, on ALIGN, within LEAST..MOST of an even share; nothing to move without a
    measure, on one thread, or when the move is under ALIGN."""
    from labkit.codegen import team_layout as L

    cuts = L.bounds(4000, 2)  # [0, 1984, 4000]
    new, gain = L.rebalanced(cuts, [1000, 1300])  # thread 1 busier for as many elements
    assert new[0] == 0 and new[-1] == 4000 and new[1] % L.ALIGN == 0
    assert cuts[1] < new[1] < 2300  # thread 0 takes more, but only halfway there
    # the busiest thread's expected saving: thread 1 keeps 4000 - new[1] elements
    assert gain == pytest.approx(1 - (4000 - new[1]) / 2016, abs=1e-9) and 0 < gain < 0.2
    assert L.rebalanced(new, [1300, 1000])[0][1] < new[1]  # back when it is the busier
    assert L.rebalanced(cuts, [1000, 1010]) is None  # under ALIGN elements
    assert L.rebalanced(cuts, [0, 0]) is None  # no cycle counter
    assert L.rebalanced([0, 4000], [5]) is None
    extreme, _ = L.rebalanced(cuts, [1, 10**9])  # clamped: at most MOST of an even share
    assert 4000 - extreme[1] >= L.LEAST * 2000 - L.ALIGN
    assert max(np.diff(extreme)) <= L.largest_chunk(4000, 2)
    four, _ = L.rebalanced(L.bounds(4000, 4), [100, 100, 100, 200])
    assert four is not None and np.diff(four)[3] < np.diff(L.bounds(4000, 4))[3]
    assert all(c % L.ALIGN == 0 for c in four[:-1]) and four[-1] == 4000


def test_the_events_split_by_owner_follow_any_cuts():
    """threads._parts: per source, where its events (sorted by target) onto each thread's
    chunk start, found by one binary search of all sources at once: as counted by hand,
    with empty sources and cuts at the ends."""
    rng = np.random.default_rng(1)
    degrees = rng.integers(0, 20, 60)
    degrees[[0, 7, 59]] = 0
    ptr = np.zeros(61, dtype=np.int64)
    ptr[1:] = np.cumsum(degrees)
    targets = np.concatenate([np.sort(rng.integers(0, 1000, d)) for d in degrees])
    for cut in ([0, 500, 1000], [0, 128, 640, 1000], [0, 0, 1000], [0, 1000]):
        cut = np.asarray(cut)
        parts = T._parts(ptr, targets.astype(np.int32), cut)
        threads = len(cut) - 1
        assert parts.shape == (60 * threads + 1,) and parts[-1] == ptr[-1]
        for source in range(60):
            run = targets[ptr[source]:ptr[source + 1]]
            for t in range(threads):
                expected = ptr[source] + (run < cut[t]).sum() if t else ptr[source]
                assert parts[source * threads + t] == expected
    assert (T._parts(np.zeros(4, dtype=np.int64), np.zeros(0, dtype=np.int32),
                     np.asarray([0, 64, 100])) == 0).all()


def test_a_pathways_events_by_owner_keep_the_queues_order_per_target():
    """ThreadedKernel._by_owner: each (source, thread) part holds that source's events onto
    the thread's chunk; a queue sorted by target within each source (as connect() builds
    them) is used as it is, one that is not is sorted stably (two synapses of a source onto
    one target stay in the queue's order: their target adds them in the serial order)."""
    kernel = T.ThreadedKernel.__new__(T.ThreadedKernel)
    kernel._team_cache, kernel._split_seconds = {}, {}
    ptr = np.array([0, 3, 3, 7], dtype=np.int64)  # source 1 has no synapses
    cut = np.array([0, 64, 128])
    for reach, sorted_ in (([5, 70, 90, 1, 64, 64, 100], True),
                           ([90, 5, 70, 64, 100, 1, 64], False)):
        reach = np.array(reach, dtype=np.int32)
        syn = np.arange(7, dtype=np.int32)
        parts, synapses, targets = kernel._by_owner(0, ptr, reach, syn, cut)
        assert (np.shares_memory(targets, reach)) == sorted_
        for source in range(3):
            for t in range(2):
                got = slice(parts[source * 2 + t], parts[source * 2 + t + 1])
                mine = [m for m in range(ptr[source], ptr[source + 1])
                        if cut[t] <= reach[m] < cut[t + 1]]
                assert sorted(targets[got]) == sorted(reach[mine])
                assert list(targets[got]) == sorted(reach[mine])  # by target
                for target in set(reach[mine]):  # the queue's order per target
                    assert [s for s in synapses[got] if reach[s] == target] == \
                        [m for m in mine if reach[m] == target]


@pytest.mark.slow  # compiles its model's kernels: ~10 s
def test_networks_of_one_model_and_size_each_get_their_own_split(monkeypatch):
    """The team's split of a pathway is kept by its queue arrays' addresses and shapes:
    networks of one model, one after another, with as many synapses onto other targets
    each run on their own synapses (the split holds its arrays, so a freed queue's
    address cannot come back for another queue while the split is kept)."""
    monkeypatch.setattr(T, "ADAPTIVE", False)
    rng = np.random.default_rng(5)

    def network(threads, targets):
        set_device('runtime', threads=threads)
        start_scope()
        P, _, _ = _cuba(300)
        P.v = -50.5*mV + 2*mV*np.arange(300)/300
        Ce = Synapses(P, P, on_pre='ge += 3*mV')
        Ce.connect(i=np.repeat(np.arange(240), 20), j=targets)
        Ci = Synapses(P, P, on_pre='gi -= 9*mV')  # noqa: F841 - run() finds it here
        Ci.connect(i=np.arange(240, 300), j=np.arange(60))
        spikes = SpikeMonitor(P)
        run(30*ms)
        return np.asarray(spikes.i), P.v_.copy()

    for _ in range(3):  # targets not sorted within a source: the split sorts a copy
        targets = rng.integers(0, 300, 240 * 20)
        before = _team_calls()
        one, two = network(1, targets), network(2, targets)
        assert len(one[0]) > 10 and _team_calls() > before
        for a, b in zip(one, two, strict=True):
            np.testing.assert_array_equal(a, b)


def test_cuts_that_move_between_calls_give_the_bits_of_one_thread(monkeypatch):
    """The team's cuts move after calls (threads.REBALANCE): each call's events are split
    anew for its cuts, and the spikes and values stay those of one thread (here the cuts
    jump about on every call, the SpikeMonitor's growth cutting calls short)."""
    monkeypatch.setattr(T, "ADAPTIVE", False)
    monkeypatch.setattr(T, "REBALANCE_SECONDS", 0.0)
    plans = iter([[0, 64, 400], [0, 320, 400], [0, 192, 400], [0, 128, 400]] * 50)
    measured = []

    def jumpy(cuts, busy):
        measured.append(busy)
        return next(plans), 1e6  # a gain that pays any split

    monkeypatch.setattr(T, "rebalanced", jumpy)

    def runs(threads):  # several run() calls: several team calls
        set_device('runtime', threads=threads)
        start_scope()
        seed(7)
        P, names, (Ce, Ci) = _team_cuba(400)  # noqa: F841 - run() finds them here
        spikes = SpikeMonitor(P)
        before = _team_calls()
        for _ in range(6):
            run(10*ms)
        return (np.asarray(spikes.i), np.asarray(spikes.t_),
                [getattr(P, f"{name}_").copy() for name in names], _team_calls() - before)

    def rebalances():
        return sum(k.rebalances for k in get_device()._threaded.values())

    i1, t1, values1, _ = runs(1)
    before = rebalances()
    i2, t2, values2, team_calls = runs(2)
    assert team_calls >= 6 and rebalances() - before == len(measured) >= 6
    if os.uname().machine in ("x86_64", "AMD64"):  # a cycle counter: each thread measured
        assert all(min(busy) > 0 for busy in measured)
    assert len(i1) > 10
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(t1, t2)
    for a, b in zip(values1, values2, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_groups_state_variables_start_on_cache_lines():
    """The team kernel's chunks (team.bounds) share no cache line only if the arrays start
    on one: state variables, lastspike and not_refractory."""
    from labkit.memory import CACHE_LINE

    start_scope()
    G = NeuronGroup(1001, "dv/dt = -v/(10*ms) : 1 (unless refractory)\nx : integer",
                    threshold="v > 1", reset="v = 0", refractory=2*ms)
    for name in ("v", "x", "lastspike", "not_refractory"):
        array = G.variables[name].array
        assert array.ctypes.data % CACHE_LINE == 0, name
    assert (G.lastspike_ == -1e4).all() and G.not_refractory_.all()


_WARM_TEAM = """
import json, sys
import labkit.devices.threads as T
from labkit import *
T.COMPILE_BUDGET = 0.0; T.LOAD_BUDGET = 0.0; T.BACKGROUND = False; T.ADAPTIVE = False
set_device("runtime", threads=2)
seed(3)
taum, taue, taui, Vt, Vr, El = 20*ms, 5*ms, 10*ms, -50*mV, -60*mV, -49*mV
P = NeuronGroup(4000, '''dv/dt = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt''', threshold='v>Vt', reset='v = Vr', refractory=5*ms,
                method='exact')
P.v = 'Vr + rand() * (Vt - Vr)'
Ce = Synapses(P, P, on_pre='ge += 1.62*mV'); Ce.connect('i<3200', p=0.02)
Ci = Synapses(P, P, on_pre='gi += -9*mV'); Ci.connect('i>=3200', p=0.02)
M = SpikeMonitor(P)
run(100*ms)
teams = sum(k.team_calls for k in get_device()._threaded.values())
print(json.dumps(dict(sympy='sympy' in sys.modules, teams=teams,
                      i=[int(x) for x in M.i], t=[float(x) for x in M.t_])))
"""


@pytest.mark.slow
def test_a_warm_process_runs_the_team_kernel_without_sympy(two_processes):
    """The team's arguments are laid out from the kernel's text (its layout line), not
    from its plan, whose code loads sympy: a process whose plans and kernels all come from
    the stores runs the team without importing it (was 0.27 s of its first team call), and
    makes the first process's spikes."""
    first, second = two_processes(_WARM_TEAM, timeout=300)
    assert first["teams"] > 0 and second["teams"] > 0 and len(first["i"]) > 100
    assert first["sympy"] and not second["sympy"]
    assert first["i"] == second["i"] and first["t"] == second["t"]


def test_a_team_kernels_text_carries_its_layout():
    """team_source() heads the kernel's text with its plan's size argument and queues
    (team_layout.layout_line), read back as the plan says; a text without it reads None."""
    from labkit.codegen import team
    from labkit.codegen.team_layout import read_layout

    set_device('runtime', threads=2)
    start_scope()
    P, _, (Ce, Ci) = _cuba(1200, delay=0*ms)  # noqa: F841 - run() finds them here
    run(0.1*ms)
    kernel = next(k for k in get_device()._threaded.values()
                  if k._team_source() is not None and "_q0__ptr" in k.source.text)
    plan = team.team_plan(kernel.spec)
    assert read_layout(kernel._team_source().text) == (plan.size, plan.pathways,
                                                       plan.synapse)
    assert plan.pathways and read_layout(kernel.source.text) is None
