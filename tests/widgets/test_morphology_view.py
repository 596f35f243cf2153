"""MorphologyView: the shape drawn once, compartments recoloured from values; in a Scope."""

import matplotlib
import numpy as np
import pytest

from labkit.spatial import Cylinder, Soma
from labkit.units import ms, mV, second, um, volt
from labkit.widgets import MorphologyView, Results
from labkit.widgets.views.morphology import RAMP, ramp_color

matplotlib.use("Agg")


def ball_and_stick():
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=100 * um, n=4)
    morpho.dend.L = Cylinder(diameter=1 * um, length=50 * um, n=2)
    return morpho


def test_the_shape_is_drawn_once_and_values_recolour_it():
    morpho = ball_and_stick()
    view = MorphologyView(morpho, "v", value_range=(-70 * mV, -50 * mV), title="v")
    x = np.asarray(view.compartments.x)
    assert x.shape == (6, 2)                          # a line per dendritic compartment
    laid_out = morpho.generate_coordinates()          # the dendrite runs down (-y) ...
    assert view.turned and view.x_axis.label == "-y [um]"   # ... so it is drawn to the right
    np.testing.assert_allclose(x[:4], -np.stack([laid_out.dend.coordinates_[:-1, 1],
                                                 laid_out.dend.coordinates_[1:, 1]], 1) * 1e6)
    t = np.arange(3) * 0.1 * ms
    v = np.outer(np.linspace(-70, -50, 7), [1, 1, 1]) * mV   # soma -70 ... tip -50
    view.update(Results({"t": t, "v": v}))
    np.testing.assert_allclose(view.compartments.color, np.linspace(-70, -50, 7)[1:])
    assert (view.color_scale.min, view.color_scale.max) == (-70.0, -50.0)
    assert view.somata[0].fill_colors == [RAMP[0]]    # the soma sits at the low end
    assert "v&nbsp;-70&nbsp;" in view.header.value and "&nbsp;-50 mV" in view.header.value
    before = np.asarray(view.compartments.x).copy()
    view.show(np.full(7, -50.0) * mV)                 # neuron.v works as well
    assert view.somata[0].fill_colors == [RAMP[-1]]
    np.testing.assert_array_equal(view.compartments.x, before)   # only colours change


def test_a_micrometre_is_as_long_on_both_axes():
    view = MorphologyView(ball_and_stick(), height="300px")
    x_span = view.x_scale.max - view.x_scale.min
    y_span = view.y_scale.max - view.y_scale.min
    margin = view.figure.fig_margin
    plot_width = float(view.figure.layout.width[:-2]) - margin["left"] - margin["right"]
    assert x_span / plot_width == pytest.approx(y_span / view.plot_pixels, rel=1e-3)
    assert 0.5 <= x_span / y_span <= 3.0
    assert view.x_scale.min < -10 and view.x_scale.max > 10      # the soma's 20 um inside


def test_without_a_range_the_first_values_set_it():
    view = MorphologyView(ball_and_stick())
    view.show(np.linspace(-0.07, -0.04, 7) * volt)
    assert view.value_range == pytest.approx((-70.0, -40.0))
    view.show(np.full(7, -0.01) * volt)               # later values do not move it
    assert view.value_range == pytest.approx((-70.0, -40.0))
    flat = MorphologyView(ball_and_stick())
    flat.show(np.full(7, -0.065) * volt)              # all equal: a 1 mV wide range
    assert flat.value_range == pytest.approx((-65.0, -64.0))


def test_an_open_end_follows_each_update():
    # lesson 10's panel: peaks from 2 to 40 mV above rest all use the whole ramp
    view = MorphologyView(ball_and_stick(), value_range=(-70 * mV, None))
    assert view.legend_extra() == ""
    view.show(np.linspace(-0.07, -0.065, 7) * volt)
    assert view.value_range == pytest.approx((-70.0, -65.0))
    assert "-70" in view.legend_extra() and "-65" in view.legend_extra()
    view.show(np.linspace(-0.07, -0.03, 7) * volt)
    assert view.value_range == pytest.approx((-70.0, -30.0))
    assert view.somata[0].fill_colors == [RAMP[0]]  # the soma at rest: the ramp's low end
    view.show(np.full(7, -0.0705) * volt)              # below the fixed end: 1 mV wide
    assert view.value_range == pytest.approx((-70.0, -69.0))
    low_open = MorphologyView(ball_and_stick(), value_range=(None, -50 * mV))
    low_open.show(np.linspace(-0.0502, -0.0501, 7) * volt)
    assert low_open.value_range == pytest.approx((-51.0, -50.0))
    with pytest.raises(ValueError, match="at least one end"):
        MorphologyView(ball_and_stick(), value_range=(None, None))


