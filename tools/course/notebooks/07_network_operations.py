# %% [markdown]
# # 07 · Network operations and `TimedArray`
#
# *Estimated time: 45 minutes, and 25 more for
# [the exercises](../exercises/07_network_operations.ipynb).* Previous:
# [06 · I-F curves and noise](06_if_curves_noise.ipynb).
#
# **Objectives.** After this lesson you can
# - run your own Python code during a simulation with `@network_operation`;
# - say what that costs, and why;
# - give a time-varying input with a `TimedArray` instead, where it fits;
# - build an explicit `Network` and give objects their own `Clock`.
#
# ## Setup

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo

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
# **Your turn (07.a).** When exactly is a network operation called? Give it `dt=20*ms`,
# let it append the time it receives to the list `calls`, and run 100 ms.

# %%
start_scope()
G = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact")
calls = []
# BEGIN ANSWER


@network_operation(dt=20 * ms)
def record_call(t):
    calls.append(t)


run(100 * ms)
print(calls)
# END ANSWER
check("07.a", calls=calls)

# %% [markdown]
# So the first call comes at the very start of the run, and the last one 20 ms before its
# end: an operation with `dt=20*ms` in a 100 ms run is called five times.
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
# new ones. Section 4 says more about `Network`.
#
# **Think!** A network operation with `dt=100*ms` in a 1 s run: how many times does the
# loop stop? Would that be a problem?
#
# <!-- BEGIN ANSWER -->
# Ten times (at 0, 100, ... 900 ms): negligible. The cost is per call, so rare calls are
# cheap.
# <!-- END ANSWER -->
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
# Value $k$ holds for $k\,dt \le t < (k+1)\,dt$, that is
# $I_{ext}(t) = \mathtt{values}[\lfloor t/dt \rfloor]$; after the end the last value holds. A 2-D
# TimedArray gives each neuron its own input: `I_ext(t, i)`. The method is `euler` here,
# a safe choice for an input that jumps: the value is read once per step.
#
# **Think!** Which of these need a network operation, and which fit a TimedArray?
# (a) a stimulus recorded in an experiment, (b) stopping the run when the population rate
# exceeds 100 Hz, (c) a sinusoidal input.
#
# <!-- BEGIN ANSWER -->
# (a) TimedArray; (b) network operation: it depends on the simulation's own state;
# (c) neither: `sin(2*pi*f*t)` can be written in the equations directly.
# <!-- END ANSWER -->
#
# ## 4. Explicit networks and clocks
#
# `run()` simulates every object created since `start_scope()` (the *magic* network). A
# `Network(...)` holds exactly the objects you give it, and `net.run(...)` simulates only
# those: several independent simulations can live in one notebook, each with its own time
# `net.t`, continued by the next `net.run`.
#
# Every object runs on a `Clock`. `dt=` on a group or monitor gives it a clock of its own
# (lesson 03); an explicit `Clock(dt=...)` can be shared by several objects with `clock=`.
# Below the neuron is integrated at 0.01 ms and recorded at 1 ms: a precise simulation,
# with a small record.

# %%
start_scope()
fine = Clock(dt=0.01 * ms)
coarse = Clock(dt=1 * ms)
G = NeuronGroup(1, eqs, threshold="v > V_t", reset="v = V_r", refractory=tau_ref,
                method="exact", clock=fine)
G.I = 1.5
Vmon = StateMonitor(G, "v", record=0, clock=coarse)
Smon = SpikeMonitor(G)
net = Network(G, Vmon, Smon)
net.run(50 * ms)
print(net, "at", net.t, "with", len(Vmon.t), "samples")
net.run(50 * ms)
print("continued to", net.t, "with", len(Vmon.t), "samples; spikes at", Smon.t[:4], "...")

# %% [markdown]
# The spikes come at 7.62, 20.24 ... ms: with a 0.01 ms step the threshold crossing is
# noticed within 0.01 ms, while the monitor keeps only one sample per millisecond.
#
# ## Summary
#
# - `@network_operation(dt=...)`: Python called during the run, for what equations cannot
#   say.
# - Each call leaves the compiled loop: call rarely, or not at all.
# - Inputs known in advance: `TimedArray(values, dt)`, used as `I_ext(t)` in equations.
# - `Network(...)` simulates exactly the objects given to it; `Clock(dt=...)` with
#   `clock=` (or `dt=`) gives objects their own time step.
#
# ## Interactive demo
#
# A square-wave input of amplitude $A$ and period $T$,
#
# $$I(t) = \begin{cases} A & \text{if } t \bmod T < T/2, \\ 0 & \text{otherwise,}
#   \end{cases}$$
#
# given either way. Tick *set the input from Python at every step*
# (`use_network_operation`) and watch the wall time in the status line; the spikes stay
# the same.

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson07 import panel

panel()

# %% [markdown]
# Exercises: [07 · Network operations, exercises](../exercises/07_network_operations.ipynb)
# (worked answers in [solutions/](../solutions/07_network_operations.ipynb)). This is the
# end of part 1 of the course. Next: [08 · The multi-scale neuron](08_multiscale_neuron.ipynb).
