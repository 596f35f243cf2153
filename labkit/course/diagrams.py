"""Circuit and synapse sketches for the lessons -> matplotlib figures, drawn by our own code.

Why here: a diagram explains a membrane or a synapse faster than a paragraph, and drawing
it with a few matplotlib lines (no image files, no third-party drawing package) keeps it
in the repository as code that a test can run. Each function returns the figure; in a
notebook the last expression of a cell shows it.

Four diagrams: :func:`rc_membrane` (lessons 01-02: the passive membrane is a resistor
and a capacitor in parallel), :func:`synapse` (lesson 04: spike, delay, ``on_pre``),
:func:`hh_circuit` (lesson 05: three conductances, each with its battery) and
:func:`multiscale_circuit` (lesson 08: four voltage-controlled current sources).
"""

from __future__ import annotations

import numpy as np

__all__ = ["rc_membrane", "synapse", "hh_circuit", "multiscale_circuit"]

_INK = "#222222"


def _figure(width, height):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_axis_off()
    ax.set_aspect("equal")
    plt.close(fig)                 # shown once, as the cell's result, not twice
    return fig, ax


def _line(ax, xs, ys, **kw):
    ax.plot(xs, ys, color=kw.pop("color", _INK), lw=kw.pop("lw", 1.6),
            solid_capstyle="round", **kw)


def _resistor(ax, x, y0, y1, variable=False):
    """A vertical zigzag resistor between heights y0 < y1 (leads included)."""
    lead = (y1 - y0) * 0.25
    zig = np.linspace(y0 + lead, y1 - lead, 9)
    xs = x + 0.12 * np.array([0, 1, -1, 1, -1, 1, -1, 1, 0])
    _line(ax, [x, x], [y0, y0 + lead])
    _line(ax, xs, zig)
    _line(ax, [x, x], [y1 - lead, y1])
    if variable:                   # an arrow across: the conductance depends on v and t
        ax.annotate("", xy=(x + 0.28, y1 - lead + 0.05), xytext=(x - 0.28, y0 + lead - 0.05),
                    arrowprops=dict(arrowstyle="->", color="#b35900", lw=1.4))


def _capacitor(ax, x, y0, y1):
    mid = (y0 + y1) / 2
    _line(ax, [x, x], [y0, mid - 0.08])
    _line(ax, [x, x], [mid + 0.08, y1])
    _line(ax, [x - 0.25, x + 0.25], [mid - 0.08, mid - 0.08], lw=2.4)
    _line(ax, [x - 0.25, x + 0.25], [mid + 0.08, mid + 0.08], lw=2.4)


def _battery(ax, x, y0, y1):
    """A battery (long plate = +) in a vertical wire from y0 to y1."""
    mid = (y0 + y1) / 2
    _line(ax, [x, x], [y0, mid - 0.07])
    _line(ax, [x, x], [mid + 0.07, y1])
    _line(ax, [x - 0.2, x + 0.2], [mid + 0.07, mid + 0.07], lw=1.6)
    _line(ax, [x - 0.1, x + 0.1], [mid - 0.07, mid - 0.07], lw=3)


def _current_source(ax, x, y0, y1):
    from matplotlib.patches import Circle

    mid = (y0 + y1) / 2
    _line(ax, [x, x], [y0, mid - 0.25])
    _line(ax, [x, x], [mid + 0.25, y1])
    ax.add_patch(Circle((x, mid), 0.25, fill=False, ec=_INK, lw=1.6))
    ax.annotate("", xy=(x, mid + 0.16), xytext=(x, mid - 0.16),
                arrowprops=dict(arrowstyle="->", color=_INK, lw=1.4))


_TOP, _BOTTOM, _MID = 2.2, 0.0, 1.1


