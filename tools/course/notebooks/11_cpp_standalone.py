# %% [markdown]
# # 11 · C++ standalone
#
# *Estimated time: 45 minutes, and 25 more for
# [the exercises](../exercises/11_cpp_standalone.ipynb).*
# Previous: [10 · Spatial neurons](10_spatial_neurons.ipynb).
#
# **Objectives.** After this lesson you can
# - say what `set_device('cpp_standalone')` does: it turns a run into a C++ project,
#   compiles it, runs it as a program of its own and reads the results back;
# - measure where a simulation's time goes (building, compiling, simulating) on the
#   runtime, numpy and C++ standalone devices;
# - open a generated project, and build and run it without Python, with `make`;
# - re-run a compiled program with new values (`device.run(run_args=...)`), and tell which
#   changes need a new compile;
# - name what standalone cannot do (`network_operation`), and build several networks in
#   one script, Brian2's way (`device.reinit()`);
# - decide from measurements when standalone pays off.
#
# Cells marked **Your turn** are short exercises: replace the `todo(...)` line with your
# answer and run the cell; `check(...)` says what is right and gives a hint. Answers to the
# **Think!** questions are folded: think first, then click *Show an answer*.
#
# The timings in this notebook are measured when you run it: yours will differ from the
# saved ones, and from one run to the next on a busy machine. The spike counts do not.
#
# ## Setup

# %%
import json
import subprocess
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from labkit import *
from labkit.lessons import check, todo

# %% [markdown]
# ## 1. One network, three devices
#
# A **device** is what executes a model. labkit has three, chosen with `set_device(...)`
# before a run:
#
# | device | what `run()` does | like, in Brian2 |
# |---|---|---|
# | `'runtime'` (the default) | generates one loop over all time steps, compiles it with Numba, calls it | — (labkit's own) |
# | `'numpy'` | runs each operation of each step as numpy calls from Python | runtime mode: back in Python at every step |
# | `'cpp_standalone'` | generates a C++ project, compiles it with `g++`, runs the program, reads its results | standalone mode |
#
# The model does not change: the same script runs on each. Our test network is **CUBA**
# (Brette et al. 2007, benchmark 2; Brian2's `examples/CUBA.py`): leaky integrate-and-fire
# neurons with exponential synaptic currents, 80 % excitatory and 20 % inhibitory, each
# neuron receiving about 80 synapses (at N = 4000 that is the benchmark's p = 0.02).
# `cuba(N)` builds it and returns it as a `Network`, not yet run, so that we can time the
# building and the running apart. The objects get names (`name="neurons"`, ...): a
# compiled loop depends on the objects' order in the schedule, which follows their names,
# so fixed names mean one compiled program for every network this notebook builds.

