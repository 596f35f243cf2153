# %% [markdown]
# # 09 · Neuromodulating synapses
#
# *Estimated time: 50 minutes, and 30 more for
# [the exercises](../exercises/09_neuromodulation.ipynb).*
# Previous: [08 · The multi-scale neuron](08_multiscale_neuron.ipynb).
#
# **Objectives.** After this lesson you can
# - tell a *modulatory* synapse from the synapses of lesson 04: it changes a parameter of
#   the postsynaptic neuron instead of injecting a current;
# - keep a presynaptic trace in a synapse with `(clock-driven)` equations and `on_pre`, and
#   bring a synaptic quantity into the neuron with a `(summed)` variable;
# - predict the size of the modulation from the presynaptic rate;
# - switch a neuron from tonic spiking to bursting with an **additive** modulatory synapse,
#   and back with a **depressive** one, while the presynaptic neuron keeps firing;
# - drive the demo: a presynaptic neuron on a button, the traces on one time axis.
#
# Cells marked **Your turn** are short exercises: replace the `todo(...)` line with your
# answer and run the cell; `check(...)` says what is right and gives a hint. Answers to the
# **Think!** questions are folded: think first, then click *Show an answer*.
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo
from labkit.models.bursts import classify

# %% [markdown]
# ## 1. Synapses that change a parameter
#
# The synapses of lesson 04 act on each spike: `on_pre = "v_post += w"`. Neuromodulators
# (dopamine, serotonin, neuropeptides) act differently: they change the *properties* of
# the postsynaptic neuron's channels, slowly and for as long as they are released. In the
# multi-scale neuron of lesson 08 a property is a gain: lowering the slow positive gain
# $\alpha_s^+$ from 2.5 to 1.5 turns tonic spiking into bursting. A **modulatory synapse**
# does exactly that, driven by the presynaptic neuron's firing:
#
# $$\tau_{syn}\frac{ds}{dt} = -s + \sum_k \delta(t - t_k), \qquad
#   \alpha_{mod}(t) = \text{polarity}\cdot S(\beta\, s(t) - \theta), \qquad
#   S(x) = \frac{1}{1 + e^{-x}},$$
#
# and the postsynaptic slow positive current becomes
# $(\alpha_s^+ + \alpha_{mod}(t)) \tanh(V_s - \delta_s^+)$. The trace $s$ jumps by
# $1/\tau_{syn}$ at each presynaptic spike $t_k$ and decays in between, so its average is
# the presynaptic **rate** (in Hz). The sigmoid $S$ turns the rate into a modulation
# between 0 and 1: nothing at rest ($S(-\theta)$, tiny for $\theta = 5$), all of it at a
# high rate. With polarity $-1$ the synapse *lowers* $\alpha_s^+$ by up to 1.
#
# | parameter | value | why |
# |---|---|---|
# | polarity | $-1$ | tonic -> bursting needs a lower $\alpha_s^+$ |
# | $\tau_{syn}$ | 200 ms | four times the neuron's $\tau_s$: single spikes do little |
# | $\beta$ | 0.5 s | with $\theta$: half modulation at 10 Hz |
# | $\theta$ | 5 | no modulation at rest |
#
# ## 2. The presynaptic neuron and its trace
#
# The presynaptic neuron is the multi-scale neuron in its "spiking only" form (no slow
# negative and no ultra-slow element): silent at $I_{app} = -1.5$, firing at about 20 Hz
# at $I_{app} = 0$. Switching its $I_{app}$ switches it on and off.
#
# **Your turn (09.a).** Without simulating: at which presynaptic rate `rate_half` is the
# modulation half its maximum, and what is $\alpha_{mod}$, `alpha_20Hz`, when the trace
# sits at its average for a 20 Hz train? Use `beta` and `theta` below.

# %%
beta, theta = 0.5 * second, 5
# BEGIN ANSWER
rate_half = theta / beta
alpha_20Hz = -1 / (1 + np.exp(-(beta * 20 * Hz - theta)))
# END ANSWER
check("09.a", rate_half=rate_half, alpha_20Hz=alpha_20Hz)

