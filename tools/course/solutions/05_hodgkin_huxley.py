# %% [markdown]
# # 05 · Hodgkin-Huxley — exercises

# %%
import numpy as np
from labkit import *
from labkit.lessons import check, todo
from labkit.models.hh import G_NA, VT, simulate_step_protocol, simulate_traub_miles

# %% [markdown]
# ## Exercise 1: a removable singularity
#
# The sodium activation rate of the Traub-Miles model is
# `alpha_m = 0.32 (13 - u) / (exp((13 - u)/4) - 1)` per ms, with `u = (v - VT)/mV`. At
# `v = VT + 13 mV` the formula reads 0/0. Compute the limit `alpha` there (a rate, with
# units). Hint: `exprel(x) = (exp(x) - 1)/x` tends to 1 as `x -> 0`.

# %%
# BEGIN ANSWER
# 0.32 (13 - u) / (exp((13 - u)/4) - 1) = 0.32 * 4 / exprel((13 - u)/4) -> 1.28 at u = 13
alpha = 0.32 * 4 / ms
# END ANSWER
check("05.1", alpha=alpha)

# %% [markdown]
# ## Exercise 2: one point of the f-I curve
#
# Inject a constant 0.3 nA into the Traub-Miles cell for 2 s (use `simulate_traub_miles`
# from `labkit.models.hh`, or write the network yourself) and compute its firing `rate`.

# %%
# BEGIN ANSWER
state, spikes = simulate_traub_miles(0.3 * nA, duration=2 * second, record=False)
rate = spikes.count[0] / (2 * second)
print(rate)
# END ANSWER
check("05.2", rate=rate)

# %% [markdown]
# ## Exercise 3: how much tetrodotoxin?
#
# Run the step protocol (`simulate_step_protocol(2*nA, g_na=...)`) with less and less
# sodium conductance. Find a `g_block` (as large as you can, roughly) at which no action
# potential is left — the potential never exceeds -20 mV — and report the highest potential
# reached with it, `peak_block`.

# %%
# BEGIN ANSWER
for fraction in [0.1, 0.05, 0.04, 0.03, 0.025, 0.02]:
    state, spikes = simulate_step_protocol(2 * nA, g_na=fraction * G_NA)
    peak = np.max(state.v[0])
    print(fraction, peak)
    if peak < -20 * mV:
        g_block, peak_block = fraction * G_NA, peak
        break
# END ANSWER
check("05.3", g_block=g_block, peak_block=peak_block)

# %% [markdown]
# ## Think!
#
# Why does blocking only part of the sodium channels remove spikes altogether, rather than
# making each spike proportionally smaller?
#
# <!-- BEGIN ANSWER -->
# A spike needs the sodium current to outgrow the potassium and leak currents during the
# upstroke, so that depolarisation opens more sodium channels (positive feedback). Below a
# critical `g_na` that loop never takes off: the response is passive, and there is a sharp
# transition instead of a gradual shrinking, the all-or-none property seen from the other
# side.
# <!-- END ANSWER -->
