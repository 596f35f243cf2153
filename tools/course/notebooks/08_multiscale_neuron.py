# %% [markdown]
# # 08 · The multi-scale neuron
#
# *Estimated time: 60 minutes, and 30 more for
# [the exercises](../exercises/08_multiscale_neuron.ipynb).*
# Previous: [07 · Network operations](07_network_operations.ipynb).
#
# **Objectives.** After this lesson you can
# - describe a neuron as a capacitor in parallel with voltage-controlled current sources,
#   each a *local* positive or negative conductance on its own timescale;
# - say why a negative conductance is positive feedback, and which feedback makes a spike
#   and which makes a burst;
# - write Ribar and Sepulchre's multi-scale neuron as labkit equations and simulate it;
# - read its fast, slow and ultra-slow I-V curves, and find its equilibria on them;
# - explain why *lowering* the slow positive conductance turns tonic spiking into bursting;
# - name a regime with a spike/burst detector, and map the regimes of hundreds of neurons
#   in one run;
# - drive the model in a running "GUI demo".
#
# Cells marked **Your turn** are short exercises: replace the `todo(...)` line with your
# answer and run the cell; `check(...)` says what is right and gives a hint. Answers to the
# **Think!** questions are folded: think first, then click *Show an answer*.
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo

# %% [markdown]
# ## 1. Four current sources on three timescales
#
# Hodgkin and Huxley described a neuron by its ion channels (lesson 05). Ribar and
# Sepulchre (2019) describe the same behaviour by what the channels *do* to the voltage,
# with a circuit a control engineer can reason about: a leaky capacitor (the membrane) in
# parallel with four **voltage-controlled current sources**. Each source is a saturating
# function, $\alpha \tanh(V_x - \delta)$, of a filtered copy $V_x$ of the membrane
# potential, so near its offset $\delta$ it acts as a conductance of size $\alpha$, and far
# from it its current saturates: a *local* conductance.

# %%
from labkit.course.diagrams import multiscale_circuit

multiscale_circuit()

# %% [markdown]
# The sign of a conductance is the slope of its current against the voltage. A
# **positive** conductance (like the leak) opposes a change of $V$: if $V$ rises, more
# current flows out and pulls it back. That is *negative feedback*. A **negative**
# conductance does the opposite: when $V$ rises its outward current *drops* (or its inward
# current grows), which raises $V$ further. A negative conductance is *positive feedback*.
#
# | element | gain / offset | conductance | what it does | timescale |
# |---|---|---|---|---|
# | fast negative | $\alpha_f^-$ / $\delta_f^-$ | negative | the upstroke of a spike | $\tau_m = 1$ ms |
# | slow positive | $\alpha_s^+$ / $\delta_s^+$ | positive | ends the spike | $\tau_s = 50$ ms |
# | slow negative | $\alpha_s^-$ / $\delta_s^-$ | negative | slow bistability: bursts | $\tau_s$ |
# | ultra-slow positive | $\alpha_u^+$ / $\delta_u^+$ | positive | ends and restarts bursts | $\tau_u = 2.5$ s |
#
# The filtered voltages follow $V$ with their time constants:
#
# $$\tau_m \frac{dV}{dt} = -V + \alpha_f^- \tanh(V - \delta_f^-)
#   - \alpha_s^+ \tanh(V_s - \delta_s^+) + \alpha_s^- \tanh(V_s - \delta_s^-)
#   - \alpha_u^+ \tanh(V_u - \delta_u^+) + I_{app},$$
# $$\tau_s \frac{dV_s}{dt} = V - V_s, \qquad \tau_u \frac{dV_u}{dt} = V - V_u .$$
#
# Every gain $\alpha$ is a magnitude ($\ge 0$); the sign in front says whether the element
# is a positive or a negative conductance. The fast filter is instantaneous ($V_f = V$).
# Voltage and current are dimensionless; we read one time unit as 1 ms, so
# $\tau_s = 50$ ms and $\tau_u = 2.5$ s.
#
# A **spike** is fast positive feedback followed by slower negative feedback: the fast
# negative conductance makes the upstroke, the slow positive one (50 times slower) brings
# $V$ back. A **burst** repeats the trick one timescale down, as we will see.
#
# ## 2. The model in labkit
#
# The equations go into a `NeuronGroup` as they are written. Gains, offsets and $I_{app}$
# are *parameters* of each neuron (`a_fm : 1`, ...), so one group can hold neurons with
# different values, and changing them never recompiles anything. `a_fm` is
# $\alpha_f^-$ ("a, fast, minus"), `a_sp` is $\alpha_s^+$, and so on. A spike is an
# upward crossing of $V = 0$; there is no reset (the spike is part of the dynamics), and
# `refractory="V > -0.5"` counts the next spike only once $V$ fell below $-0.5$.

