# %% [markdown]
# # 12 · Smooth pursuit eye movements
#
# *Estimated time: 45 minutes, and 30 more for
# [the exercises](../exercises/12_eye_movements.ipynb).*
# Previous: [11 · C++ standalone](11_cpp_standalone.ipynb).
#
# **Objectives.** After this lesson you can
# - describe a **closed sensorimotor loop**: a retina sees an object, motoneurons move the
#   eye, and the eye's movement changes what the retina sees;
# - explain why this loop is a **negative feedback** loop, and what it takes to break it;
# - write a model of several groups whose variables are read by another group, with
#   `(linked)` variables and `linked_var`, and a moving stimulus driven by noise (`xi`);
# - compute, from a receptive field, which neurons an object drives;
# - measure how well, and how late, the eye follows the object (correlation and lag);
# - drive the running model: the object moves on, the eye follows, and sliders change the
#   muscles, the weights and the object while it runs.
#
# The model is the second case study of the Brian 2 paper: M. Stimberg, R. Brette,
# D. F. M. Goodman (2019), *Brian 2, an intuitive and efficient neural simulator*, eLife
# 8:e47314.
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
from labkit.models.eye_movements import best_lag, receptive_fields

# %% [markdown]
# ## 1. The loop
#
# When an object moves slowly across the visual field, the eyes follow it smoothly, so
# that its image stays near the fovea, the centre of the retina: **smooth pursuit**. The
# model has four parts, each a labkit group or synapses:
#
# 1. **the eye and the object** (one "neuron" holding mechanical variables): the eye's
#    position `x` (from -1, left, to +1, right) and the object's, `x_object`;
# 2. **a retina** of 20 neurons, each with a Gaussian receptive field centred at
#    `x_neuron` (from -1 to 1): a neuron is driven when the object sits at `x_neuron`
#    *relative to the eye*, i.e. when `x_object - x_eye` is close to `x_neuron`;
# 3. **two motoneurons**, "left" (index 0) and "right" (index 1): the retina neurons of
#    the left half of the field (`x_neuron < 0`) excite the left one, those of the right
#    half the right one, the more strongly the further from the centre;
# 4. **the muscles**: each motoneuron spike pulls the eye's rest point `x0` its way
#    (`x0 -= 0.5` for left, `x0 += 0.5` for right), and the eye moves towards `x0`.
#
# Follow an object that moves right: its image moves to the right half of the retina,
# the right motoneuron fires, the eye moves right, and the image moves back to the
# centre, where no neuron fires. Every error produces a movement that **reduces the
# error**: a negative feedback loop, like a thermostat.
#
# ## 2. The model, written as Brian2 would run it
#
# **The eye** is a mass on two antagonistic springs (the muscles) with friction. With the
# springs' rest lengths set by the muscles, the eye's equilibrium is a point `x0`, and
# $$\frac{d^2x}{dt^2} = \alpha (x_0 - x) - \beta \frac{dx}{dt},$$
# a damped spring written as two first-order equations (`x` and `velocity`). Twitches of
# the muscles add up and fade: `x0` jumps at each motoneuron spike and relaxes back to 0
# with `tau_muscle`. **The object** wanders: `noise` is an Ornstein-Uhlenbeck process
# (white noise `xi`, lesson 06), and `x_object` follows it, low-pass filtered, with
# `tau_object`. The noise needs the `euler` method.
#
# `tau_object`, `tau_muscle` and `sigma` (the noise's amplitude, 1 as in the paper) are
# *variables* of the group, not constants: the demo at the end changes them while the
# model runs.

# %%
seed(79620)
alpha = (1 / (50 * ms)) ** 2    # the eye's spring: it settles in about 50 ms
beta = 1 / (50 * ms)            # friction
taum = 20 * ms                  # membrane time constant of every neuron
eqs_eye = """
dx/dt = velocity : 1
dvelocity/dt = alpha*(x0 - x) - beta*velocity : 1/second
dx0/dt = -x0/tau_muscle : 1
dx_object/dt = (noise - x_object)/tau_object : 1
dnoise/dt = -noise/tau_object + sigma*tau_object**-0.5*xi : 1
tau_object : second
tau_muscle : second
sigma : 1
"""
eye = NeuronGroup(1, eqs_eye, method="euler", name="eye")
eye.tau_object = 500 * ms
eye.tau_muscle = 20 * ms
eye.sigma = 1

motoneurons = NeuronGroup(2, "dv/dt = -v/taum : 1", threshold="v > 1", reset="v = 0",
                          refractory=5 * ms, method="exact", name="motoneurons")
motor = Synapses(motoneurons, eye, "w : 1", on_pre="x0 += w", name="motor")
motor.connect()                 # both motoneurons to the eye
motor.w = [-0.5, 0.5]           # left pulls x0 down, right up

