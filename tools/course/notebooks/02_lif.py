# %% [markdown]
# # 02 · The leaky integrate-and-fire neuron
#
# **Objectives.** After this lesson you can
# - explain the three ingredients of a LIF neuron: leaky integration, a threshold and a
#   reset, plus a refractory period;
# - write and run the course's minimal LIF script, and say what each line does;
# - set the time step with `defaultclock.dt`, and start clean with `start_scope()`;
# - predict when the neuron fires from its equation.
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *

# %% [markdown]
# ## 1. The model
#
# A neuron's membrane leaks: left alone, its potential decays back to rest. Input current
# charges it up. Between spikes a LIF neuron is just this RC circuit,
#
# $$\tau \frac{dv}{dt} = -v + I ,$$
#
# written here in *normalised* units: `v` is the distance from rest, and the input `I` is
# expressed as the potential it would hold the membrane at (so both are dimensionless,
# `: 1`). With constant `I` the solution relaxes exponentially towards `I`, with time
# constant `tau`.
#
# The spike itself is not modelled: when `v` crosses a **threshold** `V_t`, the neuron
# records a spike and `v` is **reset** to `V_r`. For a **refractory period** `tau_ref`
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
# From `v = 0`, the solution is `v(t) = I (1 - exp(-t/tau))`. Setting it equal to `V_t` gives
# the first spike time `t_1 = tau ln(I/(I - V_t))`:

# %%
t_1 = tau * np.log(1 / (1 - V_t))
print("predicted:", t_1, "  simulated:", Smon.t[0])

# %% [markdown]
# The simulation checks the threshold once per step, after updating `v`: a crossing during
# the step that starts at `t` is recorded at `t`. So simulated spike times are multiples of
# `dt`, at most one step *early* (16.0 instead of 16.09 ms). After each spike the neuron
# waits `tau_ref`, then climbs again from `V_r`, so the interval is `tau_ref + t_1` = 21.1 ms.
# The rate is the inverse of that interval, which `labkit.models.lif.lif_rate`
# computes:

# %%
from labkit.models.lif import lif_rate

print("rate for I = 1:", lif_rate(1.0), "  for I = 0.5:", lif_rate(0.5))

# %% [markdown]
# **Think!** For `I = 0.5` the formula says 0 Hz. Why? What is the smallest `I` for which
# the neuron fires?
#
# (Without a threshold `v` would settle at `I`; if `I <= V_t` it never reaches the
# threshold. The boundary, here `I = V_t = 0.8`, is the *rheobase*.)
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
# (Each climb starts on a grid point, at the end of the refractory period, and takes
# 16.09 ms; the crossing falls in the step starting 16 ms later whether steps are 1 or
# 0.1 ms long. Only a step shorter than the 0.09 ms remainder sees the difference.)
#
# ## Summary
#
# - LIF = leaky integration `tau dv/dt = -v + I` + threshold + reset + refractoriness.
# - `start_scope()`, then build groups and monitors, then `run(duration)`.
# - With constant input the neuron fires every `tau_ref + tau ln((I - V_r)/(I - V_t))`,
#   if `I > V_t`.
# - Spikes are recorded on the time grid: at the start of the step in which `v` crossed.
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
# Exercises: `exercises/02_lif.ipynb`. Next: [03 · Monitors](03_monitors.ipynb).
