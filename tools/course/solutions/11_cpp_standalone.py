# %% [markdown]
# # 11 · C++ standalone — exercises
#
# The lesson's network, from the library: `cuba(N)` builds the CUBA network of N neurons
# (the lesson's names, equations and constants) and returns `(network, spike_monitor)`, not
# yet run; its runs take the synaptic weights by name, `net.run(duration,
# namespace=WEIGHTS)`. The neurons are `spikes.source`. Without `directory=`, the
# `cpp_standalone` device keeps built programs in labkit's cache, so the lesson's network
# is compiled already if you ran the lesson.

# %%
import tempfile
import time

import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo
from labkit.lessons.lesson11 import NEURON_CONSTANTS, WEIGHTS, cuba

# %% [markdown]
# ## Exercise 1: what makes it compile again?
#
# Starting from a program that has run, which of these changes make labkit's
# `cpp_standalone` compile a new one?
#
# - `"weight"`: a new value of a constant the model uses (`device.run(run_args=...)`);
# - `"size"`: the same model with another number of neurons;
# - `"duration"`: the same model run for another duration;
# - `"reset"`: another reset statement;
# - `"monitor"`: one more monitor (a `StateMonitor`).
#
# Predict first, then **measure** with `device.compile_count` (how many times `make` ran)
# on the small model below, and give `recompiles`, a dict from each change to `True`
# (compiles) or `False`. The project goes into a new directory: labkit's cache would find
# programs that an earlier session built, and hide their compile.

# %%
set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix="cells-"))
eqs = """
dv/dt = (I - v)/tau : 1
I : 1
"""


def cells(N=100, reset="v = 0", monitor=False):
    """A small network -> the objects to run (the names are fixed: one structure)."""
    G = NeuronGroup(N, eqs, threshold="v > 1", reset=reset, method="exact", name="cells")
    G.I = "2 * i / N"
    objects = [G, SpikeMonitor(G, name="cell_spikes")]
    if monitor:
        objects.append(StateMonitor(G, "v", record=0, name="cell_trace"))
    return Network(*objects)


tau = 10 * ms
cells().run(100 * ms)          # the starting program (compiled now, or found in the cache)

# %%
# BEGIN ANSWER
def compiled(action):
    """Run action() -> did make run?"""
    before = device.compile_count
    action()
    return device.compile_count > before


recompiles = {
    "weight": compiled(lambda: device.run(run_args={"tau": 20 * ms})),
    "size": compiled(lambda: cells(N=500).run(100 * ms)),
    "duration": compiled(lambda: cells().run(250 * ms)),
    "reset": compiled(lambda: cells(reset="v = 0.5").run(100 * ms)),
    "monitor": compiled(lambda: cells(monitor=True).run(100 * ms)),
}
print(recompiles)
# END ANSWER
check("11.1", recompiles=recompiles)

# %% [markdown]
# ## Exercise 2: everyone starts at reset
#
# The lesson's network starts with random potentials between `Vr` and `Vt`. Brian2's own
# form of `run_args` sets a variable's initial values: `device.run(run_args={G.v: ...})`.
#
# 1. **Predict** `t_first`, the time of the first spikes when every neuron starts at
#    `Vr` (no synaptic input has arrived yet: each `v` relaxes towards `El` with `taum`).
# 2. Run the N = 2000 network (after `seed(11)`) for 200 ms on `cpp_standalone`, then
#    again with every neuron starting at `Vr`, and give that second run's mean rate,
#    `rate`.
#
# Then look at the raster: what do the neurons do after that first volley?

# %%
taum, Vt, Vr, El = (NEURON_CONSTANTS[k] for k in ("taum", "Vt", "Vr", "El"))
# BEGIN ANSWER
t_first = taum * np.log((El - Vr) / (El - Vt))
set_device("cpp_standalone")
seed(11)
net, spikes = cuba(2000)
net.run(200 * ms, namespace=WEIGHTS)
device.run(run_args={spikes.source.v: Vr})
rate = spikes.num_spikes / (2000 * 200 * ms)
print("predicted:", t_first, " first spikes:", spikes.t[:3], " rate:", rate)
plt.figure(figsize=(7, 3))
plt.plot(spikes.t / ms, spikes.i, ",k")
plt.xlabel("t [ms]")
plt.ylabel("neuron")
plt.show()
# END ANSWER
check("11.2", t_first=t_first, rate=rate)

# %% [markdown]
# ## Exercise 3: how long must a simulation be?
#
# Suppose compiling takes 5 s. At N = 2000, measure the wall time of a 100 ms run on the
# numpy device, `run_numpy`, and on `cpp_standalone`, `run_cpp` (in seconds; time a
# *second* run of each, so that no compile is counted). From how much simulated time on,
# `payoff`, does a fresh standalone script beat numpy? (`None` if numpy is not slower.)

# %% tags=["nbval-ignore-output"]
# BEGIN ANSWER
set_device("runtime")
seed(11)
net, spikes = cuba(2000)
net.store()
measured = {}
for name in ["numpy", "cpp_standalone"]:
    set_device(name)
    for _ in range(2):                          # the first run may compile; time the second
        net.restore()
        started = time.perf_counter()
        net.run(100 * ms, namespace=WEIGHTS)
        measured[name] = time.perf_counter() - started
run_numpy, run_cpp = measured["numpy"], measured["cpp_standalone"]
per_second = (run_numpy - run_cpp) / 0.1       # wall seconds saved per simulated second
payoff = 5 * second / per_second if per_second > 0 else None
print(f"numpy {run_numpy:.3f} s, cpp_standalone {run_cpp:.3f} s per 100 ms: standalone pays "
      f"off after {payoff} of simulated time")
# END ANSWER
check("11.3", run_numpy=run_numpy, run_cpp=run_cpp, payoff=payoff)

# %% [markdown]
# ## Think!
#
# In exercise 3 the pay-off duration depends on the network's size. Why does it shrink as
# the network grows, and what would make standalone pay off from the first second?
#
# <!-- BEGIN ANSWER -->
# The compile costs the same for every size (it depends on the model's structure only),
# while the time numpy loses per simulated second grows with the number of neurons and
# synapses: the bigger the network, the sooner the compile is won back. It pays off at once
# when the program is already built: in labkit's cache from an earlier session (or a
# Binder image), or when one compiled program is re-run many times with new values
# (`device.run(run_args=...)`), each run without a compile.
# <!-- END ANSWER -->