# %% [markdown]
# ## 3. The additive synapse in labkit
#
# The postsynaptic neuron needs a variable for the synapses to write: the library's
# `MODULATED_EQS` is the neuron of lesson 08 with `(a_sp + a_mod)` in place of `a_sp` and
# a parameter `a_mod : 1`.

# %%
from labkit.models.multiscale import MODULATED_EQS, multiscale_group
from labkit.models.neuromodulation import POST_PARAMS, PRE_PARAMS

print(MODULATED_EQS.splitlines()[1])
print(MODULATED_EQS.splitlines()[-1])

# %% [markdown]
# The synapse is written as Brian2 writes synapses:
#
# - `ds/dt = -s/tau_syn : Hz (clock-driven)`: a synaptic variable integrated at every
#   step, like a neuron's;
# - `on_pre="s += 1/tau_syn"`: the jump at each presynaptic spike;
# - `alpha_mod = ... : 1`: a subexpression, computed from `s` when needed;
# - `a_mod_post = alpha_mod : 1 (summed)`: at every step the postsynaptic `a_mod` is set
#   to the sum of `alpha_mod` over the synapses onto that neuron (here one);
# - the parameters are per-synapse variables (`(constant)`), set after `connect()`.
#
# The protocol: the presynaptic neuron off for 8 s, on for 16 s, off again for 16 s. (The
# library's `simulate_modulation("additive")` builds exactly this network; because it is
# the same structure, labkit reuses the loop it compiled for one in the other.)

# %%
start_scope()
pre = multiscale_group(1, name="pre", **PRE_PARAMS)
post = multiscale_group(1, modulated=True, name="post", **POST_PARAMS)
S = Synapses(pre, post, model="""
ds/dt = -s/tau_syn : Hz (clock-driven)
alpha_mod = polarity/(1 + exp(theta - beta*s)) : 1
a_mod_post = alpha_mod : 1 (summed)
polarity : 1 (constant)
tau_syn : second (constant)
beta : second (constant)
theta : 1 (constant)
""", on_pre="s += 1/tau_syn", method="exact", name="modulation")
S.connect()
S.polarity, S.tau_syn, S.beta, S.theta = -1, 200 * ms, 0.5 * second, 5
pre_spikes, post_spikes = SpikeMonitor(pre), SpikeMonitor(post)
state = StateMonitor(post, ["V", "a_mod"], record=0, dt=1 * ms)
traces = StateMonitor(S, ["s", "alpha_mod"], record=0, dt=1 * ms)

run(8 * second)
pre.I_app = 0            # on
run(16 * second)
pre.I_app = -1.5         # off
run(16 * second)
for start, stop in [(2, 8), (12, 24), (28, 40)]:
    print(f"{start:>2}-{stop} s:", classify(post_spikes.t, start * second, stop * second))

# %%
from labkit.lessons.lesson09 import plot_protocol

plot_protocol({"traces": traces, "state": state})
plt.show()

# %% [markdown]
# Before the presynaptic neuron starts, the postsynaptic neuron fires tonically (every
# ~110 ms). Within ~200 ms of the onset the trace reaches ~20 Hz and $\alpha_{mod}$
# reaches $-1$: the effective $\alpha_s^+$ is 1.5, and the neuron **bursts** (7-8 spikes
# every ~2 s) for as long as the presynaptic neuron fires. When it stops, the trace decays,
# and the neuron returns to tonic spiking.
#
# **Think!** $\alpha_{mod}$ reaches $-1$ within a fraction of a second, but the first burst
# comes only about 1.7 s after the onset. What is the neuron waiting for?
#
# <!-- BEGIN ANSWER -->
# For its ultra-slow variable $V_u$. During tonic firing $V_u$ sat at the (high) average
# voltage of the spiking neuron, so the ultra-slow positive conductance pushes outwards
# hard: the neuron first falls silent, and $V_u$ has to sink (time constant 2.5 s) before
# the slow bistability can start the first burst. A modulation acts on the fastest
# timescale it touches, but the neuron answers on its slowest one.
# <!-- END ANSWER -->
#
# ## 4. The depressive synapse
#
# A neuromodulatory effect often fades while the release goes on (receptors desensitise,
# stores deplete). The **depressive** synapse multiplies the modulation by a gain $g$ that
# falls as a second, slow trace $s_{dep}$ grows ($\tau_{dep} = 5$ s):
#
# $$\tau_{dep}\frac{ds_{dep}}{dt} = -s_{dep} + \sum_k \delta(t - t_k), \qquad
#   g(t) = g_0\, S(-\beta_{dep}\, s_{dep}(t) - \theta_{dep}),$$
#
# with $\alpha_s^+ + g(t)\,\alpha_{mod}(t)$ in the neuron. With $\theta_{dep} = -5$ the
# gain is $g_0$ at rest; it halves when $\beta_{dep} s_{dep} = 5$, i.e. at
# $s_{dep} = 12.5$ Hz for $\beta_{dep} = 0.4$ s. The library has both synapses:
# `simulate_modulation(kind)` builds the same network as section 3 and runs the same
# protocol.

