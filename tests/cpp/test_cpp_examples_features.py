"""cpp_standalone runs the features Brian2's examples need: run_regularly, linked
variables, ... with the runtime device's results (random numbers aside)."""

import numpy as np
import pytest

from labkit import *


def regular_and_linked(device_name):
    set_device(device_name)
    start_scope()
    # names fixed: the order of the updates within a slot follows them (Brian2's rule)
    H = NeuronGroup(1, 'dx/dt = (1 - x)/(5*ms) : 1', method='exact', name='drive')
    G = NeuronGroup(6, '''dv/dt = -v/(10*ms) + I/(20*ms) : 1
                          I : 1 (linked)
                          k : 1
                          direction : 1 (shared)''', method='exact', name='cells')
    G.I = linked_var(H, 'x')
    G.run_regularly('''direction = 7*t/ms
                       v = v + 0.5 + direction
                       k = i''', dt=1 * ms)
    G[2:5].run_regularly('k = k + N*i', dt=2 * ms, when='end')
    M = StateMonitor(G, ['v', 'direction', 'I'], record=[0, 3])
    run(5 * ms)
    return M.v_.copy(), M.direction_.copy(), M.I_.copy(), G.k_.copy()


def test_run_regularly_and_linked_variables_as_on_the_runtime_device(cpp):
    theirs = regular_and_linked("cpp_standalone")
    ours = regular_and_linked("runtime")
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert ours[3].tolist() == [0, 1, 2, 6, 10, 5]


def test_shared_random_draws_once_per_call(cpp):
    seed(2)
    G = NeuronGroup(500, 'v : 1\ndirection : 1 (shared)')
    G.run_regularly('direction = rand()\nv = direction + 0*rand()', dt=1 * ms)
    M = StateMonitor(G, 'direction', record=0)
    run(10 * ms)
    assert len(set(M.direction[0])) == 10 and np.allclose(G.v_, G.direction_)  # shape ()


def test_poisson_input_counts_have_the_binomial_statistics(cpp):
    seed(4)
    G = NeuronGroup(2000, 'x : 1\ny : 1')
    exact = PoissonInput(G, 'x', 100, 10 * Hz, 1.0)  # noqa: F841 - N*p = 0.1
    normal = PoissonInput(G, 'y', 1000, 200 * Hz, 1.0)  # noqa: F841 - N*p = 20
    run(10 * ms)
    for values, n_inputs, p, whole in ((G.x_, 100, 1e-3, True), (G.y_, 1000, 0.02, False)):
        mean, var = n_inputs * p * 100, n_inputs * p * (1 - p) * 100
        assert abs(values.mean() - mean) < 5 * np.sqrt(var / 2000)
        assert abs(values.var() / var - 1) < 5 * np.sqrt(2 / 1999)
        assert np.allclose(values, np.round(values)) == whole


def custom_events(device_name):
    set_device(device_name)
    start_scope()
    inp = SpikeGeneratorGroup(1, [0] * 20, (np.arange(20) * 4.3 + 1) * ms, name='inp')
    G = NeuronGroup(1, '''dv/dt = (g - v)/(50*ms) : 1
                          dg/dt = -g/(10*ms) : 1
                          allow : boolean''', threshold='v > 1',
                    reset='v = 0; g = 0; allow = True',
                    events={'gspike': 'g > 1 and allow', 'end': 'g < 1 and not allow'},
                    method='exact', name='g')
    G.run_on_event('gspike', 'allow = False')
    G.run_on_event('end', 'allow = True')
    H = NeuronGroup(1, 'dy/dt = -y/(10*ms) : 1', method='exact', name='h')
    Sin = Synapses(inp, G, on_pre='g += 0.5', name='sin')
    Sin.connect()
    S = Synapses(G, H, on_pre='y += 1', on_event='gspike', name='s')
    S.connect()
    E = EventMonitor(G, 'gspike', 'g', name='e')
    G.allow = True
    run(100 * ms)
    return E.t_.copy(), E.g_.copy(), H.y_.copy()


