"""PoissonInput: N Poisson sources per element, drawn as one count per step (Brian2's)."""

import numpy as np
import pytest

from labkit import *


def counts(n_inputs, rate, steps=100, n=2000, weight=1.0):
    """Each element's total increase after ``steps`` steps (no other dynamics)."""
    G = NeuronGroup(n, 'x : 1')
    P = PoissonInput(G, 'x', n_inputs, rate, weight)
    run(steps * defaultclock.dt)
    return G.x_.copy(), P


@pytest.mark.parametrize("n_inputs, rate", [(100, 10 * Hz), (1000, 200 * Hz)],
                         ids=["exact", "normal-approximation"])
def test_mean_and_variance_of_the_binomial_counts(device_name, n_inputs, rate):
    seed(5)
    steps, n = 100, 2000
    x, _ = counts(n_inputs, rate, steps, n)
    p = float(rate * defaultclock.dt)
    mean, var = n_inputs * p * steps, n_inputs * p * (1 - p) * steps
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / n)
    assert abs(x.var() / var - 1) < 5 * np.sqrt(2 / (n - 1))
    exact = n_inputs * p <= 5
    assert np.allclose(x, np.round(x)) == exact  # Brian2's normal approximation: no rounding


def test_the_same_numbers_on_the_runtime_and_numpy_devices():
    results = []
    for name in ("runtime", "numpy"):
        set_device(name)
        start_scope()
        seed(9)
        results.append(counts(50, 40 * Hz, steps=30, n=100)[0])
    assert np.array_equal(results[0], results[1]) and results[0].sum() > 0


def test_subgroup_targets_and_a_weight_expression(device_name):
    seed(2)
    stimulus = TimedArray([0, 2] * mV, dt=5 * ms)  # noqa: F841 - used by the weight
    G = NeuronGroup(10, 'v : volt\nscale : 1')
    G.scale = 'i'
    P = PoissonInput(G[4:8], 'v', 200, 100 * Hz, 'scale*stimulus(t)')  # noqa: F841
    run(10 * ms)
    v = G.v / mV
    assert np.all(v[:4] == 0) and np.all(v[8:] == 0)
    # only the second half counts (stimulus 2 mV): 50 steps of 200 inputs at p = 0.01
    events = v[4:8] / (2 * G.scale[4:8])
    assert np.all(np.abs(events - 100) < 5 * np.sqrt(99))
    assert np.allclose(events, np.round(events))


def test_an_unless_refractory_target_keeps_its_value_while_refractory(device_name):
    # Brian2's conditional write (its PoissonInput code runs where not_refractory): the
    # input arriving during the refractory period is dropped, and Brunel_2000's rates
    # were 35% above Brian2's while labkit added it
    G = NeuronGroup(4, 'dv/dt = -v/(20*ms) : 1 (unless refractory)\nw : 1',
                    threshold='v > 5', reset='v = 0', refractory=2 * ms, method='exact')
    G.v = [10, 10, 0, 0]  # the first two spike at the first step, then are refractory
    P = PoissonInput(G, 'v', 100, 500 * Hz, 0.01)  # noqa: F841 - run() finds it by name
    Q = PoissonInput(G, 'w', 100, 500 * Hz, 0.01)  # noqa: F841 - not (unless refractory)
    run(1.5 * ms)
    assert np.all(G.v[:2] == 0) and np.all(G.v[2:] > 0)
    assert np.all(G.w > 0)
    run(1 * ms)  # refractoriness over: inputs count again
    assert np.all(G.v[:2] > 0)


def test_errors_say_what_is_wrong():
    G = NeuronGroup(3, 'v : volt\nsub = 2*v : volt')
    with pytest.raises(KeyError, match="no variable 'u'"):
        PoissonInput(G, 'u', 10, 5 * Hz, 1 * mV)
    with pytest.raises(TypeError, match="not a state variable"):
        PoissonInput(G, 'sub', 10, 5 * Hz, 1 * mV)
    with pytest.raises(DimensionMismatchError, match="rate in Hz"):
        PoissonInput(G, 'v', 10, 5 * ms, 1 * mV)
    with pytest.raises(DimensionMismatchError, match="units of v"):
        PoissonInput(G, 'v', 10, 5 * Hz, 1 * nA)
    with pytest.raises(ValueError, match="whole number"):
        PoissonInput(G, 'v', 2.5, 5 * Hz, 1 * mV)
    P = PoissonInput(G, 'v', 10, 5 * Hz, '3*ms')
    with pytest.raises(DimensionMismatchError, match="the weight has units of second"):
        run(0.1 * ms)
    start_scope()
    H = NeuronGroup(3, 'v : volt')
    P = PoissonInput(H, 'v', 10, 20 * kHz, 1 * mV)
    with pytest.raises(ValueError, match="not a probability"):
        run(0.1 * ms)
    start_scope()
    H = NeuronGroup(3, 'v : volt')
    P = PoissonInput(H, 'v', 10, 20 * Hz, 1 * mV)
    with pytest.raises(ValueError, match="not part of this run"):
        Network(P).run(0.1 * ms)
    H.clock.dt = 0.2 * ms
    with pytest.raises(ValueError, match="dt of NeuronGroup .* changed"):
        Network(H, P).run(0.2 * ms)
