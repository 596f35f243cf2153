# %% [markdown]
# # 10 · Spatial neurons
#
# *Estimated time: 55 minutes, and 30 more for
# [the exercises](../exercises/10_spatial_neurons.ipynb).*
# Previous: [09 · Neuromodulating synapses](09_neuromodulation.ipynb).
#
# **Objectives.** After this lesson you can
# - build a neuron's shape from a soma and cylinders, address its parts by section and by
#   distance, and draw it (`plot_morphology`, `plot_dendrogram`);
# - write the cable equation and say what `SpatialNeuron` integrates: a membrane current
#   per area `Im`, point currents such as a synapse, and the axial current from `Ri`;
# - compute a dendrite's length constant and see a potential attenuate along it;
# - explain why the same synapse moves the soma less when it sits far out on a dendrite;
# - tell a dendritic NMDA spike from an ordinary synaptic potential;
# - watch an action potential travel along an axon, measure its velocity, and predict how
#   the velocity grows with the diameter;
# - drive a panel: diameter, length, `Ri` and the synapse's position -> the potentials and
#   the neuron coloured by them.
#
# Cells marked **Your turn** are short exercises: replace the `todo(...)` line with your
# answer and run the cell; `check(...)` says what is right and gives a hint. Answers to the
# **Think!** questions are folded: think first, then click *Show an answer*.
#
# ## Setup

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo
from labkit.spatial import plot_dendrogram, plot_morphology

# %% [markdown]
# ## 1. A neuron with a shape
#
# So far every neuron was a point: one membrane potential. A real neuron has a soma, an
# axon and dendrites hundreds of micrometres long, and the potential differs from place
# to place. A **morphology** describes the shape as a tree of sections, each cut into
# *compartments*, short enough to be isopotential. The simplest is the **ball-and-stick**:
# a spherical soma and one cylindrical dendrite.

# %%
morpho = Soma(diameter=20 * um)
morpho.dend = Cylinder(diameter=2 * um, length=500 * um, n=50)
morpho.dend.L = Cylinder(diameter=1 * um, length=150 * um, n=15)   # two branches at its end
morpho.dend.R = Cylinder(diameter=1 * um, length=100 * um, n=10)
print(morpho.topology())
print("compartments:", morpho.total_compartments, "| sections:", morpho.total_sections)
print("the compartment 100 um along the dendrite:", morpho.dend[100 * um].indices[:])

# %% [markdown]
# Children are attached by name (`morpho.dend.L`); `morpho.dend[100*um]` is the
# compartment at that distance from the dendrite's start. `length`, `diameter`, `area`
# and `distance` (from the soma) are arrays, one value per compartment. Reconstructed
# cells come from SWC files (`Morphology.from_file("cell.swc")`). `plot_morphology`
# draws the tree in the x-y plane (coordinates are generated when the file has none);
# `plot_dendrogram` draws only its topology, each section as long as it is.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3), layout="constrained")
plot_morphology(morpho, axes=left, show_diameter=True)
plot_dendrogram(morpho, axes=right)
right.set_title("dendrogram")
plt.show()

# %% [markdown]
# ## 2. The cable equation
#
# Each compartment is a patch of membrane (capacitance and channels, as in every point
# neuron) joined to its neighbours through the cytoplasm, a resistor. For a cylinder of
# diameter $d$ this becomes, in the limit of short compartments, the **cable equation**:
#
# $$C_m \frac{\partial v}{\partial t} = \frac{d}{4 R_i} \frac{\partial^2 v}{\partial x^2}
#   + I_m, \qquad I_m = g_L (E_L - v) + \dots$$
#
# with $C_m$ the capacitance per area, $R_i$ the axial resistivity (ohm cm) and $I_m$ the
# membrane current per area (positive into the cell). A passive cable has two constants:
#
# $$\tau_m = C_m R_m, \qquad \lambda = \sqrt{\frac{d\, R_m}{4 R_i}},
#   \qquad R_m = 1/g_L.$$
#
# $\tau_m$ says how fast the membrane charges; the **length constant** $\lambda$ how far
# a potential spreads: on a long cable a steady potential falls by $e$ every $\lambda$.
#
# In labkit (as in Brian2) `SpatialNeuron` takes the morphology and a model that defines
# `Im`. It adds the axial currents and integrates $v$ in every compartment at once (an
# implicit step over the whole tree). A current flagged `(point current)` is in amperes
# and goes into one compartment, like an electrode. Here 20 pA flow into the soma until
# the potential no longer changes:

