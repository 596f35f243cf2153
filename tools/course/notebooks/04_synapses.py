# %% [markdown]
# # 04 · Synapses
#
# **Objectives.** After this lesson you can
# - connect neurons with `Synapses` and say what `on_pre` does when a spike arrives;
# - give synapses weights and delays, one value for all or one per synapse;
# - create connections by index, with a condition, with a probability, or with a generator
#   expression, and read them back (`S.i`, `S.j`, `len(S)`).
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *

seed(2)

# %% [markdown]
# ## 1. A synapse is an event
#
# A chemical synapse turns a presynaptic spike into a change in the postsynaptic cell,
# after a short delay (the spike travels down the axon; transmitter is released and
# diffuses). The simplest model: each presynaptic spike adds a fixed amount `w` (the
# **weight**) to the postsynaptic potential. In Brian2 and labkit that is one statement,
# run for each synapse whose presynaptic neuron just fired:
#
# `on_pre="v_post += w"`
#
# The suffixes name whose variable is meant: `v_post` is the target neuron's `v`, `v_pre`
# the source neuron's. `w : 1` in the synapse's model gives every synapse its own weight.
#
# ## 2. The course's two-neuron script
#
# Neuron 0 is driven (`I = 2`) and fires regularly. Neuron 1 has no input of its own
# (`I = 0`) and a long time constant (100 ms), so it forgets slowly: each spike of neuron 0
# nudges it up by `w = 0.2`.

# %%
start_scope()
V_t, V_r, tau_ref = 0.8, 0, 5 * ms
eqs = """
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
tau : second
"""
G = NeuronGroup(2, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.v = V_r
G.I = [2, 0]
G.tau = [10, 100] * ms

S = Synapses(G, G, "w : 1", on_pre="v_post += w")
S.connect(i=0, j=1)
S.w = 0.2

M = StateMonitor(G, "v", record=True)
spikes = SpikeMonitor(G)
run(100 * ms)
print("spikes per neuron:", spikes.count)

# %%
plt.figure(figsize=(7, 2.5))
plt.plot(M.t / ms, M.v[0], label="neuron 0 (driven)")
plt.plot(M.t / ms, M.v[1], label="neuron 1 (target)")
plt.axhline(V_t, ls="--", color="gray")
plt.xlabel("t [ms]")
plt.ylabel("v")
plt.legend(loc="upper right")
plt.show()

# %% [markdown]
# `tau : second` is new: `tau` is now a per-neuron parameter (`G.tau = [10, 100]*ms`)
# instead of one constant. Neuron 1's potential climbs in steps of 0.2 at each spike of
# neuron 0 and leaks a little in between; it reaches `V_t` after a few inputs, is reset, and
# starts collecting again: **temporal summation**.
#
# ## 3. Delays
#
# `S.delay` postpones the effect of a spike. A single value applies to all synapses; an
# array or a string expression (`S.delay = "j*2*ms"`) gives each its own. Delays are
# rounded to whole time steps.

# %%
start_scope()
G = NeuronGroup(2, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = [2, 0]
G.tau = [10, 100] * ms
S = Synapses(G, G, "w : 1", on_pre="v_post += w")
S.connect(i=0, j=1)
S.w = 0.2
S.delay = 5 * ms
M = StateMonitor(G, "v", record=1)
spikes = SpikeMonitor(G)
run(30 * ms)
first = spikes.t[spikes.i == 0][0]
jump = M.t[np.flatnonzero(np.diff(M.v[0]) > 0.1)[0] + 1]
print("neuron 0 fires at", first, "; neuron 1's first sample after the jump:", jump)

# %% [markdown]
# The spike at 5.1 ms acts on neuron 1 during the step at 10.1 ms; a StateMonitor records
# at the start of each step, so the new value first shows at 10.2 ms.
#
# **Think!** The weight here is added to the potential directly, so the effect is an
# instantaneous jump. Real postsynaptic potentials rise and fall over milliseconds. How
# could you model that with what you know?
#
# (Let the synapse increment a variable that decays, e.g. `dg/dt = -g/tau_s` in the
# target, with `on_pre="g_post += w"` and `g` driving `v`: a current-based exponential
# synapse, as in the CUBA network.)
#
# ## 4. Who connects to whom
#
# `connect` creates the synapses. Its arguments describe the pattern:
#
# | call | creates |
# |---|---|
# | `connect(i=0, j=1)` | one synapse, 0 -> 1 (arrays give several) |
# | `connect()` | every pair, self-connections included |
# | `connect(condition="i != j")` | every pair for which the condition holds |
# | `connect(j="i")` | one-to-one |
# | `connect(p=0.2)` | each pair independently with probability 0.2 |
# | `connect(p="exp(-abs(i-j)/3.0)")` | probability depending on the pair |
# | `connect(j="k for k in range(i-3, i+4) if k != i", skip_if_invalid=True)` | a generator: for each source `i`, the targets listed |
#
# Afterwards, `S.i` and `S.j` hold each synapse's source and target, and `len(S)` the
# number of synapses. The **connectivity matrix** puts a dot at (i, j) for every synapse:

# %%
start_scope()
cells = NeuronGroup(20, "v : 1")
S = Synapses(cells, cells)
S.connect(condition="abs(i - j) <= 2 and i != j")
print(len(S), "synapses; the first (i, j):", list(zip(S.i[:5].tolist(), S.j[:5].tolist())))
plt.figure(figsize=(3.2, 3.2))
plt.plot(S.i[:], S.j[:], "s", ms=4)
plt.xlabel("source i")
plt.ylabel("target j")
plt.show()

# %% [markdown]
# A band along the diagonal: each neuron talks to its neighbours. The panel below shows
# the matrix for each rule (20 neurons; the random ones are seeded, so they look the same
# every time you pick them).

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson04 import connectivity_panel

connectivity_panel()

# %% [markdown]
# **Think!** With `p=0.2` on 20 x 20 pairs, how many synapses do you expect, and how much
# does the number vary from seed to seed?
#
# (400 pairs x 0.2 = 80 on average; the count is binomial, with standard deviation
# sqrt(400 x 0.2 x 0.8) = 8.)
#
# ## Summary
#
# - `Synapses(source, target, model, on_pre=...)`: `on_pre` runs for each synapse when its
#   presynaptic neuron spikes; `_pre`/`_post` pick whose variable.
# - Weights are synaptic variables (`w : 1`); delays are `S.delay`, per synapse if needed.
# - `connect` by index, condition, probability or generator; `S.i`, `S.j`, `len(S)`.
#
# ## Interactive demo
#
# The two-neuron script. Move the weight: at which `w` does neuron 1 fire at all? Move the
# delay: what changes, and what does not?

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson04 import panel

panel()

# %% [markdown]
# Exercises: `exercises/04_synapses.ipynb`. Next: [05 · Hodgkin-Huxley](05_hodgkin_huxley.ipynb).