# %%
start_scope()
tau_m, tau_s, tau_u = 1 * ms, 50 * ms, 2500 * ms
eqs = """
dV/dt = (-V + a_fm*tanh(V - d_fm) - a_sp*tanh(Vs - d_sp)
         + a_sm*tanh(Vs - d_sm) - a_up*tanh(Vu - d_up) + I_app)/tau_m : 1
dVs/dt = (V - Vs)/tau_s : 1
dVu/dt = (V - Vu)/tau_u : 1
a_fm : 1
d_fm : 1
a_sp : 1
d_sp : 1
a_sm : 1
d_sm : 1
a_up : 1
d_up : 1
I_app : 1
"""
G = NeuronGroup(2, eqs, threshold="V > 0", refractory="V > -0.5", method="euler")
G.a_fm, G.d_fm = 2, 0
G.a_sp, G.d_sp = [2.5, 1.5], 0        # neuron 0: a_sp = 2.5, neuron 1: a_sp = 1.5
G.a_sm, G.d_sm = 1.5, -1.5
G.a_up, G.d_up = 1.5, -1.5
G.I_app = -1
G.V, G.Vs, G.Vu = -1.9, -1.8, -1.8
state = StateMonitor(G, ["V", "Vs", "Vu"], record=True)
spikes = SpikeMonitor(G)
run(12 * second)
print("spikes:", spikes.count)

# %%
fig, axes = plt.subplots(2, 1, figsize=(8, 4), sharex=True, layout="constrained")
for k, ax in enumerate(axes):
    ax.plot(state.t / second, state.V[k], lw=0.6, label="V")
    ax.plot(state.t / second, state.Vs[k], lw=1.2, label="$V_s$")
    ax.plot(state.t / second, state.Vu[k], lw=1.5, label="$V_u$")
    ax.set(ylabel="V", title=f"a_sp = {G.a_sp[k]:g}")
axes[0].legend(loc="upper right", ncol=3)
axes[1].set_xlabel("t [s]")
plt.show()

# %% [markdown]
# Neuron 0 ($\alpha_s^+ = 2.5$) fires tonically. Neuron 1 ($\alpha_s^+ = 1.5$) fires
# **bursts**: a few spikes, a long pause, again. The three variables live on three
# timescales: $V$ spikes in milliseconds, $V_s$ smooths the spikes over tens of
# milliseconds, $V_u$ climbs during each burst and sinks during each pause, over seconds.
# Both neurons need several seconds to settle: $V_u$ starts far from its average.
#
# The same model is in the library, as `labkit.models.multiscale` (the lessons, the
# exercises and the demo below all use it): `multiscale_group(N, **params)` builds the
# group above, `DEFAULTS` holds the lesson's values and `PRESETS` a few named regimes.

# %%
from labkit.models.multiscale import DEFAULTS, PRESETS, multiscale_group

print(DEFAULTS)
for name, preset in PRESETS.items():
    print(f"{name:>10}: a_sp = {preset['a_sp']}, I_app = {preset['I_app']}")

# %% [markdown]
# **Your turn (08.a).** The equations of the two filters are missing below. Write them
# (in the string `filters`), so that $V_s$ follows $V$ with time constant `tau_s` and
# $V_u$ with `tau_u`. The check builds a neuron from your equations and compares its
# spikes with the library's.