# %%
taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
we, wi = (60 * 0.27 / 10) * mV, (-20 * 4.5 / 10) * mV
eqs = """
dv/dt  = (ge + gi - (v - El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""


def cuba(N):
    """N neurons -> (Network, SpikeMonitor), built and not yet run."""
    P = NeuronGroup(N, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                    method="exact", name="neurons")
    P.v = "Vr + rand() * (Vt - Vr)"
    Ne = int(0.8 * N)
    Ce = Synapses(P[:Ne], P, on_pre="ge += we", name="exc")
    Ci = Synapses(P[Ne:], P, on_pre="gi += wi", name="inh")
    Ce.connect(p=min(1, 80 / N))
    Ci.connect(p=min(1, 80 / N))
    spikes = SpikeMonitor(P, name="spikes")
    return Network(P, Ce, Ci, spikes), spikes


# %% [markdown]
# To split a simulation's time we run the same network twice. The first `run()` of a
# model structure compiles its code (or loads it from a cache); `restore()` then puts the
# network back to its initial state, and the second, identical `run()` is the simulation
# alone. The difference is the compile.

# %%
def timed(N, duration=200 * ms):
    """Build and run the network twice on the current device -> seconds per part."""
    seed(11)
    started = time.perf_counter()
    net, spikes = cuba(N)
    built = time.perf_counter()
    net.store()
    net.run(duration)             # the first run of this structure: compiles (or loads)
    first = time.perf_counter()
    net.restore()
    net.run(duration)             # the same run again: the simulation alone
    again = time.perf_counter()
    return {"build": built - started, "compile": max(0.0, (first - built) - (again - first)),
            "simulate": again - first, "spikes": spikes.num_spikes}


# %% [markdown]
# The C++ project goes into a new, empty directory, so that you see a real compile. (With
# no `directory=`, labkit keeps built programs in its cache, one per model structure, and a
# later session with the same model compiles nothing; on Binder the image was built that
# way.)
#
# `N` is the network's size for sections 1 and 3. It is small, so that the notebook runs
# in a minute anywhere; on your own machine, set `N = 4000` (the benchmark's size) and run
# the sections again: the compile stays the same, the simulations grow.

# %% tags=["nbval-ignore-output"]
N = 1000
set_device("runtime")
cuba(100)  # the session's one-time costs (imports, solving the equations) are not timed
project = Path(tempfile.mkdtemp(prefix="cuba-"))
devices = {"runtime": {}, "numpy": {}, "cpp_standalone": {"directory": project}}
timings = {}
for name, options in devices.items():
    set_device(name, **options)
    timings[name] = timed(N)
    print(f"{name:>15}: " + ", ".join(f"{part} {seconds:.2f} s" for part, seconds in
                                       timings[name].items() if part != "spikes"))
compile_time = timings["cpp_standalone"]["compile"]

# %% [markdown]
# First, the devices agree: the same network, seeded the same way, fires the same spikes
# on all three.

# %%
print({name: t["spikes"] for name, t in timings.items()})

# %% tags=["nbval-ignore-output"]
fig, ax = plt.subplots(figsize=(7, 2.4), layout="constrained")
left = np.zeros(len(timings))
for part, color in [("build", "0.6"), ("compile", "C1"), ("simulate", "C0")]:
    widths = np.array([t[part] for t in timings.values()])
    ax.barh(list(timings), widths, left=left, color=color, label=part)
    left += widths
ax.invert_yaxis()
ax.set(xlabel="wall time [s]", title=f"CUBA, {N} neurons, 200 ms")
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# What the bars show (your numbers may differ, the shape does not):
#
# - **build**: creating the groups and drawing 80 N random connections. The compiled
#   devices draw them with compiled code, the numpy device with numpy, block by block.
# - **compile**: `g++` needs several seconds for the C++ project. The runtime device
#   compiles too, with Numba, about a second the first time, but labkit keeps the machine
#   code on disk: once any notebook on this machine ran the model, it is loaded instead.
# - **simulate**: both compiled devices run 2000 steps in a fraction of a second; numpy
#   takes seconds.
#
# **Think!** The numpy device compiles nothing, and each of its operations works on whole
# arrays of N neurons. Why is it still the slowest at simulating?
#
# <!-- BEGIN ANSWER -->
# It goes back to Python at every step, for every operation: the state update, the
# threshold, the spike propagation of each synapse group, the reset, the monitor. That is
# 2000 steps times some ten numpy calls, each with a fixed cost of microseconds to tens
# of microseconds before any arithmetic happens, and the spike propagation loops over the
# few neurons that spiked. A compiled loop pays none of that. Brian2's runtime mode has the
# same cost structure (compiled code per object, called from Python at each step), which is
# why Brian2 recommends standalone mode for large or long simulations.
# <!-- END ANSWER -->
#
# ## 2. The generated project
#
# `cpp_standalone` wrote a complete project into `project`: source files, a `Makefile`
# (and a `CMakeLists.txt`), the inputs the program reads, the program `main`, and the
# results it wrote. (labkit's own bookkeeping files, whose names start with a dot, are
# left out of the listing.)

# %%
for path in sorted(project.iterdir()):
    if not path.name.startswith("."):
        print(path.name + ("/" if path.is_dir() else ""))
print("objects/:", ", ".join(sorted(p.name for p in (project / "objects").glob("*.cpp"))))

# %% [markdown]
# Each simulated object has its own source file in `objects/` (one function per
# operation: the neurons' state update, threshold and reset; each synapse group's spike
# queue and `on_pre`; the monitor). `main.cpp` holds the **schedule**: one loop over the
# time steps that calls the operations in Brian2's order. Here is its start:

# %% tags=["nbval-ignore-output"]
main = (project / "main.cpp").read_text().splitlines()
start = next(k for k, line in enumerate(main) if "static void simulate()" in line)
print("\n".join(main[start:start + 26]))

# %% [markdown]
# The numbers are nowhere in the code: `main` reads them from `static/` when it starts
# (the neurons' state, the connections, `taum`, `we`, the number of steps) and writes
# every array to `results/`. So the directory is a program you can run yourself, without
# Python, for example on a machine of a cluster: `make` builds it (here there is nothing
# left to do), `./main static results` runs it.

# %% tags=["nbval-ignore-output"]
for command in (["make"], ["./main", "static", "results"]):
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=True)
    print("$", " ".join(command), "\n" + done.stdout)

# %% [markdown]
# `results/index.json` lists what the program wrote; the spike monitor's arrays are among
# them (`_n`: how many spikes, `_t` and `_i`: their times and neurons, `_count`: spikes per
# neuron), and `numpy.fromfile` reads them. The program re-ran the last run of `timed`
# (the second one of `cpp_standalone`), so it finds the same spikes:

# %%
index = json.loads((project / "results" / "index.json").read_text())
spike_arrays = {a["name"]: a for a in index["arrays"] if a["object"] == "spikes"}
print("the spike monitor's arrays:", sorted(spike_arrays))


def read(name):
    entry = spike_arrays[name]
    return np.fromfile(project / "results" / entry["file"], dtype=entry["dtype"])


prefix = next(name for name in spike_arrays if name.endswith("_n"))[:-2]
n = int(read(prefix + "_n")[0])
print("spikes in results/:", n, "  in Python:", timings["cpp_standalone"]["spikes"])
print("the first spike times [ms]:", np.round(read(prefix + "_t")[:5] * 1000, 1))

# %% [markdown]
# The device keeps a log of where its time went (`device.timings`, summed over this
# notebook's standalone runs): generating the code, compiling it, writing the inputs,
# running the program (of which the loop itself, as the program measures it) and reading
# the results.

# %% tags=["nbval-ignore-output"]
print({part: round(seconds, 3) for part, seconds in device.timings.items()})

# %% [markdown]
# **Think!** A standalone run of this network takes longer than the program's own
# `loop` time. Where does the rest go, and when does it matter?
#
# <!-- BEGIN ANSWER -->
# Into starting a new process and passing every array through files: writing `static/`
# before, reading `results/` after (`write`, `read`, and the part of `run` that is not
# `loop`). It is a fixed cost per run, tens to hundreds of milliseconds here, that does not
# grow with the simulated duration: it matters for short runs and for many re-runs (a
# slider), not for one long simulation.
# <!-- END ANSWER -->
#
# ## 3. New values without a compiler
#
# Brian2's standalone mode *records* the whole script and writes it out as code at the
# end, with every constant in the code: a new `we`, a new `N` or a new duration means new
# code and a new compile. Since Brian2 2.6, `device.run(run_args={G.v: ...})` gives new
# initial values to a group's *variables* without compiling, but a constant such as `we`
# must first become a variable of a group.
#
# labkit's programs read every number when they start, so more can change without `g++`:
#
# | change | Brian2 standalone | labkit `cpp_standalone` |
# |---|---|---|
# | a constant (`we`, `taum`) | new compile | `device.run(run_args={'we': 2*mV})` |
# | a variable's initial value (`G.v`) | `run_args={G.v: ...}` | the same |
# | the size `N`, the duration, `dt` | new compile | a new `run()`, no compile |
# | an equation, a threshold or reset, the method, a new object (a monitor) | new compile | new compile |
#
# `device.run(run_args=...)` runs the last run again, from the state it started from,
# with the new values. Watch `device.compile_count`, the number of times `make` ran in this
# notebook:

# %%
set_device("cpp_standalone", directory=project)
seed(11)
net, spikes = cuba(N)
net.run(200 * ms)
print(spikes.num_spikes, "spikes with we =", we)
compiles = device.compile_count

# %% tags=["nbval-ignore-output"]
started = time.perf_counter()
device.run(run_args={"we": 2 * mV})
print(f"{spikes.num_spikes} spikes with we = 2 mV, in {time.perf_counter() - started:.2f} s;"
      f" compiles since: {device.compile_count - compiles}")

# %% [markdown]
# More excitation, more spikes, and no compile: a re-run costs what the program's
# launch and its run cost.
#
# **Your turn (11.b).** Re-run the program with `we` set to each of the five `values`
# below and collect the mean rate of each run, `spikes.num_spikes / (N * duration)` with
# the lesson's `N` and 200 ms, in the list `rates`. The compiler must stay idle.

# %%
values = [0.5, 1.0, 1.5, 2.0, 2.5] * mV
rates = []
# BEGIN ANSWER
for value in values:
    device.run(run_args={"we": value})
    rates.append(spikes.num_spikes / (N * 200 * ms))
print(rates)
# END ANSWER
check("11.b", N=N, values=values, rates=rates)

# %% [markdown]
# **Think!** labkit passes `N` to the program; Brian2 writes it into the code. What can a
# compiler do with a size it knows?
#
# <!-- BEGIN ANSWER -->
# Arrays of known size can be allocated statically and loops with known bounds can be
# unrolled or vectorised without a check for the remainder; Brian2's design also records
# the whole script, initialisation included, as code. The gain is small for loops over
# thousands of neurons; the cost is a compile for every size. labkit's rule, "compile the
# structure, pass the values", keeps one program for every size: the sweep in section 5
# compiles nothing.
# <!-- END ANSWER -->
#
# ## 4. What standalone cannot do, and several networks
#
# The program runs without Python, so nothing written in Python can run *during* the
# simulation. A `network_operation` (lesson 07) is refused, before anything runs, with an
# error that says what to do:

# %%
@network_operation(dt=10 * ms)
def report():
    print("t =", defaultclock.t)


seed(11)
net, spikes = cuba(400)
net.add(report)
try:
    net.run(50 * ms)
except Exception as error:
    print(f"{type(error).__name__}: {error}")

# %% [markdown]
# Brian2 builds *one* project per script: `run()` only records, and the project is built
# at the end (or at `device.build()`). To simulate a second network in the same script,
# Brian2 scripts call `device.reinit()` (forget everything recorded and the options) and
# `device.activate()` (choose the device again). labkit runs this pattern as Brian2 does,
# so such scripts run unchanged. Without `directory=`, the project goes into labkit's
# cache:

# %%
set_device("cpp_standalone", build_on_run=False)      # run() records, build() runs
seed(11)
first, first_spikes = cuba(1000)
first.run(200 * ms)
print("after run():", first_spikes.num_spikes, "spikes (nothing ran yet)")
device.build()
print("after device.build():", first_spikes.num_spikes, "spikes")

device.reinit()
device.activate(build_on_run=False)
seed(11)
second, second_spikes = cuba(2000)
second.run(200 * ms)
device.build()
print("second network:", second_spikes.num_spikes, "spikes")

# %% [markdown]
# labkit does not need the ritual: with `build_on_run=True` (the default) every `run()` is
# a program of its own, and a second network, or a second `run()` that continues the
# first, just runs. What must stay outside is Python *during* a run.
#
# ## 5. When does it pay off?
#
# Each device has a fixed cost, paid once per model structure (the compile), and a cost
# per step that grows with the network. We measure the second, for sizes from 100 to
# 20 000 neurons: each network is built once, then run for 100 ms on each device from the
# same state (its programs are compiled already). A plain loop, not `sweep` (lesson 06):
# timings taken in parallel worker processes would compete for the same cores. (The
# largest network, with its 1.6 million synapses, takes a few seconds to build.)

# %% tags=["nbval-ignore-output"]
sizes = [100, 400, 1600, 6400, 20000]
rows = []
for size in sizes:
    set_device("runtime")
    seed(11)
    net, spikes = cuba(size)
    net.store()
    row = {"N": size}
    for name, options in devices.items():
        set_device(name, **options)
        net.restore()
        started = time.perf_counter()
        net.run(100 * ms)
        row[name] = time.perf_counter() - started
    rows.append(row)
table = pd.DataFrame(rows)
table

# %% tags=["nbval-ignore-output"]
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
for name, color in [("runtime", "C2"), ("numpy", "C3"), ("cpp_standalone", "C0")]:
    ax.plot(table["N"], table[name], "o-", color=color, label=name)
ax.plot(table["N"], compile_time / 10 + table["cpp_standalone"], "o--", color="C0",
        alpha=0.5, label="cpp_standalone, its compile spread over 1 s")
ax.set(xscale="log", yscale="log", xlabel="neurons N", ylabel="wall time per 100 ms [s]",
       title="CUBA: simulating 100 ms")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")  # off the lines
plt.show()

# %% [markdown]
# Read the lines:
#
# - **numpy** has a floor: at 100 neurons it still pays Python's cost per step. Above a few
#   thousand neurons its time grows with N.
# - **cpp_standalone** has a floor too, the launch of its program and the files (tens of
#   milliseconds), then grows with N, much more slowly than numpy.
# - **runtime** has neither: its compiled loop is called in the same process, with the
#   arrays in memory. labkit's default device is already a compiled whole-run loop, the
#   idea behind standalone, so standalone does not beat it on this network.
#
# Against numpy (the cost model of Brian2's runtime mode) the question is whether the
# compile is won back. The dashed line adds one tenth of the compile to each 100 ms: the
# cost per 100 ms of a fresh script that simulates one second. Where it falls below numpy's
# line, standalone pays off.
#
# **Your turn (11.a).** For a fresh script that simulates **one second**: standalone pays
# its compile once, then ten times its 100 ms run; numpy pays ten times its 100 ms run.
# Compute `total_numpy` and `total_cpp` (seconds, one per size, from `table` and
# `compile_time`), and `crossing`, the first size in `sizes` at which standalone is
# faster (`None` if it never is).

# %%
# BEGIN ANSWER
total_numpy = 10 * table["numpy"].to_numpy()
total_cpp = compile_time + 10 * table["cpp_standalone"].to_numpy()
faster = total_cpp < total_numpy
crossing = table["N"][faster].iloc[0] if faster.any() else None
print("standalone is faster from N =", crossing)
# END ANSWER
check("11.a", table=table, compile_time=compile_time, total_numpy=total_numpy,
      total_cpp=total_cpp, crossing=crossing)

# %% [markdown]
# **Think!** Where does the crossing move for a simulation of 10 s instead of 1 s? And for
# a model with far more work per neuron, such as Hodgkin-Huxley neurons (lesson 05)?
#
# <!-- BEGIN ANSWER -->
# To smaller networks in both cases. The compile is paid once, whatever the duration, so
# the longer the simulation, the smaller its share: for 10 s, standalone wins against numpy
# from a few hundred neurons or fewer. A heavier model makes every step cost more, in
# numpy's per-element arithmetic as in the compiled loop, but numpy's cost grows much
# faster (each operation's temporary arrays, several passes over memory), so the compile
# is won back sooner. The rule of thumb of the course material: standalone pays off for
# large networks, heavy models and long runs; for a quick look at a small model, the
# compile is not worth it.
# <!-- END ANSWER -->
#
# What standalone offers in labkit, where the default device is already compiled: a
# program that runs without Python (copy the directory to another machine, `make`,
# `./main`), OpenMP threads for large models (`set_device('cpp_standalone', threads=4)`),
# and Brian2 standalone scripts that run unchanged.
#
# ## Summary
#
# - `set_device('cpp_standalone')` turns each run into a C++ project, compiled with `make`
#   and run as its own program; the results come back into the monitors as on any device.
# - A simulation's time splits into building (Python), compiling (once per structure) and
#   simulating. Compiled devices simulate many times faster than numpy; standalone pays a
#   compile of seconds and a launch of tens of milliseconds per run.
# - The project is a program of its own: `make`, then `./main static results`.
# - labkit's programs read every number at start: `device.run(run_args=...)` re-runs with
#   new constants or initial values, and a new size or duration needs no compile. A new
#   equation, threshold, reset or object does.
# - No Python during a standalone run: `network_operation` is refused. Brian2's
#   `device.reinit()` / `device.activate()` pattern for several networks works as in
#   Brian2.
# - Standalone pays off against a step-by-step simulator once the simulation is large or
#   long enough to win its compile back.
#
# ## Interactive demo
#
# The CUBA network again, 200 ms, with its weights on sliders and a choice of device; the
# status line says how long each run took. Things to try: compare the devices at each size
# (the first run on `cpp_standalone` may compile, the next ones only launch the program);
# set `we` to 0 (the neurons still fire: their resting potential, $E_l = -49$ mV, is above
# the threshold), then raise it to 3-4 mV, where the network fires in synchronous volleys;
# take the inhibition away ($w_i \to 0$) and watch the rate run away.

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson11 import panel

set_device("runtime")
panel()

# %% [markdown]
# Exercises: [11 · C++ standalone, exercises](../exercises/11_cpp_standalone.ipynb)
# (worked answers in [solutions/](../solutions/11_cpp_standalone.ipynb)).
# Next: [12 · Smooth pursuit eye movements](12_eye_movements.ipynb).
