# %% [markdown]
# # 00 · Start here
#
# *Estimated time: 20 minutes.* Next: [01 · Units](01_units.ipynb).
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
# 2. **Sections**, each with an explanation, code to run and read, a short exercise
#    (**Your turn**) and a question to think about (**Think!**). A "Your turn" cell holds a
#    `todo(...)` blank: replace it with your code and run the cell; its `check(...)` tells
#    you what is right, what is wrong, and gives a hint, without giving the answer away.
#    Each "Think!" answer is folded: think first, then click *Show an answer*.
# 3. **A live panel** at the end: sliders for the model's parameters, plots that follow.
# 4. **Exercises** in a separate notebook in `exercises/`, linked from each lesson,
#    checked the same way. The worked answers are in `solutions/` (the lessons' own
#    answers in `solutions/lessons/`).
#
# A blank raises an error until you fill it in, so *Run All* shows a red box at each
# "Your turn" cell: that is expected, and the rest of the lesson runs on.
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
# ## What simulating spiking networks is good for
#
# A simulator such as Brian2 (and labkit, which follows its interface) takes a model
# written as equations, a threshold, a reset and synapses, and computes what every neuron
# does, step by step. You write the *model*; the simulator writes and compiles the loop.
#
# - **Scales.** From a single neuron (lessons 02-05) through populations of thousands
#   (the CUBA and COBAHH benchmarks: 4000 neurons, hundreds of thousands of synapses, a
#   second of biological time in a fraction of a second) to networks of about a million
#   neurons on one machine. Below that, a neuron can be split into compartments (spatial
#   neurons, lesson 10); above it, brain-scale models need specialised simulators such as
#   NEST or GeNN.
# - **Strengths.** Models are written as mathematics with physical units, and checked:
#   a term in mA added to one in mV is an error, not a silent bug. Changing a model means
#   changing a string, not rewriting a solver, which suits exploring and teaching. The
#   generated code is fast (compiled loops; C++ standalone for long runs, lesson 11).
# - **Weaknesses.** Python code that runs *during* a simulation (lesson 07) is slow; very
#   large models need more memory than one machine has; detailed morphologies are easier
#   in NEURON; and a simulation is only as good as its time step and its model: an
#   integrate-and-fire neuron does not make real action potentials (lessons 02 and 05 show
#   the difference).
#
# To read more:
#
# - M. Stimberg, R. Brette, D. F. M. Goodman (2019), *Brian 2, an intuitive and efficient
#   neural simulator*, eLife 8:e47314.
# - W. Gerstner, W. M. Kistler, R. Naud, L. Paninski (2014), *Neuronal Dynamics*, Cambridge
#   University Press (free online; exercises in the neurodynex3 package).
# - P. Dayan, L. F. Abbott (2001), *Theoretical Neuroscience*, MIT Press: chapters 5-7 for
#   neuron models and networks.
# - A. L. Hodgkin, A. F. Huxley (1952), J. Physiol. 117:500-544, the model of lesson 05.
# - R. Brette et al. (2007), *Simulation of networks of spiking neurons: a review of tools
#   and strategies*, J. Comput. Neurosci. 23:349-398, where CUBA and COBAHH come from.
#
# ## The lessons
#
# | lesson | what it teaches | exercises | status |
# |---|---|---|---|
# | 00 start here (this notebook) | how the course works, the simulator in one cell, a first live panel | - | ready |
# | [01 units](01_units.ipynb) | physical units and dimension checks; units in equations | [01](../exercises/01_units.ipynb) | ready |
# | [02 lif](02_lif.ipynb) | the leaky integrate-and-fire neuron: equation, threshold, reset, refractoriness, `run` | [02](../exercises/02_lif.ipynb) | ready |
# | [03 monitors](03_monitors.ipynb) | recording: `StateMonitor`, `SpikeMonitor`, `PopulationRateMonitor` | [03](../exercises/03_monitors.ipynb) | ready |
# | [04 synapses](04_synapses.ipynb) | connecting neurons: `Synapses`, `on_pre`, weights, delays, `connect` rules | [04](../exercises/04_synapses.ipynb) | ready |
# | [05 hodgkin_huxley](05_hodgkin_huxley.ipynb) | the Hodgkin-Huxley model: channels, gating, the action potential | [05](../exercises/05_hodgkin_huxley.ipynb) | ready |
# | [06 if_curves_noise](06_if_curves_noise.ipynb) | input-frequency curves; noise with `xi` | [06](../exercises/06_if_curves_noise.ipynb) | ready |
# | [07 network_operations](07_network_operations.ipynb) | Python during a run, and `TimedArray` | [07](../exercises/07_network_operations.ipynb) | ready |
# | [08 multiscale_neuron](08_multiscale_neuron.ipynb) | a neuron built from feedback on three timescales: spikes, bursts, I-V curves, a running GUI demo | [08](../exercises/08_multiscale_neuron.ipynb) | ready |
# | [09 neuromodulation](09_neuromodulation.ipynb) | synapses that change a neuron's parameter: tonic spiking to bursting and back | [09](../exercises/09_neuromodulation.ipynb) | ready |
# | [10 spatial_neurons](10_spatial_neurons.ipynb) | neurons with a shape: `Morphology`, `SpatialNeuron`, the cable equation, a spike travelling along an axon | [10](../exercises/10_spatial_neurons.ipynb) | ready |
# | [11 cpp_standalone](11_cpp_standalone.ipynb) | C++ standalone: where a simulation's time goes, the generated project, re-runs without a compile, when it pays off | [11](../exercises/11_cpp_standalone.ipynb) | ready |
# | [12 eye_movements](12_eye_movements.ipynb) | smooth pursuit: a closed loop of retina, motoneurons and eye; linked variables; a running demo | [12](../exercises/12_eye_movements.ipynb) | ready |
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
