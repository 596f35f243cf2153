# %% [markdown]
# # 02 · The leaky integrate-and-fire neuron
#
# *Estimated time: 45 minutes, and 20 more for [the exercises](../exercises/02_lif.ipynb).*
# Previous: [01 · Units](01_units.ipynb).
#
# **Objectives.** After this lesson you can
# - explain the three ingredients of a LIF neuron: leaky integration, a threshold and a
#   reset, plus a refractory period;
# - write and run the course's minimal LIF script, and say what each line does;
# - set the time step with `defaultclock.dt`, and start clean with `start_scope()`;
# - predict when the neuron fires from its equation;
# - keep a model's equations in an `Equations` object, and drive a neuron with a step
#   protocol.
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
# ## 1. The model
#
# A neuron's membrane leaks: left alone, its potential decays back to rest. Input current
# charges it up. Between spikes a LIF neuron is just an RC circuit (lesson 01): the lipid
# membrane is the capacitor $C$, the ion channels open at rest are the resistor $R$, and the
# resting potential $E_L$ is the battery that the leak current flows towards.

# %%
from labkit.course.diagrams import rc_membrane

rc_membrane()

# %% [markdown]
# Measured from rest ($v \to v - E_L$) and with the input written as the potential it
# would hold the membrane at ($R I \to I$), the circuit's equation becomes
#
# $$\tau \frac{dv}{dt} = -v + I , \qquad \tau = R C,$$
#
# in *normalised* units: `v` and `I` are both dimensionless (`: 1`). With constant $I$ the
# solution relaxes exponentially towards $I$ with time constant $\tau$.
#
# The spike itself is not modelled: when $v$ crosses a **threshold** $V_t$, the neuron
# records a spike and $v$ is **reset** to $V_r$. For a **refractory period** $\tau_{ref}$
# afterwards, the neuron ignores its input (`(unless refractory)` holds `v` still).
#
# ## 2. The course's minimal LIF script
#
# Read it line by line; the comments after the cell explain each step.

# %%
start_scope()
defaultclock.dt = 0.1 * ms

tau = 10 * ms
V_t = 0.8
V_r = 0
tau_ref = 5 * ms

eqs = """
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
"""
G = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.v = V_r
G.I = 1

Vmon = StateMonitor(G, "v", record=True)
Smon = SpikeMonitor(G)
run(70 * ms)
print("spike times:", Smon.t)

# %% [markdown]
# - `start_scope()` forgets the objects of earlier cells: `run()` collects every group and
#   monitor created since (the **magic network**), so without it a re-run cell would
#   simulate two copies.
# - `defaultclock.dt = 0.1*ms` sets the time step of everything built afterwards.
# - `tau`, `V_t`, `V_r` are plain Python names; the equations and the threshold/reset
#   strings refer to them, and `run()` looks them up at that moment.
# - `NeuronGroup(1, eqs, ...)`: one neuron; `method="exact"` because a linear equation can
#   be solved exactly over a step.
# - `I : 1` declares a *parameter*: a per-neuron value without an equation, set by `G.I = 1`.
# - the monitors record `v` at every step and the spike times (lesson 03 is about them).

# %%
plt.figure(figsize=(7, 2.5))
plt.plot(Vmon.t / ms, Vmon.v[0])
plt.axhline(V_t, ls="--", color="gray")
plt.xlabel("t [ms]")
plt.ylabel("v")
plt.show()

# %% [markdown]
# ## 3. When does it fire?
#
# From $v = 0$ the solution is $v(t) = I\,(1 - e^{-t/\tau})$. Setting it equal to $V_t$
# gives the first spike time
#
# $$t_1 = \tau \ln\frac{I}{I - V_t}:$$

# %%
t_1 = tau * np.log(1 / (1 - V_t))
print("predicted:", t_1, "  simulated:", Smon.t[0])

# %% [markdown]
# The simulation checks the threshold once per step, after updating `v`: a crossing during
# the step that starts at `t` is recorded at `t`. So simulated spike times are multiples of
# `dt`, at most one step *early* (16.0 instead of 16.09 ms). After each spike the neuron
# waits $\tau_{ref}$, then climbs again from $V_r$, so the interval is
# $\tau_{ref} + t_1$ = 21.1 ms. The rate is the inverse of that interval, which
# `labkit.models.lif.lif_rate` computes:

# %%
from labkit.models.lif import lif_rate

print("rate for I = 1:", lif_rate(1.0), "  for I = 0.5:", lif_rate(0.5))

# %% [markdown]
# **Your turn (02.a).** What is the interval `isi` between two spikes for `I = 1.5`?
# Compute it from the formulas above (a time, with units), not from a simulation.

# %%
I = 1.5
# BEGIN ANSWER
isi = tau_ref + tau * np.log(I / (I - V_t))
# END ANSWER
check("02.a", isi=isi)

# %% [markdown]
# **Think!** For `I = 0.5` the formula says 0 Hz. Why? What is the smallest `I` for which
# the neuron fires?
#
# <!-- BEGIN ANSWER -->
# Without a threshold $v$ would settle at $I$; if $I \le V_t$ it never reaches the
# threshold. The boundary, here $I = V_t = 0.8$, is the *rheobase*.
# <!-- END ANSWER -->
#
# ## 4. The time step
#
# `dt` trades accuracy for speed. For this linear model `method="exact"` integrates each
# step without error; what `dt` limits is *when* a crossing is noticed. Compare spike times
# at two steps (a fresh scope each time, because `defaultclock.dt` applies to objects built
# afterwards):