def test_custom_events_as_on_the_runtime_device(cpp):
    theirs = custom_events("cpp_standalone")
    ours = custom_events("runtime")
    assert len(ours[0]) > 10
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def synaptic_temporaries(device_name):
    set_device(device_name)
    start_scope()
    inp = SpikeGeneratorGroup(3, [0, 1, 2, 0, 1], [1, 2, 3, 6, 8] * ms, name='inp')
    G = NeuronGroup(2, 'dv/dt = -v/(10*ms) : volt\nu : volt', method='exact', name='g')
    G.u = '(i + 1)*2*mV'
    S = Synapses(inp, G, 'w : 1', on_pre='''a = w*(u_post/mV)
                                            b = a*mV + 0.5*mV
                                            v_post += b
                                            w = clip(w + a*0.01, 0, 1)''', name='s')
    S.connect()
    S.w = 'j*0.1 + i*0.05 + 0.1'
    run(12 * ms)
    return G.v_.copy(), S.w_.copy()


def test_synaptic_temporaries_as_on_the_runtime_device(cpp):
    theirs = synaptic_temporaries("cpp_standalone")
    ours = synaptic_temporaries("runtime")
    assert np.allclose(ours[1], [0.10404, 0.21632, 0.15606, 0.2704, 0.204, 0.312])
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def synapse_monitors(device_name):
    set_device(device_name)
    start_scope()
    inp = NeuronGroup(2, 'dv/dt = (1 + 0.3*i)/(6*ms) : 1', threshold='v > 1', reset='v = 0',
                      method='euler', name='inp')
    G = NeuronGroup(2, 'dv/dt = (g - v)/(10*ms) : 1\ng : 1', method='exact', name='g')
    S = Synapses(inp, G, '''dg_syn/dt = -g_syn/(5*ms) : 1 (clock-driven)
                            g_post = g_syn : 1 (summed)
                            w : 1''', on_pre='g_syn += w', name='s')
    S.connect()
    S.w = 'i + 2*j + 1'
    M = StateMonitor(S, ['g', 'v_pre', 'w'], record=S[1, :], name='m')
    run(20 * ms)
    return M.g_.copy(), M.v_pre_.copy(), M.w_.copy()


def test_synapse_monitors_as_on_the_runtime_device(cpp):
    theirs = synapse_monitors("cpp_standalone")
    ours = synapse_monitors("runtime")
    assert ours[0][:, -1].min() > 0 and ours[2][:, 0].tolist() == [2, 4]
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def side_subexpressions(device_name):
    set_device(device_name)
    start_scope()
    G = NeuronGroup(3, '''F = 1/(1 + exp(5*(0.5 - u))) : 1
                          du/dt = (0.3*(i + 1) + I_E - u)/(10*ms) : 1
                          I_E : 1''', method='euler', name='g')
    S = Synapses(G, G, '''dw/dt = F_pre*F_post/(50*ms) - F_post*w**2/(80*ms) : 1 (clock-driven)
                          I_E_post = w*F_pre : 1 (summed)''', method='euler', name='s')
    S.connect(condition='i != j')
    S.w = 'i*0.1 + j*0.05'
    M = StateMonitor(S, 'F_post', record=True, name='m')
    run(10 * ms)
    return S.w_.copy(), G.u_.copy(), M.F_post_.copy()


def test_side_subexpressions_as_on_the_runtime_device(cpp):
    theirs = side_subexpressions("cpp_standalone")
    ours = side_subexpressions("runtime")
    assert ours[2].min() > 0 and not np.allclose(ours[0], ours[0][0])
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def linked_subexpression(device_name):
    set_device(device_name)
    start_scope()
    drive = SpikeGeneratorGroup(1, [0, 0], [1, 4] * ms, name='drive')
    factor = NeuronGroup(1, '''G = H - 5*Hz : Hz
                               dH/dt = -H/(20*ms) : Hz''', method='exact', name='factor')
    up = Synapses(drive, factor, on_pre='H_post += 40*Hz', name='up')
    up.connect()
    pre = SpikeGeneratorGroup(2, [0, 1, 0], [2, 3, 6] * ms, name='pre')
    post = NeuronGroup(2, 'v : 1', name='post')
    S = Synapses(pre, post, 'G : Hz (linked)\nw : siemens', on_pre='w += 1*nS*second*G',
                 name='s')
    S.connect()
    S.G = linked_var(factor, 'G')
    M = StateMonitor(S, 'G', record=[0], name='m')
    run(8 * ms)
    return S.w_.copy(), M.G_.copy()


