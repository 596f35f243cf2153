# %% [markdown]
# # 07 · Network operations and `TimedArray`
#
# **Objectives.** After this lesson you can
# - run your own Python code during a simulation with `@network_operation`;
# - say what that costs, and why;
# - give a time-varying input with a `TimedArray` instead, where it fits.
#
# ## Setup

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
from labkit import *

# %% [markdown]
# ## 1. Python during the run
#
# Equations describe what happens continuously; thresholds and resets what happens at a
# spike. Some things are neither: an experimenter who clamps the voltage on a schedule, an
# input read from a file as the simulation goes, a rule that looks at the whole population.
# A **network operation** is a Python function that `run()` calls at regular times during
# the simulation.
#
# The course's example resets the voltages at every step: while the "clamp" is on
# (20-40 ms), the first five neurons are held at 0.

# %%
start_scope()
tau, V_t, V_r, tau_ref = 10 * ms, 0.8, 0, 5 * ms
eqs = """
dv/dt = (-v + I)/tau : 1 (unless refractory)
I : 1
"""
G = NeuronGroup(10, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
G.I = 1.2


@network_operation(dt=defaultclock.dt)
def clamp(t):
    if 20 * ms <= t < 40 * ms:
        G.v[:5] = 0


Vmon = StateMonitor(G, "v", record=[0, 9])
Smon = SpikeMonitor(G)
run(80 * ms)

plt.figure(figsize=(7, 2.5))
plt.plot(Vmon.t / ms, Vmon.v[0], label="neuron 0 (clamped 20-40 ms)")
plt.plot(Vmon.t / ms, Vmon.v[1], label="neuron 9 (free)")
plt.axvspan(20, 40, color="0.9")
plt.xlabel("t [ms]")
plt.ylabel("v")
plt.legend(loc="upper right")
plt.show()
print("spikes of neurons 0 and 9:", Smon.count[0], Smon.count[9])

# %% [markdown]
# The decorator takes `dt` (how often to call the function; `defaultclock.dt` means every
# step). If the function accepts an argument, it gets the current time `t`. Inside, it
# reads and writes the groups' variables like any code outside the run.
#
# ## 2. What it costs
#
# labkit runs a simulation as one compiled loop over all steps. A network operation is
# Python, so the loop has to stop, return to Python, call the function, and start again —
# at every call. With one call per step that dominates the run time:

# %% tags=["nbval-ignore-output"]
start_scope()
plain = NeuronGroup(10, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                    method="exact")
hooked = NeuronGroup(10, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                     method="exact")


@network_operation(dt=defaultclock.dt)
def nothing():
    pass


for label, net in [("without network operation", Network(plain)),
                   ("with one per step", Network(hooked, nothing))]:
    net.run(1 * ms)                       # compile first: the timing compares runs only
    started = time.perf_counter()
    net.run(1 * second)
    print(f"1 s {label}: {(time.perf_counter() - started) * 1e3:.1f} ms")

# %% [markdown]
# (The timings vary from machine to machine; the ratio, usually tens to hundreds, is what
# matters. Brian2 has the same cost in its runtime mode and does not allow network
# operations at all in its C++ standalone mode.) Two explicit `Network`s keep the two
# simulations apart: the magic `run()` refuses to mix objects it has already simulated with
# new ones.
#
# **Think!** A network operation with `dt=100*ms` in a 1 s run: how many times does the
# loop stop? Would that be a problem?
#
# (Ten times (at 0, 100, ... 900 ms): negligible. The cost is per call, so rare calls are
# cheap.)
#
# ## 3. `TimedArray`: input that depends on time
#
# The most common use of a network operation is a time-varying input, `G.I = f(t)`. When
# the input is known in advance, a **TimedArray** is the better tool: an array of values,
# one per interval `dt`, that the equations call like a function, `I_ext(t)`. It is read
# inside the compiled loop — no stop, no Python.

# %%
start_scope()
values = np.zeros(100)
values[20:60] = 1.5                                    # on from 20 to 60 ms
I_ext = TimedArray(values, dt=1 * ms)
G = NeuronGroup(1, """
dv/dt = (-v + I_ext(t))/tau : 1 (unless refractory)
""", threshold="v > V_t", reset="v = V_r", refractory=tau_ref, method="euler")
Vmon = StateMonitor(G, "v", record=0)
Smon = SpikeMonitor(G)
run(100 * ms)
print("spikes at", Smon.t)

# %% [markdown]
# Value `k` holds for `k*dt <= t < (k+1)*dt`; after the end the last value holds. A 2-D
# TimedArray gives each neuron its own input: `I_ext(t, i)`. The method is `euler` here:
# `I_ext(t)` makes the equation time-dependent, which `exact` does not handle.
#
# **Think!** Which of these need a network operation, and which fit a TimedArray?
# (a) a stimulus recorded in an experiment, (b) stopping the run when the population rate
# exceeds 100 Hz, (c) a sinusoidal input.
#
# ((a) TimedArray, (b) network operation — it depends on the simulation's own state,
# (c) neither: `sin(2*pi*f*t)` can be written in the equations directly.)
#
# ## Summary
#
# - `@network_operation(dt=...)`: Python called during the run, for what equations cannot
#   say.
# - Each call leaves the compiled loop: call rarely, or not at all.
# - Inputs known in advance: `TimedArray(values, dt)`, used as `I_ext(t)` in equations.
#
# ## Interactive demo
#
# A square-wave input, given either way. Tick `use_network_operation` and watch the wall
# time in the status line; the spikes stay the same.

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson07 import panel

panel()

# %% [markdown]
# Exercises: `exercises/07_network_operations.ipynb`. This is the end of part 1 of the course.