def test_the_ramp_is_linear_between_its_anchors():
    assert ramp_color(0.0) == RAMP[0] and ramp_color(1.0) == RAMP[-1]
    assert ramp_color(0.5) == RAMP[2] and ramp_color(2.0) == RAMP[-1]
    assert ramp_color(0.125) == "#402a70"   # halfway between the first two (halves up, as d3)


def test_wrong_values_are_refused_with_the_fix():
    view = MorphologyView(ball_and_stick(), value_range=(-70 * mV, -50 * mV))
    with pytest.raises(ValueError, match=r"one value per compartment \(7\).*record=True"):
        view.show(np.zeros(5) * mV)
    with pytest.raises(ValueError, match="units"):
        view.show(np.zeros(7) * second)
    with pytest.raises(ValueError, match="low < high"):
        view.set_value_range(-50 * mV, -70 * mV)
    with pytest.raises(ValueError, match="no sample recorded yet"):
        view.update(Results({"t": np.zeros(0) * ms, "v": np.zeros((7, 0)) * mV}))


def test_static_export_draws_the_same_colours():
    import matplotlib.pyplot as plt

    view = MorphologyView(ball_and_stick(), value_range=(-70 * mV, -50 * mV), title="v")
    fig, ax = plt.subplots()
    view.plot_static(Results({"v": np.linspace(-70, -50, 7) * mV}), ax)
    assert ax.get_title() == "v"
    lines = ax.collections[0].get_colors()
    assert len(lines) == 6
    np.testing.assert_allclose(lines[-1][:3], [0xfd / 255, 0xe7 / 255, 0x25 / 255], atol=1e-3)
    assert matplotlib.colors.to_hex(ax.patches[0].get_facecolor()) == RAMP[0]   # the soma
    plt.close(fig)


def test_a_scope_recolours_a_running_spatial_neuron():
    """A chunked SpatialNeuron (NetworkModel) in a Scope: current into the soma spreads,
    so after each chunk the dendrite's tip is less depolarised than the soma."""
    from labkit import Network, SpatialNeuron, StateMonitor, cm, nA, ohm, siemens, uF
    from labkit.widgets import FloatControl, NetworkModel, Scope

    neuron = SpatialNeuron(ball_and_stick(), """Im = gL*(EL - v) : amp/meter**2
                           I : amp (point current)""", Cm=1 * uF / cm ** 2,
                           Ri=150 * ohm * cm, namespace={"gL": 1e-4 * siemens / cm ** 2,
                                                         "EL": -70 * mV})
    neuron.v = -70 * mV
    monitor = StateMonitor(neuron, "v", record=True)

    def into_the_soma(current):
        neuron.I[0] = current

    model = NetworkModel(Network(neuron, monitor), 5 * ms, targets={"current": into_the_soma})
    view = MorphologyView(neuron.morphology, value_range=(-70 * mV, -60 * mV))
    scope = Scope(model, [FloatControl("current", 0 * nA, 1 * nA, 0.5 * nA)], [view],
                  window=10 * ms, chunk=2 * ms)
    scope.step()
    scope.step()
    colours = np.asarray(view.compartments.color)
    assert -70 < colours[-1] < colours[0]             # tip below the dendrite's base
    assert view.somata[0].fill_colors != [RAMP[0]]    # the soma has depolarised


def test_a_new_morphology_in_the_results_is_drawn_before_it_is_coloured():
    view = MorphologyView(ball_and_stick(), morphology_key="morphology",
                          value_range=(-70 * mV, -50 * mV))
    longer = Soma(diameter=20 * um)
    longer.dend = Cylinder(diameter=2 * um, length=400 * um, n=3)
    view.update(Results({"v": np.full(4, -60.0) * mV, "morphology": longer}))
    assert np.asarray(view.compartments.x).shape == (3, 2)
    assert np.asarray(view.compartments.x).max() == pytest.approx(400 + 10)   # soma radius
    assert view.x_scale.max > 400 and len(view.somata) == 1
    assert view.figure.marks == [view.compartments, view.somata[0]]
    no_soma = Cylinder(diameter=1 * um, length=100 * um, n=2)
    view.update(Results({"v": np.full(2, -60.0) * mV, "morphology": no_soma}))
    assert view.somata == [] and view.figure.marks == [view.compartments]