# %% [markdown]
# **The retina.** Each neuron integrates its drive
# $I = g\, e^{-((x_{object} - x_{eye} - x_{neuron})/w)^2}$ (gain $g = 4$, width
# $w = 2/N = 0.1$). It needs the eye's `x` and the object's `x_object`, which belong to
# the group `eye`. A **linked variable** reads another group's variable at every step:
# declared `x_eye : 1 (linked)`, then linked with `retina.x_eye = linked_var(eye, 'x')`.
# It has no value of its own and cannot be set; here all 20 neurons read the one value of
# the single eye.

# %%
N = 20
width = 2 / N
gain = 4
eqs_retina = """
I = gain*exp(-((x_object - x_eye - x_neuron)/width)**2) : 1
x_neuron : 1 (constant)
x_object : 1 (linked)
x_eye : 1 (linked)
dv/dt = (I - (1 + gs)*v)/taum : 1
gs : 1
"""
retina = NeuronGroup(N, eqs_retina, threshold="v > 1", reset="v = 0", method="exact",
                     name="retina")
retina.v = "rand()"
retina.x_eye = linked_var(eye, "x")
retina.x_object = linked_var(eye, "x_object")
retina.x_neuron = "-1.0 + 2.0*i/(N - 1)"

sensorimotor = Synapses(retina, motoneurons, "w : 1 (constant)", on_pre="v += w",
                        name="sensorimotor")
sensorimotor.connect(j="int(x_neuron_pre > 0)")   # the hemifield rule
sensorimotor.w = "20*abs(x_neuron_pre)/N_pre"     # stronger away from the centre

# %% [markdown]
# (`gs` is a synaptic conductance the paper's script declares and never sets: it stays
# 0.) Each retina neuron makes one synapse, to the motoneuron of its half of the field:

# %%
print("retina neuron -> motoneuron:", dict(zip(sensorimotor.i[:].tolist(),
                                               sensorimotor.j[:].tolist(), strict=True)))
print("weights:", np.round(sensorimotor.w[:], 2))

# %% [markdown]
# We record the eye, the object and all spikes, and run 10 s:

# %%
state = StateMonitor(eye, ["x", "x0", "x_object"], record=0, dt=1 * ms, name="eye_state")
retina_spikes = SpikeMonitor(retina, name="retina_spikes")
motor_spikes = SpikeMonitor(motoneurons, name="motor_spikes")
run(10 * second)
print(f"retina: {retina_spikes.num_spikes} spikes; motoneurons: left "
      f"{motor_spikes.count[0]}, right {motor_spikes.count[1]}")

# %% [markdown]
# The figure of the paper: the retina's raster, with the two motoneurons on two extra
# rows, above the eye's and the object's positions.

# %%
from labkit.lessons.lesson12 import plot_pursuit

plot_pursuit({"retina": retina, "retina_spikes": retina_spikes,
              "motor_spikes": motor_spikes, "state": state},
             title="Smooth pursuit: 10 s, seed 79620")
plt.show()

# %% [markdown]
# The eye (black) follows the object (green), a little late and not quite as far. Only
# the retina neurons near the centre fire: the loop keeps the object's image near the
# fovea. Each burst of the right motoneuron (orange) comes when the object runs away to
# the right, and moves the eye right.
#
# This script is also a Brian2 script: with `from brian2 import *` instead of
# `from labkit import *` it runs unchanged. Brian2 draws other random numbers from the same
# seed (the object takes another path), so the numbers agree in kind, not one by one:
# Brian2's run of the paper's script, seed 79620, gives 2406 retina spikes from neurons
# 6-13, 56 left and 51 right motoneuron spikes, and an eye-object correlation of 0.96.
# With the object's noise switched off and the same start, both simulators give the same
# spikes and the same eye trajectory (a test of labkit checks it).
#
# ## 3. What the retina sees
#
# A retina neuron fires only while its drive exceeds the threshold's level: with no
# input its potential relaxes towards $I$, and it must exceed 1. Here are the 20 fields,
# coloured by the motoneuron they excite (blue: left, orange: right):

# %%
from labkit.lessons.lesson12 import LEFT, RIGHT

offsets = np.linspace(-1.2, 1.2, 601)
fig, ax = plt.subplots(figsize=(7, 2.6), layout="constrained")
for x_neuron in receptive_fields():
    ax.plot(offsets, gain * np.exp(-((offsets - x_neuron) / width) ** 2),
            color=RIGHT if x_neuron > 0 else LEFT, lw=1)
ax.axhline(1, color="0.4", ls="--", label="firing level (I = 1)")
ax.set(xlabel="x_object - x_eye", ylabel="drive I", title="the retina's receptive fields")
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# **Your turn (12.a).** How far from its centre can the object be and still make a
# neuron fire? Compute `reach`, the distance $d$ at which the drive falls to 1 (solve
# $g\,e^{-(d/w)^2} = 1$). Then give `fired`, the indices of the retina neurons that can
# fire when the object sits 0.3 to the right of the eye's direction
# (`x_object - x_eye = 0.3`). `receptive_fields()` gives the centres `x_neuron`.

# %%
# BEGIN ANSWER
reach = width * np.sqrt(np.log(gain))
fired = np.flatnonzero(np.abs(0.3 - receptive_fields()) < reach)
print(f"reach = {reach:.3f}; neurons {fired.tolist()} can fire")
# END ANSWER
check("12.a", reach=reach, fired=fired)

