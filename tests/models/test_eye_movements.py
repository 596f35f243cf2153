"""The smooth-pursuit model (models-reference section 4): the closed loop tracks the object,
its pieces are the paper's, and breaking the loop breaks the tracking."""

import numpy as np
import pytest

from labkit import ms, second, set_device
from labkit.models.eye_movements import (
    CONSTANTS,
    best_lag,
    eye_movement_network,
    hemifield,
    motor_weights,
    receptive_fields,
    simulate_eye_movements,
    tracking,
)


@pytest.fixture(autouse=True)
def runtime_device():
    set_device("runtime")
    yield
    set_device("runtime")


def test_the_retina_and_its_projections_are_the_papers():
    _, objects = eye_movement_network(record_dt=1 * ms)
    x_neuron = np.asarray(objects["retina"].x_neuron_)
    assert np.allclose(x_neuron, receptive_fields()) and x_neuron[0] == -1 and \
        x_neuron[-1] == 1
    sensorimotor = objects["sensorimotor"]
    i, j = np.asarray(sensorimotor.i[:]), np.asarray(sensorimotor.j[:])
    assert np.array_equal(j[np.argsort(i)], hemifield())          # one motoneuron each
    assert hemifield().tolist() == [0] * 10 + [1] * 10
    assert np.allclose(np.asarray(sensorimotor.w_)[np.argsort(i)], np.abs(x_neuron))
    assert np.allclose(objects["motor"].w_, [-0.5, 0.5])
    assert motor_weights(0.8, left=False) == [0.0, 0.8]
    v = np.asarray(objects["retina"].v_)
    assert v.min() >= 0 and v.max() < 1 and np.unique(v).size == 20
    with pytest.raises(TypeError, match="no parameter 'tau_eye'.*tau_object"):
        eye_movement_network(tau_eye=10 * ms)


def test_best_lag_finds_a_known_delay():
    t = np.arange(0, 5, 0.001)
    signal = np.sin(2 * np.pi * 0.7 * t) + 0.3 * np.sin(2 * np.pi * 2.3 * t)
    delayed = np.roll(signal, 40)                                   # 40 ms behind
    lag, r = best_lag(delayed[100:], signal[100:], 1 * ms)
    assert lag == 40 * ms and r > 0.999
    lag, _ = best_lag(delayed[100:], signal[100:], 0.001, max_lag=0.02)   # plain seconds
    assert lag == 20 * ms                                           # the edge of the range
    with pytest.raises(ValueError, match="x_eye stays at 0 .*motor_weight"):
        best_lag(np.zeros(100), signal[:100], 1 * ms)                # an eye let go
    with pytest.raises(ValueError, match="same length.*100 and 99"):
        best_lag(signal[:100], signal[:99], 1 * ms)


@pytest.mark.slow
@pytest.mark.parametrize("device", ["runtime", "numpy"])
def test_the_eye_follows_the_object_over_ten_seconds(device):
    """Section 4.2: a negative feedback loop. Over 10 s the eye correlates with the object
    above 0.9, tens of ms behind it, undershooting; only the central retina neurons fire,
    and both motoneurons take part, on the runtime and the numpy device (numpy: ~15-30 s,
    it steps from Python). (Brian2's run of the paper's seed: r = 0.96, lag ~28 ms,
    neurons 6-13, 2406 retina spikes, 56 and 51 motoneuron spikes; labkit draws other
    random numbers, so the numbers agree in kind. Measured over seeds, 10 s each: Brian2
    (numpy target, 3 seeds) 2397-2406 retina spikes, r 0.954-0.984, lag 28-29 ms; labkit
    (8 seeds) 2395-2407, r 0.946-0.988, lag 23-36 ms; the motoneurons' counts follow how
    far the object travels, in both.)"""
    set_device(device)
    objects = simulate_eye_movements(10 * second)
    result = tracking(objects)
    assert result["r"] > 0.9 and result["r_lag"] >= result["r"]
    assert 10 * ms <= result["lag"] <= 60 * ms
    assert result["rms_error"] < result["rms_object"]
    x = np.asarray(objects["state"].x[0])
    target = np.asarray(objects["state"].x_object[0])
    assert np.ptp(x) < np.ptp(target)                               # the eye undershoots
    fired = np.unique(np.asarray(objects["retina_spikes"].i))
    assert fired.min() >= 4 and fired.max() <= 15                   # near the fovea
    assert 2000 < result["retina"] < 2800
    assert result["left"] > 20 and result["right"] > 20
    # a retina neuron fires only while its drive exceeds 1: |offset| < width sqrt(ln gain)
    reach = CONSTANTS["width"] * np.sqrt(np.log(CONSTANTS["gain"]))
    assert reach == pytest.approx(0.118, abs=1e-3)


def test_numpy_gives_the_runtime_devices_run():
    """The same seed, the same run on both devices (one second: numpy steps from Python)."""
    runs = {}
    for device in ("runtime", "numpy"):
        set_device(device)
        objects = simulate_eye_movements(1 * second)
        runs[device] = (np.asarray(objects["state"].x[0]),
                        np.asarray(objects["retina_spikes"].t / ms))
    assert np.allclose(runs["numpy"][0], runs["runtime"][0], atol=1e-9)
    assert np.allclose(runs["numpy"][1], runs["runtime"][1])
    assert runs["runtime"][1].size > 100


@pytest.mark.slow
@pytest.mark.parametrize("change, worse", [
    ({"left": False}, "never left"),
    ({"motor_weight": -0.5}, "no tracking"),
    ({"tau_muscle": 70 * ms}, "no tracking"),
])
def test_breaking_the_loop_breaks_the_tracking(change, worse):
    """A lesion keeps the eye on one side; flipped weights (positive feedback) or muscles
    that relax too slowly (the loop overshoots and oscillates) lose the object."""
    objects = simulate_eye_movements(10 * second, **change)
    result = tracking(objects)
    x = np.asarray(objects["state"].x[0])
    if worse == "never left":
        assert x.min() > -0.1 and x.max() > 0.3 and result["left"] > 0
        assert result["r"] < 0.9
    else:
        assert result["r"] < 0.5 and result["rms_error"] > result["rms_object"]


def test_the_motor_weight_changes_between_runs_without_rebuilding():
    # The object starts off-centre with no noise, so the eye must move right within 300 ms
    # whatever the random state (with noise, from the centre, the eye of the run after the
    # previous test had not moved yet, and the test failed in sequence).
    net, objects = eye_movement_network(record_dt=1 * ms, sigma=0.0)
    objects["eye"].x_object = 0.4
    objects["eye"].noise = 0.4
    net.store()
    net.run(300 * ms)
    moved = float(np.asarray(objects["eye"].x_)[0])
    net.restore()
    objects["motor"].w = motor_weights(0.0)                          # no muscles
    net.run(300 * ms)
    assert float(np.asarray(objects["eye"].x_)[0]) == 0.0 and moved > 0.1   # went right
