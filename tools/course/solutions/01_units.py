# %% [markdown]
# # 01 · Units — exercises
#
# Each exercise ends with `check(...)`: it says what is right, what is wrong, and gives a
# hint. Replace each `todo(...)` line with your code and run the cell.

# %%
import numpy as np
from labkit import *
from labkit.lessons import check, todo

# %% [markdown]
# ## Exercise 1: time constant and steady state
#
# A neuron has input resistance `R = 50 MOhm`, capacitance `C = 300 pF` and rests at
# `E_L = -70 mV`. Compute, with units, its membrane time constant `tau` and the potential
# `v_inf` it settles at under a constant current of 0.2 nA.

# %%
# BEGIN ANSWER
R = 50 * Mohm
C = 300 * pF
tau = R * C
v_inf = -70 * mV + R * 0.2 * nA
# END ANSWER
check("01.1", tau=tau, v_inf=v_inf)

# %% [markdown]
# ## Exercise 2: units in equations
#
# Write the equations of a membrane `tau dv/dt = E_L - v + R I` where `v` is in volts and
# `I` is a per-neuron parameter in amperes (the constants `E_L`, `R`, `tau` come from
# outside the equations). The checker builds a group from your string and runs it.

# %%
# BEGIN ANSWER
eqs = """
dv/dt = (E_L - v + R*I)/tau : volt
I : amp
"""
# END ANSWER
check("01.2", eqs=eqs)

# %% [markdown]
# ## Exercise 3: raw values
#
# Make a group with one neuron and a variable `v : volt`, set `v` to -70 mV, and store the
# group's raw values of `v` (an array of plain numbers) in `raw`. Then write -70 mV as a
# plain Python `float` in volts, `volts`, without typing the number -0.07.

# %%
start_scope()
# BEGIN ANSWER
G = NeuronGroup(1, "v : volt")
G.v = -70 * mV
raw = G.v_
volts = float(-70 * mV / volt)
# END ANSWER
check("01.3", raw=raw, volts=volts)

# %% [markdown]
# ## Think!
#
# `E_L + 0.15*nA` raises a `DimensionMismatchError`, but `0.8 + 1` never does, even when
# `0.8` "means" volts in your head. What does that tell you about writing models in
# normalised (dimensionless) units, as lesson 02 does?
#
# <!-- BEGIN ANSWER -->
# Dimensionless models give up the check: every quantity is a plain number, so mixing a
# potential with a current, or ms with s, goes unnoticed. They are fine when every variable
# is deliberately rescaled (as lesson 02's `v` and `I`, both in units of a distance from
# rest); for a model in physical units, keep the units and let the simulator check them.
# <!-- END ANSWER -->
