# %% [markdown]
# # 05 · The Hodgkin-Huxley model
#
# *Estimated time: 50 minutes, and 25 more for
# [the exercises](../exercises/05_hodgkin_huxley.ipynb).* Previous:
# [04 · Synapses](04_synapses.ipynb).
#
# **Objectives.** After this lesson you can
# - explain how sodium and potassium channels produce an action potential;
# - read the Traub-Miles equations (Brian2's COBAHH cell) and simulate them;
# - drive the cell with a step-current protocol and read its response;
# - show what tetrodotoxin, a sodium-channel blocker, does to the spikes.
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo

# %% [markdown]
# ## 1. From leaky integration to channels
#
# The LIF neuron of lesson 02 fakes the spike: a threshold and a reset. Hodgkin and Huxley
# (1952) explained it instead. The membrane holds ion channels whose conductance depends on
# the voltage:
#
# - **sodium** channels open fast when the membrane depolarises (activation $m$) and close
#   more slowly (inactivation $h$); sodium flows *in*, towards $E_{Na}$ = +50 mV, and
#   pushes the potential up — a positive feedback that makes the upstroke;
# - **potassium** channels (activation $n$) open more slowly and pull the potential down
#   towards $E_K$ = -90 mV: the downstroke and the after-hyperpolarisation;
# - a **leak** conductance holds the cell near rest, as in the LIF.
#
# Electrically, each kind of channel is a conductance in series with its own battery (its
# reversal potential), all in parallel with the membrane's capacitance: the RC circuit of
# lesson 02 with two more branches whose conductances change with $v$ and time.

# %%
from labkit.course.diagrams import hh_circuit

hh_circuit()

# %% [markdown]
# Kirchhoff's law for this circuit is the voltage equation,
#
# $$C_m \frac{dv}{dt} = g_L (E_L - v) - g_{Na}\, m^3 h\, (v - E_{Na})
#   - g_K\, n^4 (v - E_K) + I,$$
#
# and each gate $x \in \{m, h, n\}$ relaxes towards a voltage-dependent value with rates
# $\alpha_x(v)$ (opening) and $\beta_x(v)$ (closing):
#
# $$\frac{dx}{dt} = \alpha_x(v)\,(1 - x) - \beta_x(v)\, x .$$
#
# Four coupled nonlinear equations instead of one linear one, with sodium activation faster
# than a millisecond: that is why HH is heavier than LIF. No exact solution per step exists
# (`method="exact"` is out); `exponential_euler` treats each gate as linear in itself over a
# step, which is stable at `dt = 0.1 ms`.
#
# ## 2. The Traub-Miles equations
#
# This is the cortical cell of Brian2's COBAHH benchmark (area 20 000 um², `VT = -63 mV`
# shifts all rate functions). `exprel(x) = (exp(x) - 1)/x` writes the quotients that
# read 0/0 at one voltage in a form that stays finite.

# %%
start_scope()
area = 20000 * umetre**2
Cm = 1 * ufarad * cm**-2 * area
gl = 5e-5 * siemens * cm**-2 * area
El = -65 * mV
EK = -90 * mV
ENa = 50 * mV
g_na = 100 * msiemens * cm**-2 * area
g_kd = 30 * msiemens * cm**-2 * area
VT = -63 * mV

eqs_HH = """
dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5.*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
I : amp
"""
print("Cm =", Cm, " gl =", gl, " g_na =", g_na, " g_kd =", g_kd)

# %% [markdown]
# There is no reset. A spike is counted when `v` crosses -40 mV, and `refractory` uses the
# same condition, so that one action potential, which stays above -40 mV for a while,
# counts once.
#
# ## 3. A semi-random step protocol
#
# Experimenters probe a cell with current steps. Brian2's tutorial gives five steps of
# random amplitude with a loop of `run` calls (`group.I = rand()*50*nA; run(10*ms)`); each
# `run` continues where the previous one stopped. We take 20 ms steps up to 2 nA, drawn
# from a seeded numpy generator so the notebook gives the same steps every time, and lay
# the figure out with a `GridSpec`: the membrane potential tall, the input and the gates
# below it on the same time axis.

# %%
group = NeuronGroup(1, eqs_HH, threshold="v > -40*mV", refractory="v > -40*mV",
                    method="exponential_euler")
group.v = El
statemon = StateMonitor(group, ["v", "I", "m", "h", "n"], record=True)
spikemon = SpikeMonitor(group)

rng = np.random.default_rng(4)
amplitudes = []
for step in range(5):
    group.I = rng.random() * 2 * nA
    amplitudes.append(round(float(group.I[0] / nA), 2))
    run(20 * ms)
print("step amplitudes [nA]:", amplitudes)
print("spikes:", spikemon.num_spikes)

# %%
from matplotlib.gridspec import GridSpec

