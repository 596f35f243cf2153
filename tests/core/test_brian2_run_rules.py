"""Brian2's rules for what a run simulates: monitors added between runs, objects that
belong to the network that ran them first, stop() from a network_operation."""

import numpy as np
import pytest

from labkit import *
from labkit.core.magic import MagicError
from labkit.errors import SimulationError

LIF = 'dv/dt = (1.5 - v)/(10*ms) : 1'


def firing_group(n=2):
    return NeuronGroup(n, LIF, threshold='v > 1', reset='v = 0', method='exact')


def test_monitors_added_between_magic_runs_join_the_simulation(device_name):
    G = firing_group()
    run(10 * ms)
    M = StateMonitor(G, 'v', record=True)
    S = SpikeMonitor(G)
    R = PopulationRateMonitor(G)
    run(10 * ms)
    # time continued: the monitors recorded from 10 ms on, as in Brian2
    assert float(M.t[0] / ms) == pytest.approx(10.0) and M.v.shape == (2, 100)
    assert float(R.t[0] / ms) == pytest.approx(10.0)
    assert S.num_spikes == 2 and np.all(S.t > 10 * ms)
    assert float(defaultclock.t / ms) == pytest.approx(20.0)


def test_a_new_group_beside_old_objects_is_still_refused():
    G = firing_group()  # noqa: F841 - collected by run()
    run(1 * ms)
    H = NeuronGroup(1, 'v : 1')  # noqa: F841
    M = StateMonitor(G, 'v', record=0)  # noqa: F841 - does not excuse H
    with pytest.raises(MagicError, match="start_scope"):
        run(1 * ms)


def test_an_object_simulated_before_cannot_join_another_network():
    G = firing_group()
    run(1 * ms)
    M = StateMonitor(G, 'v', record=0)
    with pytest.raises(SimulationError, match=f"{G.name} has already been simulated"):
        Network(G, M)
    net = Network(M)  # an object that never ran may join
    with pytest.raises(SimulationError, match="active flag to False"):
        net.add(G)


def test_a_network_refuses_to_run_an_object_another_network_ran():
    A = firing_group()
    Network(A).run(1 * ms)
    B = firing_group()
    net = Network(B)
    net.objects.append(A)  # bypassing add(), as Brian2's objects set allows
    with pytest.raises(SimulationError, match="already been run in another network"):
        net.run(1 * ms)


def test_the_same_network_runs_its_objects_again():
    G = firing_group()
    net = Network(G)
    net.run(1 * ms)
    net.run(1 * ms)
    assert float(net.t / ms) == pytest.approx(2.0)


def stopping_network(target):
    G = firing_group(10)
    G.v = 'i/10.'
    spikes = SpikeMonitor(G)
    M = StateMonitor(G, 'v', record=0)
    seen = []

    @network_operation(dt=1 * ms)
    def check(t):
        seen.append(float(t / ms))
        if spikes.num_spikes >= target:
            stop()

    return G, spikes, M, check, seen


def test_stop_ends_the_run_after_the_current_step(device_name):
    G, spikes, M, check, seen = stopping_network(20)
    run(100 * ms)
    # checked at 22 ms (20 spikes by then, as Brian2 finds): that step completes, the
    # clock stands at the next one, and the monitor recorded up to 22 ms
    assert seen[-1] == pytest.approx(22.0) and spikes.num_spikes == 20
    assert float(defaultclock.t / ms) == pytest.approx(22.1)
    assert M.v.shape == (1, 221) and float(M.t[-1] / ms) == pytest.approx(22.0)
    run(5 * ms)  # the next run continues from there (and stops at its first check)
    assert float(defaultclock.t / ms) == pytest.approx(23.1)


def test_network_stop_method_and_a_run_that_is_not_stopped():
    G, spikes, M, check, seen = stopping_network(10 ** 6)
    net = Network(G, spikes, M, check)
    net.run(5 * ms)
    assert float(net.t / ms) == pytest.approx(5.0) and len(seen) == 5

    @network_operation(dt=1 * ms)
    def halt(t):
        if abs(t - 7 * ms) < 0.01 * ms:
            net.stop()

    net.add(halt)
    net.run(10 * ms)
    assert float(net.t / ms) == pytest.approx(7.1)
    net.run(5 * ms)  # the request does not outlive its run
    assert float(net.t / ms) == pytest.approx(12.1) and seen[-1] == pytest.approx(12.0)


def test_stop_outside_a_run_does_not_stop_the_next_run():
    G = firing_group()  # noqa: F841 - collected by run()
    stop()
    run(2 * ms)
    assert float(defaultclock.t / ms) == pytest.approx(2.0)
