# %% [markdown]
# # 03 · Monitors: recording what happens
#
# **Objectives.** After this lesson you can
# - record state variables with a `StateMonitor` and read `Vmon.t`, `Vmon.v[0]`;
# - record spikes with a `SpikeMonitor` and read `Smon.t`, `Smon.i`, `Smon.count`,
#   `Smon.num_spikes`;
# - record the population rate with a `PopulationRateMonitor` and smooth it;
# - plot all three.
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *

seed(3)

# %% [markdown]
# ## 1. A population worth recording
#
# One neuron is easy to watch; a population is not. We take 100 copies of lesson 02's LIF
# neuron and give neuron `i` the input `I = 2 i / (N - 1)` — a string expression evaluated
# for each neuron, where `i` is the neuron's index and `N` the group size. Inputs span 0 to
# 2, so some neurons never reach `V_t = 0.8` and others fire fast.

# %%
start_scope()
tau, V_t, V_r, tau_ref = 10 * ms, 0.8, 0, 5 * ms
eqs = """
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
"""
G = NeuronGroup(100, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = "2.0*i/(N-1)"

Vmon = StateMonitor(G, "v", record=[10, 50, 90])
Smon = SpikeMonitor(G)
Rmon = PopulationRateMonitor(G)
run(200 * ms)

# %% [markdown]
# ## 2. StateMonitor
#
# `StateMonitor(G, "v", record=[10, 50, 90])` records `v` of three neurons at every step.
# `record=True` records all of them, which costs memory: 100 neurons x 2000 steps is
# small, a million neurons for a second is not.
#
# - `Vmon.t`: the sample times (one per step), a Quantity;
# - `Vmon.v`: a 2-D array, one row per *recorded* neuron, in the order given to `record`;
#   `Vmon.v[0]` is neuron 10's trace, not neuron 0's;
# - `Vmon[50].v`: indexing the monitor by a neuron's index in the group.

# %%
print(Vmon.t[:3], "...", Vmon.t[-1])
print("Vmon.v shape:", Vmon.v.shape)
print("neuron 50 at 10 ms:", Vmon[50].v[Vmon.t == 10 * ms])

# %%
plt.figure(figsize=(7, 2.5))
for row, index in enumerate([10, 50, 90]):
    plt.plot(Vmon.t / ms, Vmon.v[row], label=f"neuron {index}")
plt.xlabel("t [ms]")
plt.ylabel("v")
plt.legend(loc="upper right")
plt.show()

# %% [markdown]
# ## 3. SpikeMonitor
#
# A spike monitor stores *events*: for each spike, when (`Smon.t`) and which neuron
# (`Smon.i`). Both arrays have one entry per spike, in time order. From them:
#
# - `Smon.num_spikes`: the total;
# - `Smon.count`: spikes per neuron (an array of length `N`);
# - `Smon.spike_trains()`: a dict neuron -> its spike times.

# %%
print("total spikes:", Smon.num_spikes)
print("first five spikes:", Smon.i[:5], Smon.t[:5])
print("count of neurons 38..42:", Smon.count[38:43])
print("neuron 90's spike times:", Smon.spike_trains()[90][:4], "...")

# %% [markdown]
# A **raster plot** draws a dot per spike at (time, neuron). Rates growing with the input
# show as denser rows at the top:

# %%
plt.figure(figsize=(7, 3))
plt.plot(Smon.t / ms, Smon.i, "|k", markersize=3)
plt.xlabel("t [ms]")
plt.ylabel("neuron index")
plt.show()

# %% [markdown]
# **Think!** Neurons 0 to 39 never fire. Could you have predicted the first firing neuron
# from lesson 02, without running anything?
#
# (Neuron `i` fires when its input `2i/99` exceeds `V_t = 0.8`, i.e. for `i > 39.6`: the
# first is neuron 40.)
#
# ## 4. PopulationRateMonitor
#
# The population rate at each step is the number of neurons that spiked in that step,
# divided by `N` and by `dt`. That is very noisy (here 0 or 1/(100 x 0.1 ms) = 100 Hz, per
# spike), so one smooths it: `Rmon.smooth_rate(window="flat", width=5*ms)` averages over
# 5 ms.

# %%
plt.figure(figsize=(7, 2.5))
plt.plot(Rmon.t / ms, Rmon.rate / Hz, color="lightgray", label="raw")
plt.plot(Rmon.t / ms, Rmon.smooth_rate(window="flat", width=5 * ms) / Hz, label="5 ms flat")
plt.xlabel("t [ms]")
plt.ylabel("rate [Hz]")
plt.legend()
plt.show()
print("mean rate:", np.mean(Rmon.rate), "  = spikes/(N*T):", Smon.num_spikes / (100 * 200 * ms))

# %% [markdown]
# The early peaks are the neurons firing their first spike together (all started at
# `v = 0`); afterwards the different rates drift out of phase and the rate flattens.
#
# ## Summary
#
# | monitor | records | read |
# |---|---|---|
# | `StateMonitor(G, "v", record=...)` | variables at every step | `M.t`, `M.v[k]` (k-th recorded), `M[i].v` |
# | `SpikeMonitor(G)` | spike events | `S.t`, `S.i`, `S.count`, `S.num_spikes`, `S.spike_trains()` |
# | `PopulationRateMonitor(G)` | fraction spiking per step / dt | `R.t`, `R.rate`, `R.smooth_rate(...)` |
#
# ## Interactive demo
#
# The same population with **noise** (`sigma`, more in lesson 06). With `sigma = 0`, the
# neurons below input 0.8 are silent; with noise some of them fire now and then. Watch the
# rate's initial peaks: what does noise do to the synchrony?

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson03 import panel

panel()

# %% [markdown]
# Exercises: `exercises/03_monitors.ipynb`. Next: [04 · Synapses](04_synapses.ipynb).