# %%
membrane = """
dV/dt = (-V + a_fm*tanh(V - d_fm) - a_sp*tanh(Vs - d_sp)
         + a_sm*tanh(Vs - d_sm) - a_up*tanh(Vu - d_up) + I_app)/tau_m : 1
"""
# BEGIN ANSWER
filters = """
dVs/dt = (V - Vs)/tau_s : 1
dVu/dt = (V - Vu)/tau_u : 1
"""
# END ANSWER
check("08.a", eqs=membrane + filters)

# %% [markdown]
# ## 3. Timescales, and the I-V curves that go with them
#
# Because the timescales are far apart (1 : 50 : 2500), each variable sees the faster ones
# as already settled and the slower ones as frozen. So the neuron has not one current-
# voltage (I-V) curve but three, one per timescale: the current that flows at a fixed $V$
#
# - **fast**: right away, with $V_s$ and $V_u$ frozen at $V$'s value (only the leak and
#   the fast element respond): $I_{fast}(V) = V - \alpha_f^- \tanh(V - \delta_f^-)$;
# - **slow**: once $V_s$ has caught up, add the slow elements:
#   $I_{slow}(V) = I_{fast}(V) + \alpha_s^+ \tanh(V - \delta_s^+) - \alpha_s^- \tanh(V -
#   \delta_s^-)$;
# - **ultra-slow**: at steady state: $I_{ultra}(V) = I_{slow}(V) + \alpha_u^+ \tanh(V -
#   \delta_u^+)$.
#
# The neuron is at equilibrium where $I_{ultra}(V) = I_{app}$. Where a curve's slope is
# **negative** the conductance on that timescale is negative: positive feedback. The
# curves below are drawn in blue where the slope is positive and red where it is negative
# (the dashed line is $I_{app}$, the dot the equilibrium).

# %%
from labkit.models.multiscale import equilibria, iv_curves, negative_slope_windows
from labkit.widgets import SlopeIVView

V = np.linspace(-3, 2, 501)
fig, axes = plt.subplots(2, 3, figsize=(9, 5), sharex=True, layout="constrained")
for row, a_sp in zip(axes, [1.5, 2.5]):
    fast, slow, ultra = iv_curves(V, a_sp=a_sp)
    curves = {"iv_V": V, "I_fast": fast, "I_slow": slow, "I_ultra": ultra, "I_app": -1.0,
              "V_eq": equilibria(a_sp=a_sp)}
    for ax, key, name in zip(row, ["I_fast", "I_slow", "I_ultra"],
                             ["fast", "slow", "ultra-slow"]):
        view = SlopeIVView(key, points="V_eq" if key == "I_ultra" else None,
                           title=f"{name}, a_sp = {a_sp}")
        view.plot_static(curves, ax)
plt.show()
for a_sp in [1.5, 2.5]:
    windows = negative_slope_windows(V, iv_curves(V, a_sp=a_sp)[1])
    print(f"a_sp = {a_sp}: slow curve negative on",
          [tuple(round(x, 2) for x in w) for w in windows],
          " equilibrium at", np.round(equilibria(a_sp=a_sp), 2))

# %% [markdown]
# Read the curves from fast to slow:
#
# - The **fast** curve has a negative slope around $V = 0$ (because $\alpha_f^- = 2 > 1$,
#   the leak's conductance): there the membrane is *excitable*. A voltage that enters this
#   region runs away upwards: the upstroke of a spike.
# - The **slow** curve (red between about $-2.2$ and $-0.5$ at $\alpha_s^+ = 1.5$) has a
#   negative slope *below* the spiking range: on the slow timescale the neuron is
#   **bistable**. It can rest low, or sit high where the fast dynamics make it spike.
# - The **ultra-slow** curve is monotone: there is one equilibrium. At $\alpha_s^+ = 2.5$
#   it sits at $-0.70$, where the *fast* slope is negative: the neuron cannot rest there,
#   it spikes. At 1.5 it sits at $-1.45$, where the fast slope is positive but the *slow*
#   one negative: the neuron leaves it slowly, and that is how a burst starts.
#
# A burst is the slow bistability swept back and forth by the ultra-slow positive
# conductance: while the neuron spikes, $V_u$ rises and adds outward current until the
# "spiking" branch disappears and the neuron drops to rest; at rest $V_u$ sinks until the
# "rest" branch disappears and the spiking restarts.
#
# **Your turn (08.b).** With `iv_curves` and `np.gradient`, find the interval of $V$
# (`window = (lo, hi)`) where the **slow** curve has a negative slope at
# $\alpha_s^+ = 2.5$ (the other values as in `DEFAULTS`). Compare it with the one at 1.5.

