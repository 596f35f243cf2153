"""Synapses on cpp_standalone: the runtime device's results, whatever the queue goes through.

The runtime device is the reference (tests/parity checks it against Brian2); the
deterministic synapse parity cases run in test_cpp_parity.py with the neuron ones. Synaptic
loops run serially in C++ as in Numba, so deterministic models agree to the last bit;
random ones (a C++ generator) agree in their statistics.
"""

import math

import numpy as np
from harness import run_script
from synapse_cases import RANDOM_CONNECT, RANDOM_ON_PRE, TWO_NEURONS

from labkit import *


def test_course_two_neuron_script():
    """Issue 5's script: neuron 1 fires only through the synapse from neuron 0."""
    reference = run_script(TWO_NEURONS, "labkit", device="runtime")
    actual = run_script(TWO_NEURONS, "labkit", device="cpp_standalone")
    indices, steps = actual.spikes["SM"]
    assert (indices == 1).sum() >= 1
    np.testing.assert_array_equal(indices, reference.spikes["SM"][0])
    np.testing.assert_array_equal(steps, reference.spikes["SM"][1])


def test_rand_in_on_pre_statistics():
    """400 events x 50 synapses, each passing with p = 0.3: near 6000 (4 sigma)."""
    n, p = 400 * 50, 0.3
    total = int(run_script(RANDOM_ON_PRE, "labkit", device="cpp_standalone").values["total"])
    assert abs(total - n * p) <= 4 * math.sqrt(n * p * (1 - p)), total


def test_probabilistic_connection_count():
    n, p = 400 * 400, 0.05
    count = int(run_script(RANDOM_CONNECT, "labkit", device="cpp_standalone").values["n_syn"])
    assert abs(count - n * p) <= 4 * math.sqrt(n * p * (1 - p)), count


def _burst_into_one_target(device: str):
    """300 neurons spike in the same step, all onto three targets: far over the queue's
    starting capacity (64 events a slot), so the queue doubles twice in one push."""
    set_device(device)
    start_scope()
    G = NeuronGroup(300, 'v : 1', threshold='v > 1', reset='v = 0')
    G.v = 2
    T = NeuronGroup(3, 'v : 1')
    S = Synapses(G, T, 'w : 1', on_pre='v_post += w')
    S.connect(j='i % 3')
    S.w = '0.001*i + 0.1/(i + 1)'  # sums that depend on the order of the additions
    S.delay = '(i % 2)*ms'
    run(3 * ms)
    return np.array(T.v), S.pre.qdata


def test_full_queue_grows_in_the_program(cpp):
    expected, expected_queue = _burst_into_one_target("runtime")
    compiled, launches = cpp.compile_count, cpp.launch_count
    actual, queue = _burst_into_one_target("cpp_standalone")
    assert queue.shape[1] >= 150  # one slot holds half of the 300 events
    assert cpp.launch_count - launches == 1  # grown by the program, not by a new start
    assert cpp.compile_count - compiled <= 1  # a bigger queue is a new value, not new code
    np.testing.assert_array_equal(actual, expected)
    np.testing.assert_array_equal(queue, expected_queue)  # same doublings, same bytes
    w = 0.001 * np.arange(300) + 0.1 / (np.arange(300) + 1)
    np.testing.assert_allclose(actual, [w[k::3].sum() for k in range(3)], rtol=1e-12)