# %%
start_scope()
morpho = Soma(diameter=20 * um)
morpho.dend = Cylinder(diameter=2 * um, length=500 * um, n=50)
eqs = """
Im = gL*(EL - v) : amp/meter**2
I : amp (point current)
"""
gL, EL = 1e-4 * siemens / cm**2, -70 * mV
neuron = SpatialNeuron(morphology=morpho, model=eqs, Cm=1 * uF / cm**2, Ri=150 * ohm * cm)
neuron.v = EL
neuron.I[0] = 0.02 * nA
run(100 * ms)                      # ten membrane time constants: the steady state
print(f"soma: {neuron.v[0]:.2f}; dendrite's end: {neuron.v[-1]:.2f}")
print("time constant:", neuron.time_constant[0])

# %% [markdown]
# **Your turn (10.a).** Compute the dendrite's length constant `lam` from `gL`, the
# diameter (2 µm) and `Ri` (150 ohm cm). Keep the units: labkit converts them.

# %%
# BEGIN ANSWER
lam = np.sqrt(2 * um / (4 * 150 * ohm * cm * gL))
# END ANSWER
check("10.a", lam=lam)

# %% [markdown]
# The simulated steady state against $e^{-x/\lambda}$ ($\lambda$ = 577 µm; the vertical
# line):

# %%
from labkit.lessons.lesson10 import plot_attenuation
from labkit.models.cable import length_constant

plot_attenuation(neuron, length_constant(2 * um))
plt.show()

# %% [markdown]
# **Think!** The simulation lies above the exponential, further and further towards the
# dendrite's end. Why?
#
# <!-- BEGIN ANSWER -->
# The exponential is the solution for a cable that goes on for ever. This dendrite ends
# after 500 µm (less than one $\lambda$), and its end is sealed: no current leaves through
# it, so the charge that would have flowed on piles up and raises the potential. The
# exact solution of a sealed cable is $\cosh((L - x)/\lambda)$, flat at the end. On a
# short dendrite the soma sees more of what happens at the tip than on a long one.
# <!-- END ANSWER -->
#
# ## 3. Where the synapse sits
#
# A synapse is a conductance in one compartment: `Is = gs*(Es - v) : amp (point
# current)` with `gs` decaying in 2 ms, as an AMPA receptor's. Bono and Clopath (2017)
# showed that where synapses sit on a real dendritic tree decides how they learn. The
# first step is simpler: the same synapse (2 nS at 2 ms) near the soma and far out on
# the dendrite. (`synaptic_response` in `labkit.models.cable` builds this ball-and-stick
# with the synapse and runs it 30 ms.)

# %%
from labkit.models.cable import PASSIVE_EQS, synaptic_response

print(PASSIVE_EQS)
near = synaptic_response(position=20 * um)
far = synaptic_response(position=450 * um)
fig, axes = plt.subplots(1, 2, figsize=(9, 3), sharey=True, layout="constrained")
for ax, result, name in zip(axes, (near, far), ("near the soma (20 um)", "far (450 um)")):
    ax.plot(result["t"] / ms, result["v_syn"] / mV, label="at the synapse")
    ax.plot(result["t"] / ms, result["v_soma"] / mV, label="soma")
    ax.set(title=name, xlabel="t [ms]")
