# %% [markdown]
# # 07 · Network operations and TimedArray — exercises

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
# ## Exercise 1: a periodic reset
#
# One neuron of the course model with `I = 0.9`, recorded at every step. Add a network
# operation that sets `v` back to 0 every 20 ms, run 100 ms, and pass the recorded trace
# `v` (neuron 0's, `Vmon.v[0]`) and the number of spikes `num_spikes` to the checker.
# Before running: will it ever spike?

# %%
start_scope()
G = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = 0.9
Vmon = StateMonitor(G, "v", record=0)
Smon = SpikeMonitor(G)
# BEGIN ANSWER


@network_operation(dt=20 * ms)
def reset_voltage():
    G.v = 0


run(100 * ms)
v = Vmon.v[0]
num_spikes = Smon.num_spikes
# END ANSWER
check("07.1", v=v, num_spikes=num_spikes)

# %% [markdown]
# ## Exercise 2: the same idea with a TimedArray
#
# Build a TimedArray `stim` with `dt = 1 ms` and 100 values: 1.5 from 20 ms to 60 ms, 0
# elsewhere. Drive one neuron with it (`dv/dt = (-v + I_ext(t))/tau`, method `euler`) for
# 100 ms and count its spikes, `num_spikes`.

# %%
start_scope()
# BEGIN ANSWER
values = np.zeros(100)
values[20:60] = 1.5
stim = TimedArray(values, dt=1 * ms)
G = NeuronGroup(1, "dv/dt = (-v + stim(t))/tau : 1 (unless refractory)",
                threshold="v > V_t", reset="v = V_r", refractory=tau_ref, method="euler")
Smon = SpikeMonitor(G)
run(100 * ms)
num_spikes = Smon.num_spikes
print(num_spikes)
# END ANSWER
check("07.2", stim=stim, num_spikes=num_spikes)

# %% [markdown]
# ## Exercise 3: a precise neuron, a sparse record
#
# Simulate one neuron of the course model with `I = 1.2`, integrated at `dt = 0.1 ms`, in
# an explicit `Network` for 100 ms, and record its `v` with a StateMonitor `Vmon` that
# samples only every 1 ms (its own clock). Pass the monitor to the checker.

# %%
start_scope()
# BEGIN ANSWER
G = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = 1.2
Vmon = StateMonitor(G, "v", record=0, clock=Clock(dt=1 * ms))
net = Network(G, Vmon)
net.run(100 * ms)
print(len(Vmon.t), "samples")
# END ANSWER
check("07.3", Vmon=Vmon)

# %% [markdown]
# ## Think!
#
# Exercise 1's reset could not be written as a TimedArray. Why not, and what else could
# replace the network operation there?
#
# <!-- BEGIN ANSWER -->
# A TimedArray gives a value to *use* in an equation; it cannot *assign* a state variable.
# The reset sets `v` itself, which only a threshold/reset, a network operation or (in
# Brian2) `G.run_regularly("v = 0", dt=20*ms)` can do; `run_regularly` would stay inside
# the compiled loop.
# <!-- END ANSWER -->