def _converging_volleys(device: str):
    """500 neurons spike once each, 50 per step over 10 steps; every synapse's delay is
    chosen so that all 1000 events arrive within three steps, in three slots of a queue
    of 15: each slot fills over several pushes and the queue doubles 64 -> 512, partly in
    the first run(), partly in the second. Each slot ends up delivering about 330 events
    onto two targets, whose sums depend on the order of the additions.

    -> (targets' v after the second run, after that run again from a restore(), the
    queue after each of the three runs, launches on the device)."""
    set_device(device)
    device = get_device()
    launches = getattr(device, "launch_count", 0)
    start_scope()
    G = NeuronGroup(500, 'dv/dt = 1/ms : 1', threshold='v > 1', reset='v = -1e9',
                    method='euler')
    G.v = '1 - (i // 50 + 0.5)*0.1'  # block b crosses the threshold in step b
    T = NeuronGroup(2, 'v : 1')
    S = Synapses(G, T, 'w : 1', on_pre='v_post += w')
    S.connect()
    S.w = '0.001*i + 0.1/(i + 1) - 0.3*j'
    S.delay = '(12 - i // 50 + i % 3)*0.1*ms'
    queues = []
    run(0.7 * ms)  # blocks 0..6 have spiked, nothing has arrived
    queues.append(S.pre.qdata.copy())
    store()
    run(1.5 * ms)  # the rest spike, everything arrives
    queues.append(S.pre.qdata.copy())
    first = np.array(T.v)
    restore()
    run(1.5 * ms)
    queues.append(S.pre.qdata.copy())
    return first, np.array(T.v), queues, getattr(device, "launch_count", 0) - launches


def test_queue_grows_over_pushes_runs_and_restore(cpp):
    expected, expected_again, expected_queues, _ = _converging_volleys("runtime")
    actual, again, queues, launches = _converging_volleys("cpp_standalone")
    assert launches == 3  # one per run()
    assert [q.shape for q in expected_queues] == [(15, 256), (15, 512), (15, 512)]
    for queue, expected_queue in zip(queues, expected_queues, strict=True):
        np.testing.assert_array_equal(queue, expected_queue)
    np.testing.assert_array_equal(actual, expected)
    np.testing.assert_array_equal(again, actual)  # restore() brought back the events
    np.testing.assert_array_equal(expected_again, expected)
    i = np.arange(500)
    w = 0.001 * i + 0.1 / (i + 1)
    np.testing.assert_allclose(actual, [w.sum(), (w - 0.3).sum()], rtol=1e-12)


def _summed_into_subgroup(device: str):
    """A summed variable of a subgroup: only its elements are overwritten each step."""
    set_device(device)
    start_scope()
    src = NeuronGroup(4, 'x : 1')
    src.x = 'i + 1.0'
    G = NeuronGroup(6, 'g : 1')
    G.g = 7
    S = Synapses(src, G[2:5], '''w : 1
                                 g_post = w*x_pre : 1 (summed)''')
    S.connect('i != j')
    S.w = '0.5 + 0.1*i - 0.2*j'
    run(1 * ms)
    return np.array(G.g), np.array(S.i), np.array(S.j), np.array(S.w)


def test_summed_variable_fills_only_its_subgroup(cpp):
    expected, *_ = _summed_into_subgroup("runtime")
    actual, i, j, w = _summed_into_subgroup("cpp_standalone")
    np.testing.assert_array_equal(actual, expected)
    sums = np.zeros(3)
    np.add.at(sums, j, w * (i + 1.0))
    np.testing.assert_allclose(actual, [7, 7, *sums, 7], rtol=1e-12)


def _coupled_lif(device: str, **options):
    """400 LIF neurons with deterministic recurrent synapses: enough elements for the
    state update to use threads, while the synaptic loops stay serial."""
    set_device(device, **options)
    start_scope()
    G = NeuronGroup(400, '''dv/dt = (I - v)/(10*ms) : 1
                            I : 1''', threshold='v > 1', reset='v = 0', method='exact')
    G.I = '1.05 + 0.3*i/400'
    S = Synapses(G, G, 'w : 1', on_pre='v_post += w', delay=0.5 * ms)
    S.connect('(i + 7*j) % 13 == 0 and i != j')
    S.w = '0.02 - 0.05*((i + j) % 3 == 0)'
    M = SpikeMonitor(G)
    run(50 * ms)
    return np.array(M.i), np.array(M.t), np.array(G.v)


def test_two_threads_same_as_runtime(cpp):
    expected = _coupled_lif("runtime")
    assert len(expected[0]) > 500
    for threads in (1, 2):
        actual = _coupled_lif("cpp_standalone", threads=threads)
        for a, b in zip(expected, actual, strict=True):
            np.testing.assert_array_equal(a, b)
