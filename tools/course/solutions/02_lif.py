# %% [markdown]
# # 02 · The LIF neuron — exercises
#
# The model of the lesson: `tau = 10 ms`, `V_t = 0.8`, `V_r = 0`, `tau_ref = 5 ms`,
# `dv/dt = (-v + I)/tau`.

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
# ## Exercise 1: the first spike, by hand
#
# With `I = 1.5`, starting from `v = 0`, when does `v` first reach `V_t`? Compute it from the
# solution `v(t) = I (1 - exp(-t/tau))` (no simulation), as a time `t_first`.

# %%
# BEGIN ANSWER
I = 1.5
t_first = tau * np.log(I / (I - V_t))
# END ANSWER
check("02.1", t_first=t_first)

# %% [markdown]
# ## Exercise 2: the rheobase
#
# What is the smallest constant input `I_min` for which the neuron fires at all? Find it by
# reasoning, then confirm it with a simulation of a few inputs around your answer.

# %%
# BEGIN ANSWER
I_min = V_t
start_scope()
G = NeuronGroup(3, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = [0.79, 0.81, 0.9]
S = SpikeMonitor(G)
run(500 * ms)
print("spikes for I = 0.79, 0.81, 0.9:", S.count)
# END ANSWER
check("02.2", I_min=I_min)

# %% [markdown]
# ## Exercise 3: tune the refractory period
#
# With `I = 1`, choose `tau_ref` so that the neuron fires at 40 Hz. Then simulate 1 s with
# your `tau_ref` and measure the `rate` (spikes / duration).

# %%
# BEGIN ANSWER
tau_ref = 25 * ms - tau * np.log((1 - V_r) / (1 - V_t))
start_scope()
G = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = 1
S = SpikeMonitor(G)
run(1 * second)
rate = S.num_spikes / second
print(tau_ref, rate)
# END ANSWER
check("02.3", tau_ref=tau_ref, rate=rate)

# %% [markdown]
# ## Think!
#
# The refractory period caps the rate: what is the highest rate this neuron can reach,
# however strong the input? Why?
#
# <!-- BEGIN ANSWER -->
# `1/tau_ref`: with a huge input the climb from `V_r` to `V_t` takes almost no time, so the
# interval approaches `tau_ref` (5 ms -> 200 Hz). In a simulation the climb lasts at least
# one step, so the interval is at least `tau_ref + dt`.
# <!-- END ANSWER -->
