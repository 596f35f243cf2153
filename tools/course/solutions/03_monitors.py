# %% [markdown]
# # 03 · Monitors — exercises

# %%
import numpy as np
from labkit import *
from labkit.lessons import check, todo

tau, V_t, V_r, tau_ref = 10 * ms, 0.8, 0, 5 * ms
eqs = """
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
"""

# %% [markdown]
# ## Exercise 1: counting spikes and intervals
#
# Run the course's script (one neuron, `I = 1`, `v = 0` at the start, 70 ms, `dt = 0.1 ms`)
# with a SpikeMonitor. Read the number of spikes, `num_spikes`, and compute the interspike
# intervals `isi` (a Quantity array of times).

# %%
start_scope()
G = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = 1
# BEGIN ANSWER
Smon = SpikeMonitor(G)
run(70 * ms)
num_spikes = Smon.num_spikes
isi = np.diff(Smon.t)
# END ANSWER
check("03.1", num_spikes=num_spikes, isi=isi)

# %% [markdown]
# ## Exercise 2: spikes per neuron
#
# Ten neurons, neuron `i` with input `I = 0.3 i` (i = 0..9), 200 ms from `v = 0`. Get the
# number of spikes of each neuron, `count`, and the index of the first (lowest-index)
# neuron that fires at all, `first_firing`.

# %%
start_scope()
# BEGIN ANSWER
G = NeuronGroup(10, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = "0.3*i"
Smon = SpikeMonitor(G)
run(200 * ms)
count = Smon.count
first_firing = np.flatnonzero(count)[0]
print(count)
# END ANSWER
check("03.2", count=count, first_firing=first_firing)

# %% [markdown]
# ## Exercise 3: reading a trace
#
# Record `v` of one neuron with `I = 1.2` (from `v = 0`) at every step for 40 ms with a
# StateMonitor `Vmon`, and read its value at `t = 22 ms` into `v_22` (a number). Pass the
# monitor too: the checker looks at what it recorded. Why does the formula
# `I (1 - exp(-t/tau))` not give `v_22`?
#
# Sample times are multiples of `dt` computed in floating point, so `Vmon.t == 22*ms` may
# find no sample: take the nearest one, `np.argmin(np.abs(Vmon.t - 22*ms))`.

# %%
start_scope()
G = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = 1.2
# BEGIN ANSWER
Vmon = StateMonitor(G, "v", record=True)
Smon = SpikeMonitor(G)
run(40 * ms)
v_22 = Vmon.v[0][np.argmin(np.abs(Vmon.t - 22 * ms))]
print("v at 22 ms:", v_22, "; spikes at", Smon.t, "(the formula holds until the first)")
# END ANSWER
check("03.3", Vmon=Vmon, v_22=v_22)

# %% [markdown]
# ## Think!
#
# A StateMonitor with `record=True` on 10 000 neurons for 10 s at `dt = 0.1 ms` — how much
# memory does it need, and what would you record instead?
#
# <!-- BEGIN ANSWER -->
# 10 000 neurons x 100 000 steps x 8 bytes = 8 GB per variable. Record a few neurons
# (`record=[0, 10, 100]`), a coarser sampling (`dt=1*ms` on the monitor), or only spikes
# and the population rate, which cost memory per event rather than per step.
# <!-- END ANSWER -->
