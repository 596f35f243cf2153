# %% [markdown]
# # 06 · Input-frequency curves and noise
#
# *Estimated time: 55 minutes, and 30 more for
# [the exercises](../exercises/06_if_curves_noise.ipynb).* Previous:
# [05 · Hodgkin-Huxley](05_hodgkin_huxley.ipynb).
#
# **Objectives.** After this lesson you can
# - measure a neuron's input-frequency (I-F) curve with one population, input scaling with
#   the neuron index;
# - compare a LIF neuron's I-F curve with the Hodgkin-Huxley cell's;
# - add noise to an equation with `xi`, and say what noise does to an I-F curve.
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo

seed(6)

# %% [markdown]
# ## 1. One population, many inputs
#
# An I-F curve gives the firing rate for each constant input current. Rather than one
# simulation per current, make a group where neuron `i` gets its own current, growing with
# its index, and count each neuron's spikes: one run gives the whole curve. The neurons do
# not interact, so they are independent experiments.
#
# We use a LIF neuron in physical units, sized like the HH cell of lesson 05
# (`tau_m = 20 ms`, `R = 100 MOhm`, rest -65 mV, threshold -50 mV):

# %%
start_scope()
N = 41
duration = 1 * second
tau_m, R_m = 20 * ms, 100 * Mohm
E_L, V_th, V_reset, t_ref = -65 * mV, -50 * mV, -65 * mV, 2 * ms
I_max = 0.5 * nA

lif = NeuronGroup(N, """
dv/dt = (E_L - v + R_m*I)/tau_m : volt (unless refractory)
I : amp
""", threshold="v > V_th", reset="v = V_reset", refractory=t_ref, method="exact")
lif.v = E_L
lif.I = "I_max * i / (N - 1)"
lif_spikes = SpikeMonitor(lif)
run(duration)
lif_rates = lif_spikes.count / duration

# %% [markdown]
# The LIF fires only when its steady state $E_L + R_m I$ lies above the threshold
# $V_{th}$. The smallest such current is the *rheobase*.
#
# **Your turn (06.a).** Compute the rheobase `I_rheo` of this LIF from its parameters
# (`E_L`, `V_th`, `R_m`), with units.

# %%
# BEGIN ANSWER
I_rheo = (V_th - E_L) / R_m
print(I_rheo)
# END ANSWER
check("06.a", I_rheo=I_rheo)

# %% [markdown]
# Above the rheobase the rate rises steeply, as the formula of lesson 02 predicts
# (`labkit.models.lif.lif_physical_rate`): the neuron climbs from $V_{reset}$ to $V_{th}$
# in $T = \tau_m \ln\frac{R_m I - (V_{reset} - E_L)}{R_m I - (V_{th} - E_L)}$, then waits
# $t_{ref}$, so
#
# $$f(I) = \frac{1}{t_{ref} + T(I)} .$$
#
# The same for the Traub-Miles cell of lesson 05, from `labkit.models.hh`:

# %%
from labkit.models.hh import traub_miles_namespace, traub_miles_network
from labkit.models.lif import lif_physical_rate

currents = lif.I[:]
hh, hh_objects = traub_miles_network(N, currents, record=False)
hh.run(duration, namespace=traub_miles_namespace())
hh_rates = hh_objects["spikes"].count / duration

fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
ax.plot(currents / nA, lif_rates / Hz, "o-", ms=3, label="LIF")
ax.plot(currents / nA, lif_physical_rate(currents) / Hz, "k--", lw=1, label="LIF formula")
ax.plot(currents / nA, hh_rates / Hz, "o-", ms=3, label="HH (Traub-Miles)")
ax.set(xlabel="I [nA]", ylabel="rate [Hz]")
ax.legend()
plt.show()

# %% [markdown]
# Two differences stand out. The HH cell fires at much smaller currents (its sodium
# current amplifies small depolarisations, so its effective threshold is lower than the
# LIF's fixed -50 mV), and its curve starts at a low rate and grows smoothly, while the LIF
# curve rises very steeply right at its rheobase (its rate grows like
# $1/\ln(\ldots)$, whose slope is infinite there).
#
# **Think!** The LIF's refractory period is 2 ms. What rate does its curve approach for huge
# currents? Is that a property of real neurons?
#
# <!-- BEGIN ANSWER -->
# $1/t_{ref}$ = 500 Hz. Real neurons also saturate, because sodium channels need time to
# recover from inactivation; in HH that limit comes out of the dynamics.
# <!-- END ANSWER -->
#
# ## 2. Noise with `xi`
#
# Real neurons receive many small, irregular inputs. A stochastic differential equation
# models them: the symbol `xi` is white noise, with units of `1/sqrt(second)`. Adding
# `sigma*sqrt(2/tau_m)*xi` to `dv/dt`,
#
# $$\frac{dv}{dt} = \frac{E_L - v + R_m I}{\tau_m} + \sigma \sqrt{\frac{2}{\tau_m}}\,\xi(t),$$
#
# makes the free membrane potential fluctuate with standard deviation $\sigma$ around its
# mean:

