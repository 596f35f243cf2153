# %% [markdown]
# # 03 · Monitors: recording what happens
#
# *Estimated time: 40 minutes, and 20 more for [the exercises](../exercises/03_monitors.ipynb).*
# Previous: [02 · The LIF neuron](02_lif.ipynb).
#
# **Objectives.** After this lesson you can
# - record state variables with a `StateMonitor` and read `Vmon.t`, `Vmon.v[0]`;
# - record spikes with a `SpikeMonitor` and read `Smon.t`, `Smon.i`, `Smon.count`,
#   `Smon.num_spikes`;
# - record the population rate with a `PopulationRateMonitor` and smooth it;
# - plot all three;
# - give a monitor (or a group) its own time step.
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo

seed(3)

# %% [markdown]
# ## 1. A population worth recording
#
# One neuron is easy to watch; a population is not. We take 100 copies of lesson 02's LIF
# neuron,
#
# $$\tau \frac{dv_i}{dt} = -v_i + I_i, \qquad I_i = \frac{2\,i}{N - 1},$$
#
# and set the inputs with one string expression, `G.I = "2.0*i/(N-1)"`, evaluated for each
# neuron, where `i` is the neuron's index and `N` the group size. Inputs span 0 to 2, so
# some neurons never reach $V_t = 0.8$ and others fire fast.

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
#
# Sample times are multiples of `dt` computed in floating point, so test "the sample at
# 10 ms" by the nearest time, not with `==` (`0.1 * 3 != 0.3` in floating point).

# %%
print(Vmon.t[:3], "...", Vmon.t[-1])
print("Vmon.v shape:", Vmon.v.shape)
k = np.argmin(np.abs(Vmon.t - 10 * ms))
print("neuron 50 at", Vmon.t[k], ":", Vmon[50].v[k])

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
# **Your turn (03.a).** Compute the firing rate of each of the neurons 50 to 99 over the
# 200 ms run, `rates_top` (50 rates, in Hz).

# %%
# BEGIN ANSWER
rates_top = Smon.count[50:] / (200 * ms)
print(rates_top[:5], "...")
# END ANSWER
check("03.a", rates_top=rates_top)

# %% [markdown]
# **Think!** Neurons 0 to 39 never fire. Could you have predicted the first firing neuron
# from lesson 02, without running anything?
#
# <!-- BEGIN ANSWER -->
# Neuron $i$ fires when its input $2i/99$ exceeds $V_t = 0.8$, i.e. for $i > 39.6$: the
# first is neuron 40.
# <!-- END ANSWER -->
#
# ## 4. PopulationRateMonitor
#
# The population rate at each step is the number of neurons that spiked in that step,
# divided by $N$ and by $dt$:
#
# $$r(t) = \frac{n_{spikes}(t, t + dt)}{N\,dt}.$$
#
# That is very noisy (here 0 or 1/(100 × 0.1 ms) = 100 Hz, per spike), so one smooths it:
# `Rmon.smooth_rate(window="flat", width=5*ms)` averages over 5 ms.

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
# ## 5. Each object its own time step
#
# Every object runs on a **clock**; by default all share `defaultclock` (0.1 ms). A
# monitor that needs fewer samples can take its own: `StateMonitor(..., dt=1*ms)` records
# every tenth step and needs a tenth of the memory. A group can take its own `dt` too, which
# changes how it is *integrated*, not only how it is recorded: a coarse step notices
# threshold crossings later.

# %%
start_scope()
G = NeuronGroup(2, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = 1.5
coarse = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                     method="exact", dt=1 * ms)
coarse.I = 1.5
fine_mon = StateMonitor(G, "v", record=0)
sparse_mon = StateMonitor(G, "v", record=0, dt=1 * ms)
coarse_mon = StateMonitor(coarse, "v", record=0)
spikes_fine, spikes_coarse = SpikeMonitor(G), SpikeMonitor(coarse)
run(40 * ms)
print("samples:", len(fine_mon.t), "at 0.1 ms,", len(sparse_mon.t), "at 1 ms")
print("spikes of the group at 0.1 ms:", spikes_fine.t[spikes_fine.i == 0])
print("spikes of the group at 1 ms:  ", spikes_coarse.t)

plt.figure(figsize=(7, 2.5))
plt.plot(fine_mon.t / ms, fine_mon.v[0], label="group dt 0.1 ms, monitor dt 0.1 ms")
plt.plot(sparse_mon.t / ms, sparse_mon.v[0], "o", ms=3, label="same group, monitor dt 1 ms")
plt.plot(coarse_mon.t / ms, coarse_mon.v[0], "--", label="group dt 1 ms")
plt.xlabel("t [ms]")
plt.ylabel("v")
plt.legend(loc="lower right", fontsize=8)
plt.show()

# %% [markdown]
# The 1 ms monitor's points lie on the 0.1 ms trace: same neuron, sampled less often.
# The group integrated at 1 ms is a different simulation: exact integration keeps its
# samples on the curve, but it checks the threshold only once per millisecond and records
# a spike at the start of the step in which `v` crossed. Its spikes fall on the 1 ms grid
# and its interspike interval changes (12 ms instead of 12.6 ms): the errors add up over
# the run.
#
# **Think!** You simulate 10 000 neurons for 10 s and want to plot the membrane potential of
# a few of them. Which `dt` would you give the group, and which the monitor?
#
# <!-- BEGIN ANSWER -->
# The group keeps the step its dynamics need (0.1 ms for a LIF, less for HH), because that
# decides the spikes. The monitor records only the neurons you plot (`record=[...]`), at a
# `dt` fine enough for the plot's resolution (say 1 ms for a 10 s plot): memory grows with
# neurons x samples.
# <!-- END ANSWER -->
#
# ## Summary
#
# | monitor | records | read |
# |---|---|---|
# | `StateMonitor(G, "v", record=...)` | variables at every step | `M.t`, `M.v[k]` (k-th recorded), `M[i].v` |
# | `SpikeMonitor(G)` | spike events | `S.t`, `S.i`, `S.count`, `S.num_spikes`, `S.spike_trains()` |
# | `PopulationRateMonitor(G)` | fraction spiking per step / dt | `R.t`, `R.rate`, `R.smooth_rate(...)` |
#
# A monitor (or a group) takes its own `dt=`; a group's `dt` changes its dynamics, a
# monitor's only the sampling.
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
# Exercises: [03 · Monitors, exercises](../exercises/03_monitors.ipynb) (worked answers in
# [solutions/](../solutions/03_monitors.ipynb)). Next: [04 · Synapses](04_synapses.ipynb).
