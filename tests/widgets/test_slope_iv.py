"""SlopeIVView: an I-V curve in two colours by the sign of its slope, the applied current and
the equilibria (the multi-scale neuron's curves, models-reference 1.2)."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from labkit.widgets import Results, SlopeIVView
from labkit.widgets.views.slope_iv import split_by_slope


def _results(a_fm=2.0, I_app=-1.0):
    V = np.linspace(-3, 1.5, 451)
    fast = V - a_fm * np.tanh(V)
    eq = V[np.argmin(np.abs(fast - I_app))]
    return Results({"iv_V": V, "I_fast": fast, "I_app": I_app, "V_eq": np.array([eq])},
                   static=("iv_V", "I_fast", "V_eq"))


def test_negative_slope_part_is_where_the_conductance_is_negative():
    view = SlopeIVView("I_fast", points="V_eq")
    view.update(_results())
    x = np.asarray(view.lines.x)
    positive, negative = np.asarray(view.lines.y)
    drawn = x[np.isfinite(negative)]
    # d/dV (V - 2 tanh V) < 0  <=>  cosh^2 V < 2  <=>  |V| < 0.881
    assert drawn.min() == pytest.approx(-0.881, abs=0.01)
    assert drawn.max() == pytest.approx(0.881, abs=0.01)
    assert np.all(np.isfinite(positive) | np.isfinite(negative))     # no hole in the curve
    assert np.sum(np.isfinite(positive) & np.isfinite(negative)) == 2   # joined at 2 points
    assert list(view.lines.colors) == ["#1f77b4", "#d62728"]
    np.testing.assert_allclose(view.level_line.y, [-1.0, -1.0])
    assert np.asarray(view.points_mark.y).tolist() == [-1.0]


def test_a_change_moves_the_curve_and_a_monotone_curve_has_no_red_part():
    view = SlopeIVView("I_fast")
    view.update(_results())
    before = np.asarray(view.lines.y).copy()
    view.update(_results(a_fm=0.5, I_app=0.5))
    positive, negative = np.asarray(view.lines.y)
    assert not np.allclose(np.nan_to_num(before[0]), np.nan_to_num(positive))
    assert np.all(np.isnan(negative)) and np.all(np.isfinite(positive))
    assert np.asarray(view.points_mark.x).size == 0                 # no points key given


def test_split_by_slope_never_bridges_a_gap():
    x, rows = split_by_slope([0, 1, 2, 3, 4], [0, 1, 0, 1, 2])
    for row, sign in zip(rows, (1, -1), strict=True):
        drawn = np.isfinite(row[:-1]) & np.isfinite(row[1:])      # the pieces of line drawn
        assert np.all(np.sign(np.diff(row)[drawn]) == sign)
    np.testing.assert_array_equal(np.isfinite(rows[1]),
                                  [False, False, True, True, True, False, False, False, False])
    x1, rows1 = split_by_slope([0.0], [1.0])
    assert x1.tolist() == [0.0] and rows1.shape == (2, 1)


def test_static_plot_draws_both_parts_and_the_points():
    view = SlopeIVView("I_fast", points="V_eq", title="fast")
    ax = Figure().subplots()
    view.plot_static(_results(), ax)
    assert len(ax.lines) == 4 and ax.get_title() == "fast"     # 2 parts, level, points
    assert ax.lines[-1].get_ydata().tolist() == [-1.0]


def test_the_legend_names_both_colours_and_a_narrow_view_gets_few_x_labels():
    view = SlopeIVView("I_fast", points="V_eq")
    view.update(_results())
    assert [e[0] for e in view.legend_entries()] == ["slope > 0", "slope < 0", "I_app",
                                                     "equilibria"]
    assert len(view.x_axis.tick_values) <= 6
    assert (view.x_scale.min, view.x_scale.max) == (-3.0, 1.5)


def test_the_level_stays_inside_the_plot_and_the_labels_fit_its_height():
    from labkit.widgets.views.base import tick_count

    view = SlopeIVView("I_fast", height="220px")
    view.update(_results(I_app=-2.5))                 # below the whole curve
    lo, hi = view.y_scale.min, view.y_scale.max
    assert lo < -2.5 < hi and lo < np.nanmin(np.asarray(view.lines.y, dtype=float))
    ticks = np.asarray(view.y_axis.tick_values)
    assert 2 <= ticks.size <= tick_count(view.plot_pixels)
    assert np.allclose(ticks / (ticks[1] - ticks[0]), np.round(ticks / (ticks[1] - ticks[0])))