# %%
start_scope()
sigma = 3 * mV
noisy = NeuronGroup(N, """
dv/dt = (E_L - v + R_m*I)/tau_m + sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
I : amp
""", threshold="v > V_th", reset="v = V_reset", refractory=t_ref, method="euler")
noisy.v = E_L
noisy.I = "I_max * i / (N - 1)"
noisy_spikes = SpikeMonitor(noisy)
trace = StateMonitor(noisy, "v", record=[10])
run(duration)
noisy_rates = noisy_spikes.count / duration
print("neuron 10 gets", noisy.I[10], "; its potential: mean", np.mean(trace.v[0][2000:]),
      " std", np.std(trace.v[0][2000:]))

# %% [markdown]
# Noise needs a stochastic integration method: `exact` and `exponential_euler` refuse
# `xi`; `euler` (Euler-Maruyama) handles it. `seed(6)` at the top makes the noise, and so
# this notebook's numbers, the same on every run.

# %%
fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
ax.plot(currents / nA, lif_rates / Hz, "o-", ms=3, label="no noise")
ax.plot(currents / nA, noisy_rates / Hz, "o-", ms=3, label=f"sigma = {sigma}")
ax.set(xlabel="I [nA]", ylabel="rate [Hz]")
ax.legend()
plt.show()

# %% [markdown]
# With noise the neurons below rheobase fire now and then, when a fluctuation carries them
# across the threshold: the sharp corner of the curve is smoothed out. Far above threshold
# the noise hardly matters.
#
# **Think!** A population of noisy neurons can signal an input that is *below* the
# threshold of each of them. How?
#
# <!-- BEGIN ANSWER -->
# With noise the rate grows smoothly with the input even below rheobase, so a population's
# spike count encodes weak inputs that a single noiseless neuron would ignore.
# <!-- END ANSWER -->

# %% [markdown]
# ## 3. Many runs at once: `sweep`
#
# One population gave a whole I-F curve in one run. To see how the curve changes with the
# noise level we need one run per `sigma`: a *parameter sweep*. `sweep(fn, grid)` calls
# `fn(**point)` at every point of the grid, on all your cores (each core runs a worker
# process), shows a progress bar (points done, failed, time left), and returns a table, a
# pandas DataFrame with one row per point. A point that raises an error gets the error in
# its row; the others go on.
#
# `fn` builds and runs its own model (worker processes share no objects with this
# notebook) and returns numbers, here the rate of each neuron:

# %%
def noisy_if_curve(sigma):
    start_scope()
    group = NeuronGroup(N, """
    dv/dt = (E_L - v + R_m*I)/tau_m + sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
    I : amp
    """, threshold="v > V_th", reset="v = V_reset", refractory=t_ref, method="euler")
    group.v = E_L
    group.I = "I_max * i / (N - 1)"
    spikes = SpikeMonitor(group)
    run(duration)
    return {"rate": spikes.count / duration}


# %% tags=["nbval-ignore-output"]
curves = sweep(noisy_if_curve, {"sigma": [0, 1, 2, 4, 8] * mV})

# %% [markdown]
# The table's columns carry the units in their names; besides the parameters and results
# it says how long each point took, on which worker, and its error (if any):

# %%
print(list(curves.columns))
print("failed points:", curves["error"].notna().sum())

# %%
fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
for sigma_mV, rate in zip(curves["sigma [mV]"], curves["rate [Hz]"], strict=True):
    ax.plot(currents / nA, rate, "o-", ms=2, label=f"sigma = {sigma_mV:g} mV")
ax.set(xlabel="I [nA]", ylabel="rate [Hz]")
ax.legend()
plt.show()

# %% [markdown]
# The more noise, the earlier the curve leaves zero and the smoother its corner; far above
# rheobase all curves meet.
#
# Each point runs with its own seed (the `seed` column), derived from the sweep's seed
# (`sweep(..., seed=0)`, the default) and the point's index. So the table is the same
# whether the points run here one after another (`processes=1`), on two cores, or on a
# cluster: with Dask, `sweep(noisy_if_curve, grid, client=Client(...))` is the only change.
# For long sweeps, `cache="some_folder"` keeps every finished point on disk, and running
# the cell again after an interruption computes only the missing ones.
#
# **Think!** Why does the seed come from the point's index, and not simply from a
# generator that each worker keeps drawing from?
#
# <!-- BEGIN ANSWER -->
# The order in which points reach workers changes from run to run and with the number of
# workers; seeds drawn in that order would give other noise, and other numbers, each time.
# <!-- END ANSWER -->

# %% [markdown]
# ## Summary
#
# - One group, input scaling with `i`, one run: a whole I-F curve.
# - LIF: sharp rheobase, steep onset, saturation at `1/t_ref`; HH: fires at lower
#   currents, onset smooth.
# - `xi` adds white noise (units `1/sqrt(s)`); use `method="euler"`; `seed()` makes runs
#   reproducible. Noise smooths the I-F curve.
#
# ## Interactive demo
#
# Both cells receive the same kind of noise here: a fluctuating current (an
# Ornstein-Uhlenbeck process) with standard deviation `sigma` and correlation time
# `tau_noise`, from `labkit.lessons.lesson06`. (The HH cell with noise is integrated with
# Euler at `dt = 0.02 ms`, so each run takes a fraction of a second: the panel updates
# when you release a slider.) Which cell's curve does noise change more? What does a long
# `tau_noise` do?

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson06 import panel

panel()

# %% [markdown]
# Exercises: [06 · I-F curves and noise, exercises](../exercises/06_if_curves_noise.ipynb)
# (worked answers in [solutions/](../solutions/06_if_curves_noise.ipynb)). Next:
# [07 · Network operations](07_network_operations.ipynb).