def test_linked_subexpression_as_on_the_runtime_device(cpp):
    theirs = linked_subexpression("cpp_standalone")
    ours = linked_subexpression("runtime")
    assert ours[0].min() != 0 and ours[1].max() > 0
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def two_runs(device_name, again=None, v0='i*0.2', **options):
    set_device(device_name, **options)
    start_scope()
    I = 1  # noqa: N806 - the model's name
    G = NeuronGroup(3, 'dv/dt = (I - v)/(10*ms) : 1', threshold='v > 0.8', reset='v = 0',
                    method='exact', name='g')
    G.v = v0
    M = StateMonitor(G, 'v', record=True, name='m')
    spikes = SpikeMonitor(G, name='sp')
    run(20 * ms)
    I = 0  # noqa: N806, F841 - read by the second run() only
    run(30 * ms)
    if not options.get("build_on_run", True):
        assert M.t_.size == 0  # recorded, not run yet
        device.build()
    if again is not None:  # Brian2: device.run() runs the whole program again, both
        device.run(run_args={G.v: again})  # runs in order, from the new initial values
    return M.v_.copy(), M.t_.copy(), spikes.t_.copy(), G.v_.copy()


def test_several_runs_recorded_then_built_as_on_the_runtime_device(cpp):
    theirs = two_runs("cpp_standalone", build_on_run=False)
    ours = two_runs("runtime")
    assert ours[0].shape == (3, 500) and ours[2].size > 2 and ours[3].max() < 0.5
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    device.reinit()
    repeated = two_runs("cpp_standalone", again=[0.6, 0.3, 0.1], build_on_run=False)
    ours = two_runs("runtime", v0=[0.6, 0.3, 0.1])
    for a, b in zip(ours, repeated, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    device.reinit()


def synapses_on_synapses(device_name):
    set_device(device_name)
    start_scope()
    inp = SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 2, 5, 6] * ms, name='inp')
    G = NeuronGroup(3, 'dv/dt = -v/(5*ms) : 1', threshold='v > 0.5', reset='v = 0',
                    method='exact', name='g')
    S = Synapses(inp, G, '''dd/dt = -d/(4*ms) : 1 (clock-driven)
                            G_A : 1''', on_pre='v_post += 0.4 + d + G_A', name='s')
    S.connect(i=[0, 1, 0], j=[0, 1, 2])
    reward = SpikeGeneratorGroup(1, [0, 0], [3, 4] * ms, name='reward')
    R = Synapses(reward, S, 'k : 1', on_pre='d_post += k', name='r')  # post: a synapse
    R.connect(j='k for k in range(1, 3)')
    R.k = [0.2, 0.5]
    astro = NeuronGroup(2, 'dA/dt = (Y - A)/(2*ms) : 1\nY : 1', method='exact', name='a')
    to_syn = Synapses(astro, S, 'G_A_post = A_pre : 1 (summed)', name='to_syn')
    to_syn.connect('i == j_post % 2')
    from_syn = Synapses(S, astro, 'Y_post = d_pre/N_incoming : 1 (summed)', name='from_syn')
    from_syn.connect('j == i % 2')
    M = StateMonitor(S, ['d', 'G_A'], record=True, name='m')
    spikes = SpikeMonitor(G, name='sp')
    run(8 * ms, report=lambda *args: None)  # reporting: the run in several launches
    return M.d_.copy(), M.G_A_.copy(), astro.A_.copy(), spikes.i[:].copy()


@pytest.mark.slow  # a C++ compile: 18 s on the loaded 2-core machine
def test_synapses_on_synapses_as_on_the_numpy_device(cpp):
    # numpy, not runtime: the same numbers (tests/parity) without a second compile
    theirs = synapses_on_synapses("cpp_standalone")
    ours = synapses_on_synapses("numpy")
    assert ours[0][1:].max() > 0.2 and ours[1].max() > 0 and len(ours[3]) >= 2
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)
