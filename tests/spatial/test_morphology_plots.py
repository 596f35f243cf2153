"""plot_morphology and plot_dendrogram: what is drawn, colours by value, errors."""

from __future__ import annotations

import pathlib

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from labkit import Cylinder, Morphology, Soma, mV, um  # noqa: E402
from labkit.spatial import plot_dendrogram, plot_morphology  # noqa: E402

DATA = pathlib.Path(__file__).parent / "data"


def ball_and_stick():
    morpho = Soma(diameter=20 * um)
    morpho.dend = Cylinder(diameter=2 * um, length=500 * um, n=50)
    morpho.dend.L = Cylinder(diameter=1 * um, length=100 * um, n=10)
    return morpho


def test_each_compartment_is_a_segment_and_the_soma_a_disk():
    axes = plot_morphology(ball_and_stick())
    segments = sum(len(c.get_segments()) for c in axes.collections)
    assert segments == 60 and len(axes.patches) == 1
    # laid out by generate_coordinates: the dendrite's 500 um span the axes
    low, high = axes.get_ylim()
    assert high - low >= 500


def test_values_colour_the_compartments_through_the_colormap():
    import matplotlib.pyplot as plt

    morpho = ball_and_stick()
    values = np.linspace(-70, -20, 61) * mV
    axes = plot_morphology(morpho, values=values, value_colormap="viridis")
    colours = np.concatenate([c.get_colors() for c in axes.collections])
    cmap = plt.get_cmap("viridis")
    assert np.allclose(colours[0], cmap(1 / 60))        # first dendrite compartment
    assert np.allclose(colours[-1], cmap(1.0))          # the last is the maximum
    assert len(axes.figure.axes) == 2                   # and a colour bar
    with pytest.raises(ValueError, match="one number per compartment"):
        plot_morphology(morpho, values=values[:10])
    with pytest.raises(ValueError, match="2-D only"):
        plot_morphology(morpho, plot_3d=True)


def test_reconstruction_and_dendrogram():
    morpho = Morphology.from_file(DATA / "three_point_soma.swc")
    axes = plot_morphology(morpho, show_diameter=True, show_compartments=True)
    widths = np.concatenate([c.get_linewidths() for c in axes.collections])
    assert widths.min() < widths.max()                  # diameters shown
    tree = plot_dendrogram(ball_and_stick())
    depths = [line.get_ydata() for line in tree.lines]
    assert max(max(d) for d in depths) == pytest.approx(600)