# %%
V = np.linspace(-4, 2, 6001)
# BEGIN ANSWER
slow = iv_curves(V, a_sp=2.5)[1]
negative = V[np.gradient(slow, V) < 0]
window = (negative.min(), negative.max())
# END ANSWER
check("08.b", window=window)

# %% [markdown]
# **Think!** Why does a *larger* slow positive conductance turn bursting into tonic
# spiking? Use the window you found.
#
# <!-- BEGIN ANSWER -->
# The slow positive element adds a positive slope around its offset (0), at the top of the
# slow curve's red window: the window shrinks from about $[-2.2, -0.5]$ to $[-2.1, -1.0]$.
# Its upper end falls below the voltages where the neuron spikes, so there is no longer a
# "rest" and a "spiking" state side by side on the slow timescale: nothing for the
# ultra-slow variable to switch between. The neuron just spikes, each spike ended by the
# (now stronger) slow positive feedback. Lowering $\alpha_s^+$ widens the window again, and
# the neuron bursts. (A lesson text that says "small $\alpha_s^+$ spikes, large
# $\alpha_s^+$ bursts" has it the wrong way round for this model.)
# <!-- END ANSWER -->
#
# ## 4. Naming a regime: spikes and bursts
#
# "Bursting" needs a rule a program can apply. `labkit.models.bursts` has the one the
# course uses:
#
# - a spike is an upward crossing of 0, counted again only after $V < -0.5$ (as the
#   group's threshold and `refractory` do);
# - the spike train is split into bursts at the intervals longer than the geometric mean
#   of the shortest and the longest interval (a regular train, whose intervals are all
#   alike, stays one train: tonic);
# - the first 10 s are discarded (the ultra-slow variable needs several $\tau_u$ to
#   settle), and so are the bursts cut by the ends of the window.
#
# `classify(spike_times, start=...)` returns a `Regime`: its `kind` ('rest', 'tonic',
# 'bursting' or 'plateau': single events slower than 1 s), `spikes_per_burst`, `period`.

# %%
from labkit.models.bursts import classify

start_scope()
G = multiscale_group(3, a_sp=[1.0, 1.5, 2.5])
spikes = SpikeMonitor(G)
run(25 * second)
for k in range(3):
    regime = classify(spikes.t[spikes.i == k], start=10 * second)
    print(f"a_sp = {G.a_sp[k]:g}:", regime)

# %% [markdown]
# At $\alpha_s^+ = 1.0$ the neuron makes one long depolarised event (a *plateau*) per
# 2.7 s cycle; at 1.5 it bursts, 7 spikes every 2 s; at 2.5 it fires tonically, every
# 111 ms (9 Hz).
#
# **Your turn (08.c).** Simulate one neuron with $\alpha_s^+ = 1.75$ (the other values as
# `DEFAULTS`) for 25 s, and pass the detector's `regime` (after the first 10 s) to the
# check.

# %%
start_scope()
# BEGIN ANSWER
G = multiscale_group(1, a_sp=1.75)
spikes = SpikeMonitor(G)
run(25 * second)
regime = classify(spikes.t, start=10 * second)
print(regime)
# END ANSWER
check("08.c", regime=regime)

# %% [markdown]
# ## 5. The regime map, in one run
#
# Where does the neuron burst? Each point of a grid over $\alpha_s^+$ and $I_{app}$ is one
# simulation; with one neuron per point in a single `NeuronGroup` (the parameters are
# per-neuron variables), the whole map is **one run** of one compiled loop.
# `regime_map` does exactly that (16 x 25 = 400 neurons, 25 s each, dt = 0.5 ms, which
# gives the same regimes as 0.1 ms) and classifies each neuron's spikes.

# %% tags=["nbval-ignore-output"]
import time

