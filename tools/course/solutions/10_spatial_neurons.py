# %% [markdown]
# # 10 · Spatial neurons — exercises
#
# The lesson's models, from the library (`labkit.models.cable`):
# `synaptic_response(position, diameter, length, Ri)` builds a passive ball-and-stick
# (soma 20 µm, a dendrite of 50 compartments), opens a 2 nS synapse at `position` at
# 2 ms, runs 30 ms and returns `t`, `v_soma`, `v_syn`, `v` (every compartment) and
# `peak`; `travelling_spike(diameter)` kicks a 4 mm Hodgkin-Huxley axon and returns `t`,
# `x`, `v`, the spike's `arrival` at each compartment and its `velocity`;
# `length_constant(diameter)` is the formula of the lesson. Passive constants:
# `gL` = 1e-4 S/cm², `EL` = -70 mV, `Cm` = 1 µF/cm², `Ri` = 150 ohm cm.

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo
from labkit.models.cable import synaptic_response, travelling_spike

gL, EL = 1e-4 * siemens / cm**2, -70 * mV

# %% [markdown]
# ## Exercise 1: the length constant, computed and measured
#
# For a dendrite of 1 µm diameter (`Ri` = 150 ohm cm, `gL` above), compute the length
# constant `lam_theory`. Then measure it: build a `SpatialNeuron` whose morphology is a
# single `Cylinder` (1 µm, 3 mm, 300 compartments), with the lesson's passive model and a
# point current of 0.02 nA into compartment 0, run 100 ms, and fit a straight line to
# `log(v - EL)` against `distance` over the first millimetre. Give `lam_measured`
# (`-1/slope`, with its unit).

# %%
# BEGIN ANSWER
lam_theory = np.sqrt(1 * um / (4 * 150 * ohm * cm * gL))
start_scope()
cable = SpatialNeuron(morphology=Cylinder(diameter=1 * um, length=3 * mm, n=300),
                      model="""Im = gL*(EL - v) : amp/meter**2
                               I : amp (point current)""",
                      Cm=1 * uF / cm**2, Ri=150 * ohm * cm)
cable.v = EL
cable.I[0] = 0.02 * nA
run(100 * ms)
x = cable.distance / um
near = x < 1000
slope = np.polyfit(x[near], np.log((cable.v - EL)[near] / mV), 1)[0]
lam_measured = -1 / slope * um
print(f"theory {lam_theory / um:.1f} um, measured {lam_measured / um:.1f} um")
# END ANSWER
check("10.1", lam_theory=lam_theory, lam_measured=lam_measured)

# %% [markdown]
# **Think!** The fit uses only the first millimetre of the 3 mm cable. What would the
# last millimetre do to it?
#
# <!-- BEGIN ANSWER -->
# Near the sealed end the potential flattens (the cosh of the lesson: no current leaves
# through the end), so the slope of `log(v - EL)` there is smaller and the fitted
# "length constant" too long. Three $\lambda$ (1.2 mm) from the end the correction is
# $e^{-2 \cdot 3} \approx 0.25\,\%$: the first millimetre sees an infinite cable.
# <!-- END ANSWER -->
#
# ## Exercise 2: make the spike travel twice as fast
#
# Measure the velocity `speed_slow` of the lesson's 1 µm axon, then choose the diameter
# `diameter_fast` that makes the spike travel twice as fast, and measure `speed_fast`
# with it. Predict before you simulate.

# %%
# BEGIN ANSWER
speed_slow = travelling_spike(1 * um)["velocity"]
diameter_fast = 4 * um             # v ~ sqrt(d): twice the speed needs four times d
speed_fast = travelling_spike(diameter_fast)["velocity"]
print(f"{speed_slow:.3f} -> {speed_fast:.3f}: x {speed_fast / speed_slow:.3f}")
# END ANSWER
check("10.2", diameter_fast=diameter_fast, speed_slow=speed_slow, speed_fast=speed_fast)

# %% [markdown]
# **Think!** A squid doubles its axon's speed by quadrupling its diameter: sixteen times
# the cross-section. How does a vertebrate axon get fast and stay thin?
#
# <!-- BEGIN ANSWER -->
# With myelin: wrapped glia make the membrane between the nodes of Ranvier thick, which
# divides its capacitance and its leak by a hundred or more. Little charge is then needed
# to depolarise the internode, and little leaks out, so the current from one node reaches
# the next one (a millimetre away) nearly undiminished, and the spike jumps from node to
# node. A 10 µm myelinated axon conducts at about 50 m/s; an unmyelinated one would need
# to be millimetres thick.
# <!-- END ANSWER -->
#
# ## Exercise 3: where a synapse loses half its effect
#
# On a thinner and longer dendrite (`diameter=1*um, length=1000*um`), the same synapse
# moves the soma less the further out it sits. Find `position_half`, the distance from
# the soma at which its EPSP at the soma (the peak of `v_soma - EL`) is half of what it is
# for a synapse next to the soma (`position=0*um`). Scan positions in steps of 20 µm.

# %%
geometry = dict(diameter=1 * um, length=1000 * um)
# BEGIN ANSWER
def soma_peak(position):
    return np.max(synaptic_response(position=position, **geometry)["v_soma"] - EL)


reference = soma_peak(0 * um)
positions = np.arange(0, 420, 20) * um
effects = np.array([soma_peak(p) / reference for p in positions])
position_half = positions[np.argmin(np.abs(effects - 0.5))]
plt.figure(figsize=(5, 3), layout="constrained")
plt.plot(positions / um, effects, "o-")
plt.axhline(0.5, color="0.6")
plt.xlabel("synapse's distance from the soma [um]")
plt.ylabel("soma EPSP / EPSP at 0 um")
plt.show()
print("half at", position_half)
# END ANSWER
check("10.3", position_half=position_half)

# %% [markdown]
# ## Think!
#
# The dendrite's length constant is 408 µm, so a *steady* potential would fall to half
# after $\ln 2 \cdot \lambda \approx$ 283 µm. Why does the synaptic potential lose half
# of its effect much closer to the soma?
#
# <!-- BEGIN ANSWER -->
# Because it is brief. A 2 ms conductance change injects a pulse of charge; on its way
# along the cable the pulse spreads out and charges the membrane capacitance it passes,
# so its peak falls faster than a steady potential would (the high frequencies in it see
# a shorter effective length constant, $\lambda / \sqrt{1 + i\omega\tau_m}$ in size).
# The soma receives the same charge, later and spread over a longer time, which a
# neuron's threshold feels as a smaller EPSP.
# <!-- END ANSWER -->