# %%
from labkit.models.neuromodulation import DEPRESSIVE_EQS, simulate_modulation

print(DEPRESSIVE_EQS)
objects = simulate_modulation("depressive")
for start, stop in [(2, 8), (10, 13), (14, 24), (28, 40)]:
    print(f"{start:>2}-{stop} s:", classify(objects["post_spikes"].t, start * second,
                                            stop * second))

# %%
plot_protocol(objects)
plt.show()

# %% [markdown]
# The neuron bursts after the onset, as before; then $s_{dep}$ climbs towards the
# presynaptic rate, $g$ falls, and from about 13 s the neuron fires **tonically again**,
# although the presynaptic neuron keeps firing until 24 s.
#
# **Your turn (09.b).** With the presynaptic neuron at $r = 1/(50.6\text{ ms})$ from
# $t = 0$ (its onset), $s_{dep}(t) = r(1 - e^{-t/\tau_{dep}})$. When, after the onset,
# does $g$ fall to half of $g_0$? Give `t_half` (a time), computed from the formula.

# %%
tau_dep, beta_dep, theta_dep = 5 * second, 0.4 * second, -5
r = 1 / (50.6 * ms)
# BEGIN ANSWER
t_half = -tau_dep * np.log(1 - (-theta_dep / beta_dep) / r)
# END ANSWER
check("09.b", t_half=t_half)

# %% [markdown]
# **Think!** The neuron fires tonically again while the presynaptic neuron still fires,
# but more slowly (period ~140 ms) than before the onset (~110 ms). Why?
#
# <!-- BEGIN ANSWER -->
# Because the modulation has not gone: $g$ is small but not zero, so the effective
# $\alpha_s^+ = 2.5 + g\,\alpha_{mod}$ sits between the switch (about 2.2) and 2.5. In
# lesson 08's table, tonic spiking slows down as $\alpha_s^+$ approaches the switch
# (period 313 ms at 2.25, 111 ms at 2.5). After the presynaptic neuron stops, the trace
# $s$ decays, $\alpha_{mod}$ returns to 0, and the period to ~110 ms.
# <!-- END ANSWER -->
#
# ## Summary
#
# - A modulatory synapse changes a *parameter* of its target (here the slow positive
#   gain), over the time its trace needs to build up and decay.
# - In labkit (as in Brian2): a `(clock-driven)` trace, a jump `on_pre`, and a `(summed)`
#   variable that writes into the postsynaptic neuron's parameter at every step. The same
#   code connects any number of neurons.
# - Additive synapse: the neuron bursts while the presynaptic neuron fires; depressive
#   synapse: it bursts, then returns to tonic spiking although the firing goes on.
#
# ## Interactive demo
#
# The button switches the presynaptic neuron on and off; the traces share one time axis
# (20 s visible, running at twice real time). Things to try: switch it on and watch
# $\alpha_{mod}$, then the bursts; untick *depression* (the additive synapse: $g$ stays at
# $g_0$); lower `tau_dep` (the bursts end sooner); raise `theta` until 20 Hz no longer
# modulates; set `g0` to 2 (the effective $\alpha_s^+$ falls to 0.5: what does the neuron
# do?).

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson09 import scope

demo = scope()
demo

# %% [markdown]
# Exercises: [09 · Neuromodulating synapses, exercises](../exercises/09_neuromodulation.ipynb)
# (worked answers in [solutions/](../solutions/09_neuromodulation.ipynb)).
# Next: [10 · Spatial neurons](10_spatial_neurons.ipynb).