# %% [markdown]
# **Think!** The fields are 0.105 apart and reach 0.118 either side: between two centres
# there is always a field that can fire. What would happen with a narrower `width`, say
# 0.05?
#
# <!-- BEGIN ANSWER -->
# The reach shrinks with the width (0.059 for 0.05), so there are gaps between the
# fields where no neuron fires: an object there is invisible. Near the centre that is
# harmless (no movement is needed), but an object that jumps into a gap is not followed
# until it drifts into a field. The retina's resolution sets how precisely the eye can
# track: with narrow fields the eye "locks" onto the nearest field centre.
# <!-- END ANSWER -->
#
# ## 4. How well does the eye follow?
#
# Two numbers measure the pursuit: the **correlation** of the eye's position with the
# object's (1: perfectly in step), and the **lag**, the delay at which the eye's trace
# best matches the object's. `best_lag(x_eye, x_object, dt)` shifts the eye's trace back
# by 0, 1, 2, ... samples, and returns the shift with the highest correlation, and that
# correlation.
#
# **Your turn (12.b).** From the run above (`state`, recorded every 1 ms), compute `r`,
# the correlation of `state.x[0]` and `state.x_object[0]` without a shift
# (`np.corrcoef`), and `lag`, the eye's best lag.

# %%
# BEGIN ANSWER
r = np.corrcoef(state.x[0], state.x_object[0])[0, 1]
lag, r_lag = best_lag(state.x[0], state.x_object[0], 1 * ms)
print(f"r = {r:.3f}; the eye lags {lag} behind (r = {r_lag:.3f} there)")
# END ANSWER
check("12.b", r=r, lag=lag)

# %% [markdown]
# The eye is some 25 ms late: the time for the retina's neurons to charge up to
# threshold, for the motoneuron to sum their spikes, and for the spring to move the eye.
# And it undershoots:

# %%
x_eye, x_obj = state.x[0], state.x_object[0]
print(f"eye range {x_eye.min():+.2f} to {x_eye.max():+.2f}; object {x_obj.min():+.2f} to "
      f"{x_obj.max():+.2f}; rms error {np.sqrt(np.mean((x_eye - x_obj) ** 2)):.2f}")

# %% [markdown]
# **Think!** Why does the eye never quite catch up with the object?
#
# <!-- BEGIN ANSWER -->
# Because the loop only acts on an error: a motoneuron fires only while the object is off
# the centre by enough to drive a retina neuron past threshold, and `x0` relaxes back to
# the centre between spikes (with `tau_muscle`). To hold the eye at 0.5, the motoneuron
# must keep firing, so an error must remain: a proportional controller with a finite
# gain always keeps a steady error. A stronger `motor_weight` reduces it, up to the point
# where the loop overshoots and oscillates (the demo below lets you find it).
# <!-- END ANSWER -->
#
# ## 5. The model from the library
#
# `labkit.models.eye_movements` builds this model (`eye_movement_network`, written with
# Brian2's API only, so that it also builds the model in Brian2), runs it
# (`simulate_eye_movements(duration, **params)`, seeded with 79620) and measures a run
# (`tracking`). Its parameters: `tau_object`, `tau_muscle`, `motor_weight`, `sigma`, and
# `left`/`right` (False cuts that motoneuron from the eye). The exercises use it.
#
# ## Summary
#
# - Smooth pursuit is a closed loop: object off-centre → retina neurons of that side →
#   that side's motoneuron → the eye moves that way → the object is re-centred. Each
#   error produces a movement that reduces it: negative feedback.
# - A `(linked)` variable reads another group's variable at every step
#   (`G.x_eye = linked_var(eye, 'x')`); parameters that must change during a run are
#   variables of a group.
# - A retina neuron fires when the object is within `width * sqrt(ln gain)` of its
#   field's centre; the hemifield rule sends each side to one motoneuron.
# - The eye follows with a correlation above 0.9, some 25 ms late, and undershoots.
#
# ## Interactive demo
#
# The model runs on in real time; 5 s stay visible: the raster (retina in black, the left
# motoneuron blue, the right orange), the positions, and the retina with the object's
# position on it now. Things to try: lengthen `tau_muscle` to 50-100 ms (the eye
# overshoots and swings); set `motor_weight` to 0 (the eye stays put), or to 2; tick the
# lesion (the eye no longer goes left: why?); lower `tau_object` (a faster object: the
# lag matters more); set the noise to 0 (the object drifts back to the centre and
# stays). *restart* starts again from t = 0 with the current values.

# %% tags=["nbval-ignore-output"]
from labkit.lessons.lesson12 import scope

demo = scope()
demo

# %% [markdown]
# Exercises: [12 · Smooth pursuit eye movements, exercises](../exercises/12_eye_movements.ipynb)
# (worked answers in [solutions/](../solutions/12_eye_movements.ipynb)).
# This is the last lesson of the course: back to [00 · Start here](00_start_here.ipynb).
