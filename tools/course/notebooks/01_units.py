# %% [markdown]
# # 01 · Units and dimension checks
#
# *Estimated time: 35 minutes, and 20 more for [the exercises](../exercises/01_units.ipynb).*
# Previous: [00 · Start here](00_start_here.ipynb).
#
# **Objectives.** After this lesson you can
# - compute with physical quantities (`mV`, `nA`, `Mohm`, `ms`) and read the unit of a result;
# - read a `DimensionMismatchError` and find the term that causes it;
# - get plain numbers out of a quantity (`G.v_`, or dividing by a unit);
# - declare the units of a model's variables: `: 1`, `: volt`, `: amp`.
#
# ## Setup

# %%
import numpy as np
from labkit import *
from labkit.lessons import check, todo

# %% [markdown]
# `from labkit import *` brings in the units, the model classes and `run`, and, as Brian2's
# does, numpy's and pyplot's names (`linspace`, `plot`, ...). It replaces none of Python's
# own functions: `sum`, `input`, `min`, `max`, `abs`, `round`, `all`, `any` are still the
# builtins. (Brian2's star import replaces `sum`, `any`, `all` and `divmod` with numpy's
# versions, and `input` with its module `brian2.input`, so that `input("name? ")` fails;
# labkit's test suite keeps its exported names free of builtins.)

# %%
import builtins

print(sum is builtins.sum, input is builtins.input, max is builtins.max, any is builtins.any)

# %% [markdown]
# ## 1. Quantities carry their units
#
# A neuron's membrane is, electrically, a resistor and a capacitor in parallel. Currents of
# nanoamperes through resistances of megaohms give millivolts; a capacitance of picofarads
# charged through those megaohms takes milliseconds. A simulator that tracks units catches
# the mistakes that hide in these factors of 1000.
#
# In labkit (as in Brian2) every number you give a model is a **Quantity**: a value with
# a physical dimension. Units multiply and divide as in physics. Ohm's law, $V = R I$:

# %%
R = 550 * ohm
I = 2 * amp
V = R * I
print(V)

# %% [markdown]
# The result is a voltage, printed in the most readable unit: 1100 V is `1.1 kV`. (Without
# `print`, the notebook shows the Quantity's `repr`, `1.1 * kvolt`: the same value, written
# so that Python could read it back.) The same
# works for neuron-sized numbers, and for derived quantities such as the membrane time
# constant $\tau = R C$ (ohm times farad is a second):

# %%
R_m = 100 * Mohm
C_m = 200 * pF
print("R_m * 0.15 nA =", R_m * 0.15 * nA)
print("tau = R_m * C_m =", R_m * C_m)

# %% [markdown]
# **Your turn (01.a).** What constant current `I_hold` holds this membrane ($R_m$ =
# 100 MΩ) 15 mV above its resting potential? At steady state all of it flows through $R_m$.

# %%
# BEGIN ANSWER
I_hold = 15 * mV / R_m
print(I_hold)
# END ANSWER
check("01.a", I_hold=I_hold)

# %% [markdown]
# ## 2. A dimension mismatch, and how to read it
#
# Adding a voltage to a current means nothing, and labkit refuses. The cell below raises on
# purpose (it is tagged `raises-exception`, so the notebook still runs to the end):

# %% tags=["raises-exception"]
E_L = -70 * mV
E_L + 0.15 * nA

# %% [markdown]
# Read the message: `DimensionMismatchError` names the operation and the units of both
# operands, and the line below it is yours. (labkit hides its own code from the display;
# `%tb` in a new cell shows the full traceback.) The fix is physics, not code: the current
# must go through a resistance before it can be added to a potential, `E_L + R_m * I`.
#
# Equations are checked too, when a model is built or run. The message quotes your string
# and names the terms whose units differ:

# %% tags=["raises-exception"]
start_scope()
tau = 20 * ms
G = NeuronGroup(1, """
dv/dt = (E_L - v + I)/tau : volt
I : amp
""")
run(1 * ms)

# %% [markdown]
# *The terms of 'E_L + I - v' have different units: 'E_L' has units of volt, 'I' has units
# of amp.* Again `R_m*I` is what is meant.
#
# ## 3. Units in equations: `: 1`, `: volt`, `: amp`
#
# Every line of a model ends with `: unit`, the unit of the variable it defines. Three
# common cases:
#
# - `: volt` — a membrane potential in physical units;
# - `: amp` — a current, often a parameter (`I : amp`, one value per neuron, no equation);
# - `: 1` — dimensionless: a gating variable between 0 and 1, or a "normalised" voltage as
#   in lesson 02's `dv/dt = (-v + I)/tau : 1`.
#
# The right side of `dv/dt = ...` must have the units of `v` per second; labkit checks it.

# %%
start_scope()
eqs = """
dv/dt = (E_L - v + R_m*I)/tau : volt
I : amp
"""
G = NeuronGroup(3, eqs, method="exact")
G.v = E_L
G.I = [0, 0.1, 0.2] * nA
run(100 * ms)
G.v

# %% [markdown]
# After 100 ms = 5 time constants each neuron sits close to its steady state
# `E_L + R_m I`: -70, -60 and -50 mV.
#
# ## 4. Raw values: `G.v_`
#
# Plotting libraries and numpy functions want plain numbers. Two ways to get them:
#
# - `G.v_` (trailing underscore) gives the raw array **in SI base units** (volts, not mV);
# - dividing by a unit gives numbers in that unit: `G.v / mV`.

# %%
print("G.v_    =", G.v_)
print("G.v/mV  =", G.v / mV)

# %% [markdown]
# **Think!** Why does `G.v_` hold numbers like `-0.05` and not `-50`? When would that
# silently give a wrong plot?
#
# <!-- BEGIN ANSWER -->
# The simulator computes in SI base units; the unit is only attached for display. A plot
# of `G.v_` labelled "mV" would be off by a factor of 1000, which is why dividing by the
# unit you put on the axis label is the safer habit.
# <!-- END ANSWER -->
#
# ## Summary
#
# - Quantities multiply like physics: `ohm * amp` is `volt`, `Mohm * pF` is `ms`.
# - `from labkit import *` shadows no Python builtin.
# - A `DimensionMismatchError` names the operands and their units: fix the physics.
# - `: volt`, `: amp`, `: 1` declare a variable's unit; right sides are checked.
# - `G.v_` gives raw SI numbers; `G.v / mV` numbers in mV.
#
# ## Interactive demo: a passive membrane
#
# A current step $I$ charges the membrane towards $E_L + R I$ with time constant $R C$
# (the circuit is drawn in lesson 02):
#
# $$v(t) = E_L + R I \left(1 - e^{-t/(R C)}\right).$$
#
# Change `R`, `C` and `I`: which ones change the time to settle, which ones the final value?

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson01 import panel

panel()

# %% [markdown]
# Exercises: [01 · Units, exercises](../exercises/01_units.ipynb) (worked answers in
# [solutions/](../solutions/01_units.ipynb)). Next: [02 · The LIF neuron](02_lif.ipynb).