fig = plt.figure(figsize=(7, 5), layout="constrained")
grid = GridSpec(4, 1, figure=fig)
ax_v = fig.add_subplot(grid[:2])
ax_I = fig.add_subplot(grid[2], sharex=ax_v)
ax_gates = fig.add_subplot(grid[3], sharex=ax_v)
ax_v.plot(statemon.t / ms, statemon.v[0] / mV, label="v")
ax_v.axhline(-40, ls=":", c="gray", label="spike count line")
ax_v.set_ylabel("v [mV]")
ax_v.legend(loc="upper right", fontsize=8)
ax_I.plot(statemon.t / ms, statemon.I[0] / nA, c="C1")
ax_I.set_ylabel("I [nA]")
for name in ["m", "h", "n"]:
    ax_gates.plot(statemon.t / ms, getattr(statemon, name)[0], label=name)
ax_gates.set_xlabel("t [ms]")
ax_gates.set_ylabel("gate")
ax_gates.legend(loc="upper right", fontsize=8, ncol=3)
plt.show()

# %% [markdown]
# Read the gates during a spike: `m` jumps up first (sodium opens), then `h` falls
# (sodium inactivates) and `n` rises (potassium opens), which brings `v` back down. A
# stronger step gives more frequent spikes, and every spike has about the same height:
# the action potential is *all-or-none*.
#
# **Think!** The gates start at 0 (Brian2's example does not initialise them). What does
# `h = 0` mean for the sodium current at the very start, and why does the cell still spike
# within the first milliseconds?
#
# <!-- BEGIN ANSWER -->
# $h = 0$ means every sodium channel is inactivated: no sodium current. But $h$ recovers
# towards its resting value, near 1, with a time constant of a few ms at rest, so after
# that the cell is excitable.
# <!-- END ANSWER -->
#
# **Your turn (05.a).** How close to 1 is that resting value? At a fixed $v$ a gate
# settles where $dh/dt = 0$, at $h_\infty = \alpha_h / (\alpha_h + \beta_h)$. From the
# equations above, with $u = (v - V_T)/\mathrm{mV}$,
# $\alpha_h = 0.128\, e^{(17 - u)/18}$ and $\beta_h = 4 / (1 + e^{(40 - u)/5})$ (per ms).
# Compute `h_rest`, the value of $h_\infty$ at rest ($v$ = `El`).

# %%
# BEGIN ANSWER
u = (El - VT) / mV
alpha_h = 0.128 * np.exp((17 - u) / 18)
beta_h = 4 / (1 + np.exp((40 - u) / 5))
h_rest = alpha_h / (alpha_h + beta_h)
print(h_rest)
# END ANSWER
check("05.a", h_rest=h_rest)

# %% [markdown]
# ## 4. Tetrodotoxin lowers g_Na
#
# Tetrodotoxin (TTX, the pufferfish poison) blocks sodium channels: fewer working channels
# means a smaller maximal conductance `g_na`. The same protocol, as one run: `labkit.models.hh`
# gives the steps as a `TimedArray` (lesson 07) and takes the conductances by name, so one
# function call runs the protocol with any `g_na`:

# %%
from labkit.models.hh import G_NA, simulate_step_protocol

for fraction in [1, 0.1, 0.05, 0.025]:
    state, spikes = simulate_step_protocol(2 * nA, g_na=fraction * G_NA)
    print(f"g_na = {fraction:5} x normal: {spikes.num_spikes:2d} spikes, "
          f"peak v = {np.max(state.v[0]) / mV:6.1f} mV")

# %% [markdown]
# With a tenth of the sodium channels the cell still fires, but the spikes are smaller
# (the upstroke fights the same potassium current with less sodium). At 5 % what is left
# are small bumps that barely cross the -40 mV counting line; at 2.5 % the sodium current
# can no longer outrun potassium and leak, and the potential follows the current steps
# passively (the one "spike" counted is the strongest step pushing `v` just past -40 mV:
# a reminder that a threshold crossing is only a proxy for an action potential).
#
# ## Summary
#
# - HH: leak + sodium ($m^3 h$) + potassium ($n^4$) currents, each a conductance with its
#   battery; the gates relax with voltage-dependent rates towards $x_\infty(v)$.
# - The action potential is the dynamics, not a reset; spikes are counted by a crossing.
# - `exponential_euler` at `dt = 0.1 ms`; four equations per neuron: heavier than LIF.
# - Blocking sodium (TTX, lower `g_na`) shrinks and then abolishes the spikes.
#
# ## Interactive demo
#
# Change the maximal conductances and the step amplitude. Try the presets: *tetrodotoxin*
# (g_na / 10), *no potassium current*. What happens to the spike shape without potassium?
# What does a large leak `gl` do to the response to the weak steps?

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson05 import panel

panel()

# %% [markdown]
# Exercises: [05 · Hodgkin-Huxley, exercises](../exercises/05_hodgkin_huxley.ipynb) (worked
# answers in [solutions/](../solutions/05_hodgkin_huxley.ipynb)). Next:
# [06 · I-F curves and noise](06_if_curves_noise.ipynb).
