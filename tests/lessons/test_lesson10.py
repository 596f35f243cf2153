"""Lesson 10: the library's spatial models behave as the lesson says, the panel re-runs and
redraws the neuron, the figures draw (its checkers are tried in test_checkers.py)."""

import matplotlib
import numpy as np
import pytest

from labkit import Network, mm, ms, mV, nA, um
from labkit.lessons.lesson10 import (
    panel,
    plot_attenuation,
    plot_travelling_spike,
    soma_effect,
)
from labkit.models.cable import (
    ball_and_stick,
    length_constant,
    passive_neuron,
    synaptic_response,
    travelling_spike,
)

matplotlib.use("Agg")


def test_a_far_synapse_is_large_locally_and_small_at_the_soma():
    near, far = synaptic_response(position=20 * um), synaptic_response(position=450 * um)
    rise = {name: {where: float(np.max(np.asarray(result[where]))) + 0.070 for where in
                   ("v_soma", "v_syn")} for name, result in (("near", near), ("far", far))}
    assert rise["far"]["v_syn"] > 1.3 * rise["near"]["v_syn"]    # measured 7.7 vs 5.3 mV
    assert rise["far"]["v_soma"] < 0.7 * rise["near"]["v_soma"]  # measured 3.0 vs 5.2 mV
    assert near["synapse"] == 3 and far["synapse"] == 46          # 10 um compartments
    assert np.asarray(near["peak"]).shape == (51,)
    end = synaptic_response(position=900 * um)                    # beyond the end: its end
    assert end["synapse"] == 50


def test_the_length_constant_is_the_formula_and_the_exercise_half_point_exists():
    assert float(length_constant(2 * um) / um) == pytest.approx(577.35, rel=1e-4)
    assert float(length_constant(1 * um) / um) == pytest.approx(408.25, rel=1e-4)
    assert soma_effect(0 * um) == 1.0
    assert 0.44 < soma_effect(190 * um) < 0.56 < soma_effect(140 * um)
    assert soma_effect(283 * um) < 0.4    # ln(2)*lambda: too far for a brief EPSP


@pytest.mark.slow
def test_the_spike_travels_at_a_speed_growing_as_the_root_of_the_diameter():
    slow, fast = travelling_spike(1 * um), travelling_spike(4 * um)
    assert float(slow["velocity"]) == pytest.approx(0.562, rel=0.01)
    assert float(fast["velocity"] / slow["velocity"]) == pytest.approx(2.0, rel=0.01)
    assert np.all(np.isfinite(slow["arrival"][1:])) and np.all(np.diff(slow["arrival"][5:]) > 0)


def test_the_panel_reruns_and_redraws_the_neuron():
    p = panel()
    assert p.error is None
    shown = p.views[1]
    first = np.asarray(p.views[0].line.y).copy()
    p.set(position=450 * um)
    assert p.error is None
    soma_far, syn_far = np.asarray(p.views[0].line.y).max(axis=1)
    assert syn_far > soma_far > -70                        # drawn in mV
    assert not np.allclose(first, np.asarray(p.views[0].line.y))
    width = np.asarray(shown.compartments.x).max()
    p.set(length=1000 * um)
    assert np.asarray(shown.compartments.x).max() > 1.9 * width - 20   # a new shape
    colours = np.asarray(shown.compartments.color)
    assert colours.shape == (50,) and -68 < colours.max() < -60   # the peak v, in mV
    p.set(position=1000 * um, length=100 * um)              # the synapse at the end
    assert p.error is None


def test_the_figures_draw():
    import matplotlib.pyplot as plt

    neuron = passive_neuron(ball_and_stick())
    neuron.I[0] = 0.02 * nA
    Network(neuron).run(20 * ms)
    ax = plot_attenuation(neuron, length_constant(2 * um))
    assert len(ax.lines) == 3                  # simulated, exponential, the lambda line
    spike = travelling_spike(2 * um, length=1 * mm)
    ax = plot_travelling_spike(spike)
    assert ax.images and ax.get_xlabel() == "t [ms]"
    plt.close("all")
    assert float(np.max(spike["v"]) / mV) > 20       # the spike is in the picture


def test_an_nmda_synapse_fires_a_dendritic_spike_only_with_magnesium():
    """The lesson's section 4: with 1 mM Mg the peak at the synapse grows supralinearly
    (measured -65.3, -57.5, -37.3 mV for 2, 4, 6 nS) into a spike above -40 mV; without
    Mg it grows sublinearly (-30.6, -19.4, -14.2 mV)."""
    from labkit import nS, set_device
    from labkit.models.cable import nmda_response

    set_device("numpy")   # short runs of 21 compartments: no kernel worth compiling
    peaks = {mg: [float(np.max(np.asarray(nmda_response(w * nS, mg)["v_syn"])))
                  for w in (2, 4, 6)] for mg in (1.0, 0.0)}
    blocked, free = np.diff(peaks[1.0]), np.diff(peaks[0.0])
    assert blocked[1] > 2 * blocked[0] and peaks[1.0][2] > -0.040 > peaks[1.0][1]
    assert free[1] < free[0]
    assert nmda_response(2 * nS)["synapse"] == 17   # 250 um of 300 um in 15 um compartments
