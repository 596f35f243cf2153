# %% [markdown]
# # 06 · I-F curves and noise — exercises
#
# The physical LIF of the lesson: `tau_m = 20 ms`, `R_m = 100 MOhm`, `E_L = -65 mV`,
# threshold -50 mV, reset -65 mV, refractory 2 ms.

# %%
import numpy as np
from labkit import *
from labkit.lessons import check, todo

seed(11)
tau_m, R_m = 20 * ms, 100 * Mohm
E_L, V_th, V_reset, t_ref = -65 * mV, -50 * mV, -65 * mV, 2 * ms

# %% [markdown]
# ## Exercise 1: an I-F curve in one run
#
# Make 11 LIF neurons where neuron `i` receives `i * 0.05 nA` (so 0 to 0.5 nA), starting at
# `E_L`, run 1 s, and compute the input `currents` and the firing `rates` of all neurons.

# %%
start_scope()
# BEGIN ANSWER
G = NeuronGroup(11, """
dv/dt = (E_L - v + R_m*I)/tau_m : volt (unless refractory)
I : amp
""", threshold="v > V_th", reset="v = V_reset", refractory=t_ref, method="exact")
G.v = E_L
G.I = "i * 0.05*nA"
S = SpikeMonitor(G)
run(1 * second)
currents = G.I[:]
rates = S.count / second
print(rates)
# END ANSWER
check("06.1", currents=currents, rates=rates)

# %% [markdown]
# ## Exercise 2: noise below threshold
#
# Twenty LIF neurons, all at 0.12 nA (below their rheobase). Give them a noisy input
# current: an Ornstein-Uhlenbeck current `I_noise` with standard deviation `sigma` and
# correlation time `tau_noise = 5 ms`,
#
# `dI_noise/dt = -I_noise/tau_noise + sigma*sqrt(2/tau_noise)*xi : amp`,
#
# added to `I` in the voltage equation (each neuron gets its own noise). Run 1 s without
# noise (`sigma = 0 nA`) and measure the population's rate, `rate_quiet`; run 1 s with
# `sigma = 0.1 nA` and pass each neuron's spike count, `counts_noisy` (20 numbers).

# %%
# BEGIN ANSWER
tau_noise = 5 * ms
eqs = """
dv/dt = (E_L - v + R_m*(I + I_noise))/tau_m : volt (unless refractory)
dI_noise/dt = -I_noise/tau_noise + sigma*sqrt(2/tau_noise)*xi : amp
I : amp
"""
counts = []
for sigma in [0 * nA, 0.1 * nA]:
    start_scope()
    G = NeuronGroup(20, eqs, threshold="v > V_th", reset="v = V_reset", refractory=t_ref,
                    method="euler")
    G.v = E_L
    G.I = 0.12 * nA
    S = SpikeMonitor(G)
    run(1 * second)
    counts.append(S.count[:])
rate_quiet = counts[0].sum() / (20 * second)
counts_noisy = counts[1]
print(rate_quiet, counts_noisy)
# END ANSWER
check("06.2", rate_quiet=rate_quiet, counts_noisy=counts_noisy)

# %% [markdown]
# ## Exercise 3: where the Hodgkin-Huxley cell starts to fire
#
# Give 31 Traub-Miles cells (`traub_miles_network` and `traub_miles_namespace` from
# `labkit.models.hh`, as in the lesson) the currents `k * 0.01 nA`, k = 0..30, run 1 s, and
# pass each cell's spike count, `counts`, and the smallest of these currents at which the
# cell fires at all, `I_onset`. Compare `I_onset` with the LIF's rheobase (0.15 nA).

# %%
from labkit.models.hh import traub_miles_namespace, traub_miles_network

start_scope()
# BEGIN ANSWER
currents = np.arange(31) * 0.01 * nA
hh, objects = traub_miles_network(31, currents, record=False)
hh.run(1 * second, namespace=traub_miles_namespace())
counts = objects["spikes"].count[:]
I_onset = currents[np.flatnonzero(counts)[0]]
print(counts, I_onset)
# END ANSWER
check("06.3", counts=counts, I_onset=I_onset)

# %% [markdown]
# ## Think!
#
# With the same `sigma`, a longer `tau_noise` makes the sub-threshold neuron fire more.
# Why?
#
# <!-- BEGIN ANSWER -->
# The membrane averages its input over about `tau_m = 20 ms`. Fast noise (short
# `tau_noise`) averages out within that window, so the voltage fluctuates little; slow
# noise stays up (or down) for long enough to move the voltage by almost `R_m * I_noise`,
# so larger excursions reach the threshold more often.
# <!-- END ANSWER -->