from labkit.lessons.lesson08 import plot_regime_map
from labkit.models.multiscale import regime_map

started = time.perf_counter()
grid = regime_map(np.arange(0.25, 4.01, 0.25), np.linspace(-3, 1, 25))
print(f"400 neurons, one run: {time.perf_counter() - started:.1f} s")

# %%
plot_regime_map(grid)
plt.show()
print("at I_app = -1:", {float(a): grid.at(a, -1.0).kind for a in grid.a_sp[3:11]})

# %% [markdown]
# Along $I_{app} = -1$ (the lesson's value) the picture is the one of section 4: plateau,
# bursts with more and more spikes, then tonic spiking from $\alpha_s^+ = 2.25$. Elsewhere
# the map is richer: at $I_{app} = -2$ the neuron is silent for small $\alpha_s^+$, bursts
# for 2.0-2.75, rests again for 3.0-3.5, and spikes only at 4.
#
# **Think!** Why does a larger applied current (moving up the map) eventually silence the
# neuron for small $\alpha_s^+$ (the grey region at the top left)?
#
# <!-- BEGIN ANSWER -->
# With a large $I_{app}$ the equilibrium ($I_{ultra}(V) = I_{app}$) moves to high
# voltages, beyond the fast curve's red window, where every conductance is positive: the
# neuron is stable there and stays depolarised (a "depolarisation block"). A larger
# $\alpha_s^+$ adds outward current at high voltages, which pulls the equilibrium back
# down into the fast curve's red window, where the neuron cannot rest: it spikes again.
# <!-- END ANSWER -->
#
# ## 6. The GUI demo
#
# Ribar and Sepulchre published a GUI for this model: sliders for every gain and offset,
# a scrolling voltage trace, the three I-V curves, a "pulse" button. The panel below is
# that demo on labkit: it runs the equations of section 2 (compiled once, chunk after
# chunk in the background, 1 s of model time per second), and
#
# - every slider changes the running neuron at once (gains 0..4, offsets -2..2,
#   $I_{app}$ -3..3, the GUI's ranges); the I-V curves follow;
# - **pulse** adds +1 to $I_{app}$ for 10 ms: try it in the pause between bursts, and on
#   the *excitable* preset, a neuron at rest ($I_{app} = -1.8$) that answers each pulse
#   with one whole burst (the slow bistability, triggered by hand);
# - the presets jump to tonic spiking, bursting, a plateau oscillation or the excitable
#   neuron;
# - **neuromodulator** (0..1) moves both slow gains together, as a neuromodulator that acts
#   on several channels would: less slow positive, more slow negative conductance. Watch
#   tonic spiking turn into bursting near 0.4;
# - the label names the regime the detector sees in the last 10 s;
# - pause, start and restart control the run; the export buttons save the data (.npz,
#   with units) and the figure.
#
# What the original GUI could not do: the model here is a Brian-style equation that you
# can change, its values carry units, and it scales to many neurons coupled by `Synapses`
# (next lesson: synapses that modulate $\alpha_s^+$).

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson08 import scope

demo = scope()
demo

# %% [markdown]
# ## Summary
#
# - The multi-scale neuron is a leaky capacitor with four voltage-controlled current
#   sources, each a local conductance: fast negative, slow positive, slow negative,
#   ultra-slow positive.
# - A negative conductance is positive feedback. Fast positive feedback + slow negative
#   feedback = a spike; slow positive feedback + ultra-slow negative feedback = a burst.
# - Each timescale has its I-V curve; red (negative-slope) windows show where the feedback
#   is positive; equilibria are where the ultra-slow curve meets $I_{app}$.
# - Lowering $\alpha_s^+$ widens the slow curve's negative-slope window and turns tonic
#   spiking into bursting (the switch is between 2.0 and 2.25 at $I_{app} = -1$).
# - Per-neuron parameters make a parameter sweep one group and one run.
#
# Exercises: [08 · The multi-scale neuron, exercises](../exercises/08_multiscale_neuron.ipynb)
# (worked answers in [solutions/](../solutions/08_multiscale_neuron.ipynb)).
# Next: [09 · Neuromodulating synapses](09_neuromodulation.ipynb).