def _membrane(ax, right, branches, capacitance):
    """Both wires up to ``right``, the current source, the capacitor, and one branch per
    (x, conductance label, battery label, variable?): a resistor above its battery."""
    _line(ax, [0.5, right], [_TOP, _TOP])
    _line(ax, [0.5, right], [_BOTTOM, _BOTTOM])
    _current_source(ax, 0.5, _BOTTOM, _TOP)
    _capacitor(ax, 2.0, _BOTTOM, _TOP)
    ax.text(0.05, _MID, "$I$", ha="right", va="center", fontsize=12)
    ax.text(2.35, _MID, capacitance, va="center", fontsize=12)
    for x, g, e, variable in branches:
        _resistor(ax, x, _MID, _TOP, variable=variable)
        _battery(ax, x, _BOTTOM, _MID)
        ax.text(x + 0.3, 1.75, g, va="center", fontsize=11)
        ax.text(x + 0.3, 0.55, e, va="center", fontsize=11)


def rc_membrane():
    """The passive membrane: C in parallel with R in series with E_L, driven by I.

    >>> rc_membrane().axes[0].get_title()
    'the membrane as an RC circuit'
    """
    fig, ax = _figure(5.6, 3.0)
    _membrane(ax, 4.5, [(3.5, "$R$", "$E_L$", False)], "$C$")
    ax.text(4.6, _TOP, "inside, $v$", va="center", fontsize=10)
    ax.text(4.6, _BOTTOM, "outside", va="center", fontsize=10)
    ax.text(2.5, -0.5, r"$C\,\frac{dv}{dt} = \frac{E_L - v}{R} + I$"
            r"$\quad\Leftrightarrow\quad \tau\,\frac{dv}{dt} = E_L - v + R I,\ \tau = RC$",
            ha="center", va="top", fontsize=11)
    ax.set(xlim=(-0.4, 6.3), ylim=(-1.1, 2.5), title="the membrane as an RC circuit")
    return fig


def hh_circuit():
    """Hodgkin and Huxley's membrane: C, and sodium, potassium and leak branches.

    >>> hh_circuit().axes[0].get_title()
    'the Hodgkin-Huxley membrane'
    """
    fig, ax = _figure(7.2, 3.2)
    branches = [(3.3, r"$g_{Na}\,m^3 h$", r"$E_{Na}$", True),
                (5.3, r"$g_{K}\,n^4$", r"$E_{K}$", True),
                (7.3, r"$g_L$", r"$E_L$", False)]
    _membrane(ax, 7.3, branches, "$C_m$")
    for x, name in [(3.3, "sodium"), (5.3, "potassium"), (7.3, "leak")]:
        ax.text(x, -0.2, name, ha="center", va="top", fontsize=9)
    ax.set(xlim=(-0.4, 8.4), ylim=(-0.6, 2.5), title="the Hodgkin-Huxley membrane")
    return fig


def synapse():
    """A presynaptic spike, the delay, and ``on_pre`` acting on the postsynaptic neuron.

    >>> synapse().axes[0].get_title()
    'a synapse in labkit (and Brian2)'
    """
    from matplotlib.patches import Circle, FancyArrowPatch

    fig, ax = _figure(6.4, 2.4)
    ax.add_patch(Circle((0.6, 1.0), 0.45, fc="#dbe8f5", ec=_INK, lw=1.4))
    ax.add_patch(Circle((5.6, 1.0), 0.45, fc="#f6dddd", ec=_INK, lw=1.4))
    ax.text(0.6, 1.0, "pre\n$i$", ha="center", va="center", fontsize=10)
    ax.text(5.6, 1.0, "post\n$j$", ha="center", va="center", fontsize=10)
    ax.add_patch(FancyArrowPatch((1.05, 1.0), (5.1, 1.0), arrowstyle="-|>",
                                 mutation_scale=14, color=_INK, lw=1.4))
    t = np.linspace(1.4, 2.2, 60)
    _line(ax, t, 1.35 + 0.5 * np.exp(-((t - 1.8) / 0.06) ** 2), lw=1.2, color="#1f77b4")
    ax.text(1.8, 1.95, "spike of $i$\nat $t$", ha="center", va="bottom", fontsize=9)
    ax.annotate("", xy=(4.6, 0.55), xytext=(1.8, 0.55),
                arrowprops=dict(arrowstyle="<->", color="#b35900", lw=1.2))
    ax.text(3.2, 0.45, "delay  (S.delay, or Synapses(..., delay=...))", ha="center",
            va="top", fontsize=9, color="#b35900")
    ax.text(3.6, 1.2, "at $t$ + delay, for each synapse $i \\to j$:\non_pre = 'v_post += w'",
            ha="center", va="bottom", fontsize=9)
    ax.set(xlim=(0, 6.3), ylim=(0.0, 2.5), title="a synapse in labkit (and Brian2)")
    return fig


