"""Network, the magic network, clocks, store/restore, network_operation, errors of a run."""

import numpy as np
import pytest

from labkit import *
from labkit.core.magic import MagicError
from labkit.errors import SimulationError

NOISY = '''
dv/dt = (-v + mu)/tau + sigma*xi/sqrt(tau) : 1
mu : 1
'''


def noisy_group(n=20):
    G = NeuronGroup(n, NOISY, threshold='v > 1', reset='v = rand()*0.1', method='euler',
                    namespace={'tau': 10 * ms, 'sigma': 0.5})
    G.mu = 0.9
    return G


def test_store_restore_is_bit_identical_including_random_state(device_name):
    seed(11)
    G = noisy_group()
    M = StateMonitor(G, 'v', record=[0, 5])
    S = SpikeMonitor(G)
    net = Network(G, M, S)
    net.run(5 * ms)
    net.store()
    net.run(20 * ms)
    first = (G.v_.copy(), M.v_.copy(), S.i.copy(), S.t_.copy(), float(net.t_))
    net.restore(restore_random_state=True)  # Brian2's default is False: new noise
    assert net.t_ == pytest.approx(5e-3) and M.v_.shape[1] == 50
    net.run(20 * ms)
    second = (G.v_.copy(), M.v_.copy(), S.i.copy(), S.t_.copy(), float(net.t_))
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    assert S.num_spikes > 10  # the comparison is not vacuous


def test_magic_run_store_restore_and_time():
    G = NeuronGroup(1, 'dv/dt = 1/(10*ms) : 1', method='euler')
    run(1 * ms)
    assert float(G.t / ms) == pytest.approx(1.0)
    store()
    run(1 * ms)
    assert G.v_[0] == pytest.approx(0.2)
    restore()
    assert G.v_[0] == pytest.approx(0.1)
    run(1 * ms)
    assert float(G.t / ms) == pytest.approx(2.0)


def test_magic_refuses_a_mix_of_old_and_new_objects():
    G = NeuronGroup(1, 'v : 1')  # noqa: F841 - collected by run()
    run(0.5 * ms)
    H = NeuronGroup(1, 'v : 1')  # noqa: F841 - collected by run()
    with pytest.raises(MagicError, match="start_scope"):
        run(0.5 * ms)


def test_start_scope_forgets_earlier_objects():
    G1 = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler')
    start_scope()
    G2 = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler')
    run(1 * ms)
    assert G1.v_[0] == 0 and G2.v_[0] > 0


def test_explicit_network_add_and_objects():
    G = NeuronGroup(2, 'dv/dt = 1/second : 1', method='euler')
    M = StateMonitor(G, 'v', record=True)
    net = Network()
    net.add(G, [M])
    assert G in net and M in net and len(net.objects) == 2
    net.run(1 * ms)
    assert M.v.shape == (2, 10)
    assert float(net.t / ms) == pytest.approx(1.0)


def test_network_operation_runs_at_its_steps_and_changes_state(device_name):
    G = NeuronGroup(3, 'dv/dt = -v/(10*ms) : 1', method='exact')
    M = StateMonitor(G, 'v', record=True)
    calls = []

    @network_operation(dt=1 * ms)
    def kick(t):
        calls.append(round(float(t / ms), 9))
        G.v[1] = 1.0

    run(3.05 * ms)  # ends between steps: rounds up to 31 steps
    assert calls == [0.0, 1.0, 2.0, 3.0]
    # both at when='start', order 0: Brian2 orders by name, 'networkoperation' first
    assert M.v[1, 0] == 1.0 and M.v[1, 1] == pytest.approx(np.exp(-0.01))
    assert M.v[1, 10] == 1.0  # kicked again at 1 ms, before recording
    assert M.v[1, 9] == pytest.approx(np.exp(-0.09))
    assert np.all(M.v[0] == 0)


