# %% [markdown]
# # 00 · Start here
#
# This course teaches how to **simulate spiking neurons**: what the equations of a neuron
# mean, how a simulator turns them into numbers, and how to read what comes out. You write
# the same code you would write for [Brian2](https://brian2.readthedocs.io); here it runs
# on **labkit**, a small simulator with Brian2's interface (`from labkit import *`), which
# compiles each model once so that you can move a slider and see the result at once.
#
# ## How a lesson works
#
# Every lesson has the same rhythm:
#
# 1. **Objectives**: what you will be able to do at the end.
# 2. **Sections**, each with an explanation, code to run and read, and a question to think
#    about.
# 3. **A live panel** at the end: sliders for the model's parameters, plots that follow.
# 4. **Exercises** in a separate notebook (`exercises/NN_name.ipynb`): each one ends with a
#    `check(...)` call that tells you what is right, what is wrong, and gives a hint,
#    without giving the answer away. The worked answers are in `solutions/`.
#
# ## Running the course
#
# - **On your machine**: `make lab` in the repository creates a virtual environment,
#   installs labkit and opens JupyterLab on this notebook.
# - **On Binder**: the `binder/` folder describes the environment; the first run of each
#   lesson is fast because Binder compiled every lesson's models when it built the image.
# - **In your own notebook**: `pip install -e .` in the repository, then
#   `from labkit import *`.
#
# Run a notebook from the top (*Run → Run All Cells*): later cells use what earlier ones
# defined.
#
# ## The lessons
#
# | lesson | what it teaches |
# |---|---|
# | [01 units](01_units.ipynb) | physical units and dimension checks; units in equations |
# | [02 lif](02_lif.ipynb) | the leaky integrate-and-fire neuron: equation, threshold, reset, refractoriness, `run` |
# | [03 monitors](03_monitors.ipynb) | recording: `StateMonitor`, `SpikeMonitor`, `PopulationRateMonitor` |
# | [04 synapses](04_synapses.ipynb) | connecting neurons: `Synapses`, `on_pre`, weights, delays, `connect` rules |
# | [05 hodgkin_huxley](05_hodgkin_huxley.ipynb) | the Hodgkin-Huxley model: channels, gating, the action potential |
# | [06 if_curves_noise](06_if_curves_noise.ipynb) | input-frequency curves; noise with `xi` |
# | [07 network_operations](07_network_operations.ipynb) | Python during a run, and `TimedArray` |
#
# ## Check your setup
#
# The next cell imports labkit and runs a tiny simulation. If it prints a spike count,
# everything works.

# %%
from labkit import *

start_scope()
G = NeuronGroup(1, "dv/dt = (1.2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                method="exact")
spikes = SpikeMonitor(G)
run(100 * ms)
print(f"{spikes.num_spikes} spikes in 100 ms")

# %% [markdown]
# ## What a panel looks like
#
# Lessons end with panels like this one. `@live` (from `labkit.widgets`) turns a function
# that builds and runs a simulation into a panel: each keyword gets a slider with its unit,
# and the function re-runs when a slider moves. The status line says how long a run took;
# when runs are fast (under ~0.1 s) the plots follow the slider while you drag it.
#
# Try it: move `tau` and `drive`. (In a static view of this notebook, e.g. on GitHub, the
# panel does not show: run the cell.)

# %% tags=["nbval-ignore-output"]
from labkit.widgets import live


@live(tau=(1 * ms, 100 * ms, "log"), drive=(0.5, 3.0))
def first_panel(tau=10 * ms, drive=1.2):
    start_scope()
    G = NeuronGroup(1, "dv/dt = (drive - v)/tau : 1", threshold="v > 1", reset="v = 0",
                    method="exact")
    trace = StateMonitor(G, "v", record=0)
    spikes = SpikeMonitor(G)
    run(100 * ms)
    return trace, spikes

# %% [markdown]
# This small function builds a new network on every call (`start_scope()` first, so that
# `run()` does not also see the group of the cell above). That is simple, and it does not
# recompile on every call only because labkit caches compiled kernels by the model's
# structure. The lesson
# panels go one step further and *reuse* one network, restoring its initial state before
# each run (`labkit.widgets.NetworkModel`).
#
# Next: [01 · Units](01_units.ipynb).
