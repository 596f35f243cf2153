# %% [markdown]
# # 04 · Synapses — exercises

# %%
import numpy as np
from labkit import *
from labkit.lessons import check, todo

seed(4)
V_t, V_r, tau_ref = 0.8, 0, 5 * ms
eqs = """
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
tau : second
"""

# %% [markdown]
# ## Exercise 1: how strong must the synapse be?
#
# In the two-neuron script (neuron 0: `I = 2`, `tau = 10 ms`; neuron 1: `I = 0`,
# `tau = 100 ms`; synapse 0 -> 1 with `v_post += w`, no delay; 100 ms from `v = 0`), find
# the smallest weight `w_min` among 0.05, 0.10, 0.15, ... for which neuron 1 fires at least
# once.

# %%
# BEGIN ANSWER
for w in np.arange(1, 20) * 0.05:
    start_scope()
    G = NeuronGroup(2, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                    method="exact")
    G.I = [2, 0]
    G.tau = [10, 100] * ms
    S = Synapses(G, G, "w : 1", on_pre="v_post += w")
    S.connect(i=0, j=1)
    S.w = w
    spikes = SpikeMonitor(G)
    run(100 * ms)
    if spikes.count[1] > 0:
        w_min = round(w, 2)
        break
print(w_min)
# END ANSWER
check("04.1", w_min=w_min)

# %% [markdown]
# ## Exercise 2: a chain
#
# Ten neurons in a line; connect each to its immediate neighbours, in both directions
# (0 <-> 1, 1 <-> 2, ...), with one `connect` call. Pass the sources `i` and targets `j`
# of all synapses to the checker.

# %%
start_scope()
G = NeuronGroup(10, "v : 1")
S = Synapses(G, G)
# BEGIN ANSWER
S.connect(condition="abs(i - j) == 1")
# END ANSWER
check("04.2", i=S.i[:], j=S.j[:])

# %% [markdown]
# ## Exercise 3: random connectivity
#
# Connect a group of `N = 100` neurons to itself with probability `p = 0.1` per pair.
# Pass the synapses' sources `i` and targets `j` to the checker (it looks at their
# statistics), with `N` and `p`. How many synapses do you expect, and how far from `N*N*p`
# would you accept their number to be?

# %%
start_scope()
# BEGIN ANSWER
N, p = 100, 0.1
G = NeuronGroup(N, "v : 1")
S = Synapses(G, G)
S.connect(p=p)
print(len(S), "synapses; expected", N * N * p, "+-", np.sqrt(N * N * p * (1 - p)))
# END ANSWER
check("04.3", i=S.i[:], j=S.j[:], N=N, p=p)

# %% [markdown]
# ## Think!
#
# In exercise 1, why does a *smaller* weight still work when neuron 1's time constant is
# 100 ms, and what would change with `tau = 10 ms` for neuron 1?
#
# <!-- BEGIN ANSWER -->
# With 100 ms, neuron 1 forgets only ~20 % of each kick before the next one arrives
# (neuron 0 fires every ~10 ms), so small kicks add up (temporal summation) until `V_t`.
# With 10 ms it would lose most of each kick between spikes, and the potential would
# settle well below threshold unless each single kick were nearly large enough alone.
# <!-- END ANSWER -->