# %%
for step in [1 * ms, 0.1 * ms, 0.01 * ms]:
    start_scope()
    defaultclock.dt = step
    G = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                    method="exact")
    G.I = 1
    Smon = SpikeMonitor(G)
    run(70 * ms)
    print(f"dt = {step}: spikes at {Smon.t}")
defaultclock.dt = 0.1 * ms

# %% [markdown]
# **Think!** With `dt = 1 ms` the spike times are the same as with `0.1 ms`, while `0.01 ms`
# moves them. Why are the grid errors not adding up from one spike to the next?
#
# <!-- BEGIN ANSWER -->
# Each climb starts on a grid point, at the end of the refractory period, and takes
# 16.09 ms; the crossing falls in the step starting 16 ms later whether steps are 1 or
# 0.1 ms long. Only a step shorter than the 0.09 ms remainder sees the difference.
# <!-- END ANSWER -->
#
# ## 5. Equations as objects
#
# So far the model was a string. `Equations(...)` turns it into an object that is parsed
# and checked once: it prints in a standard form, knows its variables, and combines with
# `+`, so a model can be built from parts. Keyword arguments bind a name to a value
# (`tau=10*ms` below), so the group no longer needs `tau` from the surrounding code.

# %%
membrane = Equations("dv/dt = (-v + I)/tau : 1 (unless refractory)", tau=10 * ms)
lif_eqs = membrane + Equations("I : 1")
print(lif_eqs)
print("variables:", lif_eqs.names)

# %% [markdown]
# A `NeuronGroup` accepts an `Equations` object wherever it accepts a string. The next
# section uses `lif_eqs`.
#
# ## 6. A semi-random step protocol
#
# Experimenters probe a neuron with current steps. Brian2's tutorials set a new random
# input before each of several short `run` calls; each `run` continues where the previous
# one stopped, so the monitors record one continuous experiment. The amplitudes come from a
# seeded generator, so the notebook gives the same steps every time. A `GridSpec` lays out
# the figure: a tall panel for the membrane, a short one for the input below it.

# %%
from matplotlib.gridspec import GridSpec

start_scope()
G = NeuronGroup(1, lif_eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
Vmon = StateMonitor(G, ["v", "I"], record=0)
Smon = SpikeMonitor(G)
rng = np.random.default_rng(2)
amplitudes = []
for step in range(5):
    G.I = round(rng.uniform(0.5, 2.0), 2)
    amplitudes.append(float(G.I[0]))
    run(20 * ms)
print("amplitudes:", amplitudes)

fig = plt.figure(figsize=(7, 3.6), layout="constrained")
grid = GridSpec(3, 1, figure=fig)
ax_v = fig.add_subplot(grid[:2])
ax_I = fig.add_subplot(grid[2], sharex=ax_v)
ax_v.plot(Vmon.t / ms, Vmon.v[0], label="v")
ax_v.axhline(V_t, ls="--", color="gray", label="threshold $V_t$")
ax_v.set_ylabel("v")
ax_v.legend(loc="lower left", bbox_to_anchor=(0, 1), ncol=2, frameon=False)
ax_I.plot(Vmon.t / ms, Vmon.I[0], color="C1")
ax_I.set(xlabel="t [ms]", ylabel="I")
plt.show()

# %% [markdown]
# Below the threshold (an amplitude under 0.8) the neuron only charges; above it, the
# rate grows with the input, as section 3 predicts.
#
# **Your turn (02.b).** Count the spikes in each of the five 20 ms steps into an array
# `per_step` (five numbers). `np.histogram(values, bins=edges)` counts values between
# successive edges.

# %%
# BEGIN ANSWER
per_step = np.histogram(Smon.t / ms, bins=[0, 20, 40, 60, 80, 100])[0]
# END ANSWER
check("02.b", amplitudes=amplitudes, per_step=per_step)

# %% [markdown]
# ## Summary
#
# - LIF = leaky integration $\tau\,dv/dt = -v + I$ + threshold + reset + refractoriness;
#   between spikes it is the RC circuit of a passive membrane.
# - `start_scope()`, then build groups and monitors, then `run(duration)`; successive
#   `run` calls continue one simulation (a step protocol).
# - With constant input the neuron fires every
#   $\tau_{ref} + \tau \ln\frac{I - V_r}{I - V_t}$, if $I > V_t$.
# - Spikes are recorded on the time grid: at the start of the step in which `v` crossed.
# - `Equations(...)` holds a model as an object: printed, combined with `+`, values bound.
#
# ## Interactive demo
#
# The panel runs the same script (100 ms). Things to try: raise `tau_ref` until the rate
# halves; move `V_t` above `I`; set `V_r` close to `V_t` (the neuron fires as soon as its
# refractory period ends).

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson02 import panel

panel()

# %% [markdown]
# Exercises: [02 · The LIF neuron, exercises](../exercises/02_lif.ipynb) (worked answers in
# [solutions/](../solutions/02_lif.ipynb)). Next: [03 · Monitors](03_monitors.ipynb).