axes[0].set_ylabel("v [mV]")
axes[0].legend()
plt.show()
for result, name in ((near, "near"), (far, "far")):
    print(f"{name}: peak at the synapse {result['v_syn'].max() - EL:.2f}, "
          f"at the soma {result['v_soma'].max() - EL:.2f}")

# %% [markdown]
# **Think!** The far synapse depolarises its own compartment about one and a half times
# as much as the near one, yet the soma sees less. Why both?
#
# <!-- BEGIN ANSWER -->
# Locally: a thin dendrite near its sealed end has a high input resistance (little
# membrane and little cable to take the current away), so the same synaptic current makes
# a large local potential. (The driving force $E_s - v$ shrinks as $v$ rises, so it is
# less than proportional.) At the soma: the current must travel 450 µm of cable, leaking
# out through the membrane on the way, and the brief (2 ms) EPSP is also smoothed out by
# the membrane capacitance it charges on its way: a transient attenuates more than a
# steady potential, and it arrives later and broader.
# <!-- END ANSWER -->
#
# ## 4. A dendritic spike: NMDA receptors
#
# Far out on thin dendrites many synapses have **NMDA receptors**. Their channel is
# blocked by magnesium ions at rest; depolarisation pushes the magnesium out. In the model
# the block is a factor $1/(1 + [\mathrm{Mg}]\, e^{-0.062\, v/\mathrm{mV}}/3.57)$ on the
# conductance (Jahr and Stevens), with 1 mM of magnesium, and the conductance decays in
# 50 ms. Bono and Clopath (2017) found that such *NMDA spikes* let distal synapses learn
# without any somatic spike. Here one NMDA synapse 250 µm out on a thin (0.8 µm)
# dendrite, of growing strength, with magnesium and without (`nmda_response` in
# `labkit.models.cable`):

# %%
from labkit.models.cable import NMDA_EQS, nmda_response

print(NMDA_EQS)
weights = [1, 2, 3, 4, 5, 6, 7, 8] * nS
blocked = [nmda_response(w, mg=1.0) for w in weights]
free = [nmda_response(w, mg=0.0) for w in weights]
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3), layout="constrained")
for k in (1, 3, 5, 7):
    line, = left.plot(blocked[k]["t"] / ms, blocked[k]["v_syn"] / mV,
                      label=f"{weights[k] / nS:g} nS")
    left.plot(blocked[k]["t"] / ms, blocked[k]["v_soma"] / mV, "--", color=line.get_color())
left.set(title="1 mM Mg: synapse (solid), soma (dashed)", xlabel="t [ms]", ylabel="v [mV]")
left.legend()
for results, name in ((blocked, "1 mM Mg"), (free, "no Mg")):
    right.plot(weights / nS, [float(r["v_syn"].max() / mV) for r in results], "o-",
               label=name)
right.set(title="peak at the synapse", xlabel="NMDA conductance [nS]", ylabel="v [mV]")
right.legend()
plt.show()

# %% [markdown]
# **Think!** With magnesium the peak creeps up by 2.5-4.5 mV per nS up to 4 nS, then jumps
# by 20 mV between 4 and 6 nS and stays up for tens of milliseconds. Without magnesium
# it grows less and less with every nS. Why the jump, and why the difference?
#
# <!-- BEGIN ANSWER -->
# The block makes the NMDA current grow with the depolarisation it causes: a few mV
# unblock a few more channels, which depolarise further. Below a threshold the leak and
# the cable win and the potential settles; past it the loop runs away, as sodium
# channels' does in an action potential, up to a plateau near -20 mV where the driving
# force ($0 - v$) gets small. It is slow because the conductance itself lasts 50 ms: the
# plateau ends when enough of it has decayed. Without magnesium the conductance is an
# ordinary one, fully open at rest: every nS adds current, but the driving force shrinks
# as $v$ approaches 0 mV, so the response is sublinear. The soma sees the plateau
# attenuated but long, so it adds up: a distal input can signal strongly through a
# dendritic spike, and local plasticity can read it without the soma firing.
# <!-- END ANSWER -->
#
# ## 5. A spike travels along an axon
#
# Give the membrane Hodgkin and Huxley's sodium and potassium channels (lesson 05, here
# with the squid axon's original constants) and a kick at one end: the depolarisation
# opens sodium channels in the next compartments, which depolarise their neighbours, and
# the action potential travels. `travelling_spike` in `labkit.models.cable` builds a 4 mm
# axon of 1 µm (400 compartments), kicks it, records $v$ everywhere and measures the
# velocity between 1 and 3 mm.

