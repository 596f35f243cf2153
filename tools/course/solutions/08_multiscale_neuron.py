# %% [markdown]
# # 08 · The multi-scale neuron — exercises
#
# The model of the lesson, from the library: `multiscale_group(N, **params)` builds `N`
# neurons with the lesson's values (`DEFAULTS`: $I_{app} = -1$, $\alpha_f^- = 2$,
# $\alpha_s^+ = 1.5$, $\alpha_s^- = 1.5$ at $-1.5$, $\alpha_u^+ = 1.5$ at $-1.5$), each
# parameter a number or one value per neuron. `classify(spike_times, start=10*second)`
# names the regime after the transient.

# %%
import numpy as np
from labkit import *
from labkit.lessons import check, todo
from labkit.models.bursts import classify
from labkit.models.multiscale import DEFAULTS, equilibria, iv_curves, multiscale_group

# %% [markdown]
# ## Exercise 1: where does bursting stop?
#
# At $I_{app} = -1$, simulate one neuron for each $\alpha_s^+$ in `1.0, 1.25, ..., 3.0`
# (nine values, **one** group), 25 s, and classify each neuron's spikes after 10 s. Give
# the largest value that still bursts, `last_bursting`, and the smallest one that fires
# tonically, `first_tonic`.

# %%
a_values = np.arange(1.0, 3.01, 0.25)
# BEGIN ANSWER
start_scope()
G = multiscale_group(len(a_values), a_sp=a_values)
spikes = SpikeMonitor(G)
run(25 * second)
kinds = [classify(spikes.t[spikes.i == k], start=10 * second).kind
         for k in range(len(a_values))]
print({float(a): kind for a, kind in zip(a_values, kinds)})
last_bursting = max(float(a) for a, kind in zip(a_values, kinds) if kind == "bursting")
first_tonic = min(float(a) for a, kind in zip(a_values, kinds) if kind == "tonic")
# END ANSWER
check("08.1", last_bursting=last_bursting, first_tonic=first_tonic)

# %% [markdown]
# ## Exercise 2: the slow negative gain
#
# Keep $\alpha_s^+ = 2.0$ (a neuron that bursts, close to the switch). First **predict**:
# with more slow negative conductance $\alpha_s^-$, will a burst hold `"more"` or
# `"fewer"` spikes? Then check: simulate $\alpha_s^- = 1.5, 1.75, 2.0$ (one group, 25 s)
# and give the spikes per burst of each, `spikes_per_burst`.

# %%
# BEGIN ANSWER
prediction = "more"
# END ANSWER

# %%
# BEGIN ANSWER
start_scope()
a_sm_values = [1.5, 1.75, 2.0]
G = multiscale_group(3, a_sp=2.0, a_sm=a_sm_values)
spikes = SpikeMonitor(G)
run(25 * second)
spikes_per_burst = [classify(spikes.t[spikes.i == k], start=10 * second).spikes_per_burst
                    for k in range(3)]
print(spikes_per_burst)
# END ANSWER
check("08.2", spikes_per_burst=spikes_per_burst, prediction=prediction)

# %% [markdown]
# ## Exercise 3: why the tonic neuron cannot rest
#
# For the tonic neuron ($\alpha_s^+ = 2.5$, $I_{app} = -1$), find the equilibrium voltage
# `V_eq` (where $I_{ultra}(V) = I_{app}$) and decide whether the **fast** I-V curve has a
# negative slope there (`fast_slope_negative`, True or False).

# %%
# BEGIN ANSWER
V_eq = float(equilibria(a_sp=2.5)[0])
V = np.linspace(V_eq - 0.01, V_eq + 0.01, 3)
fast = iv_curves(V, a_sp=2.5)[0]
fast_slope_negative = bool(fast[2] < fast[0])
print(V_eq, fast_slope_negative)
# END ANSWER
check("08.3", V_eq=V_eq, fast_slope_negative=fast_slope_negative)

# %% [markdown]
# ## Think!
#
# In exercise 3, a negative fast slope at the equilibrium means the neuron cannot rest
# there. Does a *positive* fast slope mean it can?
#
# <!-- BEGIN ANSWER -->
# No. A positive fast slope only says the fast subsystem, with $V_s$ and $V_u$ frozen, is
# stable at that voltage. The slow and ultra-slow feedback can still destabilise the
# equilibrium: if the slow curve's slope is negative there, the slow positive feedback
# makes the neuron leave it slowly (that is how bursts start from rest). The equilibrium is
# stable only if the feedback is negative on every timescale that matters.
# <!-- END ANSWER -->
