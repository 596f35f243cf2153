"""An interrupted run (Ctrl-C, an error, a network_operation that raises) leaves one
consistent time: clocks, ``net.t`` and monitors at the first step not completed; the next
run continues from there (issue #20)."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from labkit import (
    Network,
    NeuronGroup,
    SpikeMonitor,
    StateMonitor,
    defaultclock,
    ms,
    network_operation,
)
from labkit.core import runner

MODEL = "dv/dt = (2 - v)/(10*ms) : 1"


def _network(n=1, stop_after=None, error=KeyboardInterrupt):
    G = NeuronGroup(n, MODEL, threshold="v > 1", reset="v = 0", method="exact")
    M = StateMonitor(G, "v", record=0)
    S = SpikeMonitor(G)
    objects = [G, M, S]
    if stop_after is not None:
        @network_operation(dt=1 * ms)
        def stop(t):
            if t > stop_after:
                raise error("stop")
        objects.append(stop)
    net = Network(*objects)
    net.stop = objects[3:]
    return net, G, M, S


def _reference(duration):
    net, G, M, S = _network()
    net.run(duration)
    return G.v[:].copy(), np.asarray(M.t / ms), np.asarray(S.t / ms)


@pytest.mark.parametrize("error", [KeyboardInterrupt, ValueError])
def test_a_network_operation_that_raises_leaves_one_time_and_the_next_run_continues(
        device_name, error):
    # was: net.t stayed at 0 s while the group, defaultclock (51 ms) and the monitor
    # (50.9 ms) moved on; the next run recorded 0..4.9 ms again
    net, G, M, S = _network(stop_after=50 * ms, error=error)
    with pytest.raises(error):
        net.run(100 * ms)
    assert float(net.t / ms) == pytest.approx(51)
    assert float(defaultclock.t / ms) == pytest.approx(51)
    assert float(M.t[-1] / ms) == pytest.approx(50.9) and len(M.t) == 510
    v_51, t_51, spikes_51 = _reference(51 * ms)
    assert G.v[:] == pytest.approx(v_51)
    assert np.asarray(S.t / ms) == pytest.approx(spikes_51)

    net.remove(*net.stop)
    net.run(5 * ms)
    recorded = np.asarray(M.t / ms)
    assert np.all(np.diff(recorded) > 0) and len(recorded) == 560
    v_56, t_56, spikes_56 = _reference(56 * ms)
    assert recorded == pytest.approx(t_56)
    assert G.v[:] == pytest.approx(v_56)
    assert np.asarray(S.t / ms) == pytest.approx(spikes_56)


def _interrupt_after(seconds: float, sent: list) -> threading.Thread:
    def send():
        time.sleep(seconds)
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


@pytest.mark.slow
def test_ctrl_c_stops_a_long_run_quickly_at_a_step_boundary(device_name):
    # was: about 4 s until the runtime device answered, and an inconsistent state
    net, G, M, S = _network(n=2000)
    net.run(1 * ms)  # compiled (Ctrl-C while compiling interrupts at once, as usual)
    sent = []
    thread = _interrupt_after(0.5, sent)
    with pytest.raises(KeyboardInterrupt):
        net.run(100_000 * ms)  # minutes of work
    answered = time.perf_counter() - sent[0]
    thread.join()
    assert answered < 0.2 + 5 * runner.CHUNK_SECONDS  # a loaded machine, some slack
    t = float(net.t / ms)
    assert 1 < t < 100_000 and float(defaultclock.t / ms) == pytest.approx(t)
    steps = int(round(t / 0.1))
    assert len(M.t) == steps and float(M.t[-1] / ms) == pytest.approx(t - 0.1)
    assert np.all(np.asarray(S.t / ms) < t)
    v_before = G.v[:].copy()
    net.run(0.2 * ms)
    assert len(M.t) == steps + 2 and np.all(np.diff(np.asarray(M.t / ms)) > 0)
    assert not np.allclose(G.v[:], v_before)  # it went on integrating


def test_an_error_before_anything_ran_leaves_the_time_alone(device_name):
    net, G, M, S = _network(stop_after=-1 * ms, error=ValueError)
    with pytest.raises(ValueError):
        net.run(10 * ms)
    assert float(net.t / ms) == 0 and float(defaultclock.t / ms) == 0 and len(M.t) == 0