# %%
from labkit.lessons.lesson10 import plot_travelling_spike
from labkit.models.cable import travelling_spike

spike = travelling_spike(1 * um)
print(f"velocity: {spike['velocity']:.3f}")
plot_travelling_spike(spike)
plt.show()

# %% [markdown]
# Why the velocity depends on the diameter: the cable equation with the channels has no
# length scale of its own except $\lambda \propto \sqrt{d}$ (the channels' time constants
# do not depend on $d$). Measuring distances in units of $\lambda$ makes every axon the
# same equation, so the spike crosses the same number of $\lambda$ per millisecond: the
# velocity is proportional to $\lambda$, hence to $\sqrt{d}$.
#
# **Your turn (10.b).** Without simulating: with `spike['velocity']` measured above for
# 1 µm, predict the velocity `v_4um` of the same axon with a 4 µm diameter.

# %%
# BEGIN ANSWER
v_4um = spike["velocity"] * np.sqrt(4)
# END ANSWER
check("10.b", v_4um=v_4um)

# %%
diameters = [0.5, 1, 2, 4] * um
speeds = [travelling_spike(d)["velocity"] for d in diameters]
plt.figure(figsize=(5, 3), layout="constrained")
plt.plot(np.sqrt(diameters / um), np.asarray(speeds), "o-")
plt.xlabel("sqrt(diameter / um)")
plt.ylabel("velocity [m/s]")
plt.show()

# %% [markdown]
# The same channels on a squid giant axon (0.5 mm) give $0.56 \cdot \sqrt{500} \approx$
# 12 m/s at 6.3 °C; our 1 µm axon manages half a metre per second. Vertebrates found another way: myelin, which lowers the membrane's
# capacitance and conductance between nodes.
#
# ## Summary
#
# - A morphology is a tree of sections cut into compartments; `SpatialNeuron` couples
#   them by the cable equation and integrates every compartment each step.
# - The model defines `Im` per area; `(point current)` variables (electrodes, synapses)
#   are in amperes and go into one compartment.
# - A steady potential falls by $e$ every $\lambda = \sqrt{d R_m/(4 R_i)}$; a sealed end
#   raises it; a brief synaptic potential attenuates more.
# - A synapse far out on a thin dendrite makes a large local potential and a small one at
#   the soma.
# - NMDA receptors' magnesium block makes distal inputs nonlinear: past a threshold they
#   fire a dendritic spike, a plateau of tens of ms.
# - An action potential travels at a velocity proportional to $\sqrt{d}$.
#
# ## Interactive demo
#
# The panel re-runs the ball-and-stick with a synapse. Things to try: move the synapse
# from the soma to the end and watch both traces; make the dendrite thinner (the local
# peak grows, the soma's falls); raise `Ri`; shorten the dendrite to 100 µm (nearly
# isopotential: the position hardly matters).

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson10 import panel

demo = panel()
demo

# %% [markdown]
# Exercises: [10 · Spatial neurons, exercises](../exercises/10_spatial_neurons.ipynb)
# (worked answers in [solutions/](../solutions/10_spatial_neurons.ipynb)).
# Next: [11 · C++ standalone](11_cpp_standalone.ipynb).