def _controlled_source(ax, x, y0, y1, color):
    """A voltage-controlled current source (a diamond with an arrow), wired y0 -> y1."""
    from matplotlib.patches import Polygon

    mid, r = (y0 + y1) / 2, 0.3
    _line(ax, [x, x], [y0, mid - r])
    _line(ax, [x, x], [mid + r, y1])
    ax.add_patch(Polygon([(x, mid - r), (x + r, mid), (x, mid + r), (x - r, mid)],
                         closed=True, fill=True, fc=color, ec=_INK, lw=1.6))
    ax.annotate("", xy=(x, mid + 0.17), xytext=(x, mid - 0.17),
                arrowprops=dict(arrowstyle="->", color=_INK, lw=1.3))


def multiscale_circuit():
    """The multi-scale neuron: C and a leak in parallel with four current sources, each a
    tanh of a filtered voltage (fast, slow, slow, ultra-slow), driven by I_app.

    >>> multiscale_circuit().axes[0].get_title()
    'the multi-scale neuron: four voltage-controlled current sources'
    """
    fig, ax = _figure(8.4, 3.4)
    right = 9.2
    _line(ax, [0.5, right], [_TOP, _TOP])
    _line(ax, [0.5, right], [_BOTTOM, _BOTTOM])
    _current_source(ax, 0.5, _BOTTOM, _TOP)
    ax.text(0.1, _MID, "$I_{app}$", ha="right", va="center", fontsize=12)
    _capacitor(ax, 1.9, _BOTTOM, _TOP)
    ax.text(2.2, _MID, "$C$", va="center", fontsize=12)
    _resistor(ax, 3.2, _BOTTOM, _TOP)
    ax.text(3.45, _MID, "$R$", va="center", fontsize=12)
    negative, positive = "#f6cccc", "#cfe0f3"        # the I-V views' red and blue, pale
    sources = [(4.6, "fast $-$", r"$V$", negative), (6.1, "slow $+$", r"$V_s$", positive),
               (7.6, "slow $-$", r"$V_s$", negative), (9.1, "ultra-slow $+$", r"$V_u$",
                                                        positive)]
    for x, name, filtered, color in sources:
        _controlled_source(ax, x, _BOTTOM, _TOP, color)
        ax.text(x, -0.15, name, ha="center", va="top", fontsize=9)
        ax.text(x, -0.5, rf"$\alpha \tanh({filtered[1:-1]} - \delta)$", ha="center",
                va="top", fontsize=8)
    ax.text(4.8, -1.0, r"$\tau_m \frac{dV}{dt} = -V + \alpha_f^-\tanh(V-\delta_f^-) "
            r"- \alpha_s^+\tanh(V_s-\delta_s^+) + \alpha_s^-\tanh(V_s-\delta_s^-) "
            r"- \alpha_u^+\tanh(V_u-\delta_u^+) + I_{app}$",
            ha="center", va="top", fontsize=10)
    ax.set(xlim=(-0.6, 9.8), ylim=(-1.7, 2.5),
           title="the multi-scale neuron: four voltage-controlled current sources")
    return fig