def test_clocks_with_multiple_dts():
    G1 = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler', dt=0.1 * ms)
    G2 = NeuronGroup(1, 'dv/dt = 1/second : 1', method='euler', dt=0.5 * ms)
    M1 = StateMonitor(G1, 'v', record=0)
    M2 = StateMonitor(G2, 'v', record=0)
    run(2 * ms)
    assert M1.t.size == 20 and M2.t.size == 4
    assert np.allclose(M2.t / ms, [0, 0.5, 1.0, 1.5])
    assert G1.v_[0] == pytest.approx(G2.v_[0])
    run(0.3 * ms)  # G2's clock acts once (at 2.0 ms); next at 2.5 ms
    assert M2.t.size == 5 and M1.t.size == 23


def test_clocks_that_do_not_fit_are_refused():
    a = NeuronGroup(1, 'v : 1', dt=0.1 * ms)  # noqa: F841 - collected by run()
    b = NeuronGroup(1, 'v : 1', dt=0.15 * ms)  # noqa: F841
    with pytest.raises(ValueError, match="integer multiples"):
        run(1 * ms)


def test_not_finite_state_stops_the_run_and_keeps_monitors(device_name):
    G = NeuronGroup(3, 'dv/dt = v**2/ms : 1', method='euler', name='blowup')
    G.v = [0, 0.5, 0]
    M = StateMonitor(G, 'v', record=True)
    with pytest.raises(SimulationError) as info:
        run(50 * ms)
    message = str(info.value)
    assert "NeuronGroup 'blowup'" in message and "v became inf" in message
    assert "neuron 1" in message and "smaller dt" in message
    assert "exponential_euler" in message
    steps = M.v.shape[1]
    assert 5 < steps < 500
    assert np.all(np.isfinite(M.v_))
    assert float(G.t / ms) == pytest.approx((steps - 1) * 0.1)  # the step that failed


def test_state_monitor_that_cannot_fit_is_refused(monkeypatch):
    from labkit.monitors import state

    monkeypatch.setattr(state, "available_memory", lambda: 10_000_000)
    G = NeuronGroup(1000, 'v : 1')
    M = StateMonitor(G, 'v', record=True)  # noqa: F841
    with pytest.raises(SimulationError, match=r"would need 80\.\d* MB.*record=\[0, 10, 20\]"):
        run(1 * second)
    assert float(G.t / ms) == 0


def test_report_text_prints_progress(capsys):
    G = NeuronGroup(1, 'dv/dt = -v/(10*ms) : 1', method='exact')  # noqa: F841
    run(5 * ms, report='text')
    out = capsys.readouterr().out
    assert "Starting simulation" in out and "100%" in out


def test_run_rejects_a_duration_without_time_units():
    G = NeuronGroup(1, 'v : 1')  # noqa: F841
    with pytest.raises(DimensionMismatchError, match="duration"):
        run(5)


def test_a_pickled_network_is_a_copy_that_runs_on(device_name):
    # Brian2's standalone_multiple_processes sends a network to Pool workers by pickling:
    # the copy has the records so far and runs on by itself; a Synapses' subexpression
    # the run never read (a closure until loaded) pickles too
    import pickle
    seed(3)
    G = noisy_group(5)
    S = Synapses(G, G, 'w : 1\nunread = 2*w : 1', on_pre='v_post += w')
    S.connect(j='i')
    M, net = SpikeMonitor(G), None
    net = Network(G, S, M)
    net.run(20 * ms)
    copy = pickle.loads(pickle.dumps(net))
    group, monitor = (next(o for o in copy.objects if type(o) is type(x)) for x in (G, M))
    assert copy.t == net.t and monitor.num_spikes == M.num_spikes > 0
    copy.run(20 * ms)
    assert copy.t == 40 * ms and net.t == 20 * ms  # the original is untouched
    assert monitor.num_spikes > M.num_spikes and group is not G
    assert len(M.t) == M.num_spikes  # its records are its own


def test_gsl_methods_are_named_with_the_alternative():
    from labkit.errors import IntegrationError
    G = NeuronGroup(1, 'dv/dt = -v/ms : 1', method='gsl_rk2')
    with pytest.raises(IntegrationError, match=r"'gsl_rk2'.*GSL.*not part of labkit.*'rk4'"):
        run(1 * ms)
    assert G.v_ == 0
