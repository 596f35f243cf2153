# %% [markdown]
# # 04 · Synapses
#
# *Estimated time: 50 minutes, and 25 more for [the exercises](../exercises/04_synapses.ipynb).*
# Previous: [03 · Monitors](03_monitors.ipynb).
#
# **Objectives.** After this lesson you can
# - connect neurons with `Synapses` and say what `on_pre` does when a spike arrives;
# - give synapses weights and delays, one value for all or one per synapse;
# - create connections by index, with a condition, with a probability, or with a generator
#   expression, and read them back (`S.i`, `S.j`, `len(S)`);
# - make transmission unreliable with `rand()`, and act on postsynaptic spikes with
#   `on_post`.
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo

seed(2)

# %% [markdown]
# ## 1. A synapse is an event
#
# A chemical synapse turns a presynaptic spike into a change in the postsynaptic cell,
# after a short delay (the spike travels down the axon; transmitter is released and
# diffuses). The simplest model: each presynaptic spike adds a fixed amount $w$ (the
# **weight**) to the postsynaptic potential. When neuron $i$ fires at time $t_i$, each
# neuron $j$ it connects to jumps after the synapse's delay $d_{ij}$:
#
# $$v_j(t_i + d_{ij}) \;\to\; v_j(t_i + d_{ij}) + w_{ij}.$$
#
# In Brian2 and labkit that is one statement, run for each synapse whose presynaptic
# neuron just fired:
#
# `on_pre="v_post += w"`
#
# The suffixes name whose variable is meant: `v_post` is the target neuron's `v`, `v_pre`
# the source neuron's. `w : 1` in the synapse's model gives every synapse its own weight.

# %%
from labkit.course.diagrams import synapse

synapse()

# %% [markdown]
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
# The order matters: `S.connect(...)` creates the synapses, and only then does `S.w` have
# one entry per synapse to set. Before `connect` there is nothing to set, and labkit says
# so (`cannot set ... before synapses exist: call connect(...) first`), as Brian2 does.
#
# `tau : second` is new: `tau` is now a per-neuron parameter (`G.tau = [10, 100]*ms`)
# instead of one constant. Neuron 1's potential climbs in steps of 0.2 at each spike of
# neuron 0 and leaks a little in between; it reaches `V_t` after a few inputs, is reset, and
# starts collecting again: **temporal summation**.
#
# ## 3. Delays
#
# A delay postpones the effect of a spike. Give one value to all synapses with the `delay=`
# keyword of `Synapses`; set `S.delay` after `connect` for one value per synapse (an array,
# or a string expression such as `S.delay = "j*2*ms"`). Delays are rounded to whole time
# steps.

