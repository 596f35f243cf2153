# %% [markdown]
# # 09 · Neuromodulating synapses — exercises
#
# The lesson's network, from the library: `simulate_modulation(kind, **params)` builds a
# presynaptic neuron, a tonic postsynaptic neuron ($\alpha_s^+ = 2.5$) and a modulatory
# synapse of `kind` (`"additive"` or `"depressive"`), runs the protocol (presynaptic
# neuron off 0-8 s, on 8-24 s, off 24-40 s) and returns its objects (`"post_spikes"`,
# `"state"`, `"traces"`, ...). Keywords set the synapse's parameters (`tau_dep=...`,
# `polarity=...`), and `post={...}` the postsynaptic neuron's.

# %%
import numpy as np
from labkit import *
from labkit.lessons import check, todo
from labkit.lessons.lesson09 import bursting_time
from labkit.models.bursts import classify
from labkit.models.multiscale import multiscale_group
from labkit.models.neuromodulation import PRE_PARAMS, modulatory_synapses, simulate_modulation

# %% [markdown]
# ## Exercise 1: how long does it burst?
#
# `bursting_time(spike_times)` measures how long after the presynaptic onset (8 s) the
# neuron is tonic again: the time to the first spike of the last train without a pause
# longer than 0.5 s. With the default $\tau_{dep} = 5$ s it is about 3.6 s. Find a
# $\tau_{dep}$ (`tau_dep`, a time) that keeps the neuron bursting for **5 to 6.5 s**, and
# give the `duration` you measured with it (a time).

# %%
# BEGIN ANSWER
for candidate in [5, 6, 7, 8] * second:
    objects = simulate_modulation("depressive", tau_dep=candidate)
    print(candidate, bursting_time(objects["post_spikes"].t / second))
tau_dep = 6 * second
objects = simulate_modulation("depressive", tau_dep=tau_dep)
duration = bursting_time(objects["post_spikes"].t / second) * second
# END ANSWER
check("09.1", tau_dep=tau_dep, duration=duration)

# %% [markdown]
# ## Exercise 2: the other way round
#
# Take a **bursting** postsynaptic neuron ($\alpha_s^+ = 1.5$) and the additive synapse.
# Choose the `polarity` that makes it fire tonically while the presynaptic neuron fires,
# then give the regime kinds `during` (12-24 s) and `after` (32-40 s) the firing.

# %%
# BEGIN ANSWER
polarity = 1
objects = simulate_modulation("additive", post={"a_sp": 1.5}, polarity=polarity)
spikes = objects["post_spikes"].t
during = classify(spikes, 12 * second, 24 * second).kind
after = classify(spikes, 32 * second, 40 * second).kind
print(during, after)
# END ANSWER
check("09.2", polarity=polarity, during=during, after=after)

# %% [markdown]
# ## Exercise 3: one presynaptic neuron, three targets
#
# The same synapse code connects many neurons. Build one presynaptic neuron (`PRE_PARAMS`)
# and **three** modulated postsynaptic neurons with $\alpha_s^+$ = 2.5, 3.0 and 3.5 (one
# group), connect them with `modulatory_synapses(pre, post)` (additive, the lesson's
# values), and run the protocol: off 8 s, on 16 s (`pre.I_app = 0`). Which neurons burst
# while the presynaptic neuron fires? Give `kinds`, the regime kind of each neuron during
# 12-24 s. Predict before you run.

# %%
# BEGIN ANSWER
start_scope()
pre = multiscale_group(1, name="pre", **PRE_PARAMS)
post = multiscale_group(3, modulated=True, name="post", a_sp=[2.5, 3.0, 3.5])
S = modulatory_synapses(pre, post)
spikes = SpikeMonitor(post)
run(8 * second)
pre.I_app = 0
run(16 * second)
kinds = [classify(spikes.t[spikes.i == k], 12 * second, 24 * second).kind for k in range(3)]
print(kinds)
# END ANSWER
check("09.3", kinds=kinds)

# %% [markdown]
# ## Think!
#
# In exercise 3 each postsynaptic neuron has its own synapse. What would change if the
# three neurons were driven by *two* presynaptic neurons each, both firing at 20 Hz
# (`S.connect()` from a group of two)?
#
# <!-- BEGIN ANSWER -->
# `a_mod_post` is `(summed)`: each neuron's modulation would be the sum over its two
# synapses, up to $-2$ instead of $-1$. The effective gains would fall to 0.5, 1.0 and 1.5:
# the first neuron would rest or make plateaus, the others burst (lesson 08's map at
# $I_{app} = -1$). A summed modulation is not bounded by one synapse's sigmoid; a model that
# needs a bound must apply it in the neuron (e.g. a sigmoid of the summed drive).
# <!-- END ANSWER -->
