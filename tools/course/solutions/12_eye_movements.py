# %% [markdown]
# # 12 · Smooth pursuit eye movements — exercises
#
# The lesson's model, from the library: `simulate_eye_movements(duration, **params)`
# seeds with the lesson's seed (79620), builds the model, runs it and returns its objects
# (`"state"`: the eye's `x`, `x0` and `x_object` every 1 ms; `"retina_spikes"`,
# `"motor_spikes"`; the groups `"eye"`, `"retina"`, `"motoneurons"`, `"motor"`, ...).
# Its parameters: `tau_object`, `tau_muscle`, `motor_weight` (the magnitude of the motor
# weights: left gets `-motor_weight`, right `+motor_weight`), `sigma`, and `left`/`right`
# (False: that motoneuron no longer reaches the eye). `best_lag(x_eye, x_object, dt)`
# returns the eye's lag and the correlation at that lag; `plot_pursuit(objects)` draws
# the lesson's figure. Runs here last 10 s, as in the lesson.

# %%
import matplotlib.pyplot as plt
import numpy as np
from labkit import *
from labkit.lessons import check, todo
from labkit.lessons.lesson12 import plot_pursuit
from labkit.models.eye_movements import best_lag, simulate_eye_movements

# %% [markdown]
# ## Exercise 1: a lesion
#
# Cut the left motoneuron from the eye (`left=False`) and run 10 s. Give `r_lesion`, the
# correlation of the eye's and the object's positions, and `lowest`, the eye's lowest
# position in that run. Look at the figure: what does the eye do when the object goes
# left, and what does the left motoneuron do then?

# %%
# BEGIN ANSWER
lesioned = simulate_eye_movements(10 * second, left=False)
x_eye, x_obj = lesioned["state"].x[0], lesioned["state"].x_object[0]
r_lesion = np.corrcoef(x_eye, x_obj)[0, 1]
lowest = x_eye.min()
print(f"r = {r_lesion:.2f}; the eye's lowest position: {lowest:+.3f}; left motoneuron "
      f"spikes: {lesioned['motor_spikes'].count[0]}")
plot_pursuit(lesioned, title="the left motoneuron cut")
plt.show()
# END ANSWER
check("12.1", r_lesion=r_lesion, lowest=lowest)

# %% [markdown]
# **Think!** The left motoneuron fires *more* after the lesion than before. Why?
#
# <!-- BEGIN ANSWER -->
# Nothing it does reaches the eye any more, so the error it signals is never corrected:
# while the object is on the left, the left retina neurons keep driving it, and it fires
# for as long as the object stays there. In the intact loop its first spikes move the eye
# and silence the retina neurons that drove it. The eye itself stays at the centre or to
# the right: only the right motoneuron can move it, and only to the right.
# <!-- END ANSWER -->
#
# ## Exercise 2: the wrong sign
#
# Flip the sign of both motor weights (`motor_weight=-0.5`: the left motoneuron now
# pushes the eye right, the right one left) and run 10 s. Give `r_flipped`, the
# eye-object correlation, and `explanation`: is the loop now a `'negative'` or a
# `'positive'` feedback loop?

# %%
# BEGIN ANSWER
flipped = simulate_eye_movements(10 * second, motor_weight=-0.5)
r_flipped = np.corrcoef(flipped["state"].x[0], flipped["state"].x_object[0])[0, 1]
explanation = "positive"
print(f"r = {r_flipped:.2f}")
plot_pursuit(flipped, title="motor weights flipped")
plt.show()
# END ANSWER
check("12.2", r_flipped=r_flipped, explanation=explanation)

# %% [markdown]
# **Think!** With the signs flipped the eye swings from side to side instead of running
# off to one side for good. Why does it come back?
#
# <!-- BEGIN ANSWER -->
# An object to the right now moves the eye left, which puts the object further right on
# the retina: the error grows, and the retina drives the motoneuron harder (positive
# feedback). But the retina is finite: once `x_object - x_eye` is beyond the last field
# (about 1.1), no neuron sees the object, the motoneurons fall silent, `x0` relaxes to the
# centre and the eye returns, until the object comes into view again and the runaway
# starts over.
# <!-- END ANSWER -->
#
# ## Exercise 3: the lag against the muscles' time constant
#
# A motoneuron spike moves the rest point `x0` by the weight, and `x0` relaxes back with
# `tau_muscle`: a longer `tau_muscle` makes each spike move the eye further and for
# longer. For each `tau_muscle` in `tau_muscles`, run 10 s and measure the eye's lag with
# `best_lag` (the `state` is recorded every 1 ms): give the list `lags` (times), and
# `best`, the `tau_muscle` whose correlation at its lag is the highest. Predict first:
# does the lag grow or shrink with `tau_muscle`?

# %%
tau_muscles = [5, 10, 20, 40] * ms
# BEGIN ANSWER
lags, correlations = [], []
for tau in tau_muscles:
    state = simulate_eye_movements(10 * second, tau_muscle=tau)["state"]
    lag, r_lag = best_lag(state.x[0], state.x_object[0], 1 * ms)
    lags.append(lag)
    correlations.append(r_lag)
best = tau_muscles[int(np.argmax(correlations))]
for tau, lag, r_lag in zip(tau_muscles, lags, correlations, strict=True):
    print(f"tau_muscle {tau}: lag {lag}, r = {r_lag:.3f}")
# END ANSWER
check("12.3", tau_muscles=tau_muscles, lags=lags, best=best)

# %% [markdown]
# ## Think!
#
# Short muscles (`tau_muscle` = 5 ms) make the eye late; long ones (40 ms) make it
# overshoot. What is the trade-off, and why does the loop start to oscillate?
#
# <!-- BEGIN ANSWER -->
# Each spike moves the eye by an amount that grows with `tau_muscle` (the area under the
# decaying jump of `x0`). With short twitches, many spikes are needed before the eye
# moves: the retina must keep firing, and the eye lags and undershoots. With long
# twitches, a few spikes move the eye a lot, but their effect lasts longer than the
# delay of the loop: by the time the retina sees that the eye has caught up, spikes that
# are still acting push it past the object, the other side fires, and the eye swings
# back. A feedback loop with a delay oscillates when its gain is too high: here the gain
# is weight times `tau_muscle`.
# <!-- END ANSWER -->