# %%
start_scope()
G = NeuronGroup(2, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = [2, 0]
G.tau = [10, 100] * ms
S = Synapses(G, G, "w : 1", on_pre="v_post += w", delay=5 * ms)
S.connect(i=0, j=1)
S.w = 0.2
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
# <!-- BEGIN ANSWER -->
# Let the synapse increment a variable that decays, $\tau_s\, dg/dt = -g$ in the target
# (`dg/dt = -g/tau_s`), with `on_pre="g_post += w"` and $g$ driving $v$
# ($\tau\, dv/dt = -v + I + g$): a current-based exponential synapse, as in the CUBA
# network.
# <!-- END ANSWER -->
#
# ## 4. Unreliable synapses and postsynaptic spikes
#
# Real synapses fail: a spike releases transmitter only with some probability. `rand()`
# in a synaptic statement draws a fresh uniform number in [0, 1) for every synapse and
# every spike, so `w*(rand() < p_release)` adds `w` with probability `p_release`, and 0
# otherwise. Below, one neuron fires 200 times onto a target that only counts what
# arrives:

# %%
start_scope()
p_release = 0.3
source = NeuronGroup(1, "dv/dt = 2/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                     method="exact")
counter = NeuronGroup(1, "v : 1")
S = Synapses(source, counter, "w : 1", on_pre="v_post += w*(rand() < p_release)")
S.connect()
S.w = 1
source_spikes = SpikeMonitor(source)
run(1 * second)
print(source_spikes.num_spikes, "spikes sent,", int(counter.v[0]), "transmitted")

# %% [markdown]
# About 30 % get through, and a different seed gives a different number (binomial, with
# standard deviation $\sqrt{200 \cdot 0.3 \cdot 0.7} \approx 6.5$).
#
# Synapses can also react to the **postsynaptic** neuron's spikes: `on_post` runs for each
# synapse when its *target* fires. That is the basis of learning rules such as
# spike-timing-dependent plasticity, where a weight changes with the timing of pre- and
# postsynaptic spikes. Here each synapse just remembers when its target last fired and
# counts its spikes:

# %%
start_scope()
G = NeuronGroup(2, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = [2, 0]
G.tau = [10, 100] * ms
S = Synapses(G, G, """
w : 1
last_post : second
n_post : 1
""", on_pre="v_post += w", on_post="""
last_post = t
n_post += 1
""")
S.connect(i=0, j=1)
S.w = 0.3
spikes = SpikeMonitor(G)
run(100 * ms)
print("neuron 1 fires at", spikes.t[spikes.i == 1], "; the synapse saw", S.n_post[0],
      "postsynaptic spikes, the last at", S.last_post[0])

# %% [markdown]
# ## 5. Who connects to whom
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
# | `connect(p="abs(i-j)/(1.0*n_neurons)")` | more likely the further apart (`n_neurons` from your code) |
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
# <!-- BEGIN ANSWER -->
# 400 pairs × 0.2 = 80 on average; the count is binomial, with standard deviation
# $\sqrt{400 \cdot 0.2 \cdot 0.8} = 8$.
# <!-- END ANSWER -->
#
# A probability can depend on the pair. With `p="abs(i-j)/(1.0*n_neurons)"` distant
# neurons connect more often than neighbours; `n_neurons` is an ordinary Python name,
# looked up when `connect` runs, and `1.0*` keeps the division a float division.

# %%
start_scope()
n_neurons = 20
cells = NeuronGroup(n_neurons, "v : 1")
S = Synapses(cells, cells)
S.connect(p="abs(i-j)/(1.0*n_neurons)")
print(len(S), "synapses")
plt.figure(figsize=(3.2, 3.2))
plt.plot(S.i[:], S.j[:], "s", ms=4)
plt.xlabel("source i")
plt.ylabel("target j")
plt.show()

# %% [markdown]
# **Your turn (04.a).** The number of synapses is random. What is its *expected* value,
# `expected`, for this rule on 20 neurons? Each pair (i, j) exists with probability
# `abs(i-j)/20`; the expected count is the sum of these probabilities over all 400 pairs
# (numpy: `np.abs(np.subtract.outer(k, k))` for `k = np.arange(20)`).

# %%
# BEGIN ANSWER
k = np.arange(20)
expected = np.sum(np.abs(np.subtract.outer(k, k)) / 20)
print(expected)
# END ANSWER
check("04.a", expected=expected)

# %% [markdown]
# ## Summary
#
# - `Synapses(source, target, model, on_pre=...)`: `on_pre` runs for each synapse when its
#   presynaptic neuron spikes; `_pre`/`_post` pick whose variable.
# - Weights are synaptic variables (`w : 1`), set after `connect`; delays are `delay=` for
#   all or `S.delay` per synapse.
# - `rand()` in `on_pre` makes transmission probabilistic; `on_post` acts on postsynaptic
#   spikes.
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
# Exercises: [04 · Synapses, exercises](../exercises/04_synapses.ipynb) (worked answers in
# [solutions/](../solutions/04_synapses.ipynb)). Next:
# [05 · Hodgkin-Huxley](05_hodgkin_huxley.ipynb).
