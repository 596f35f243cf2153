"""int() of a condition is 0 or 1, as in Python and Brian2, in every kind of code.

The smooth-pursuit model's hemifield rule connects with ``j='int(x_neuron_pre > 0)'``: a
connect rule, a reset and an equation use it here, on both devices.
"""

import numpy as np

from labkit import *


def test_int_of_a_condition_in_connect_reset_and_equations(device_name):
    G = NeuronGroup(6, """x : 1 (constant)
                          dv/dt = int(x > 0)/(10*ms) : 1""", threshold="v > 0.5",
                    reset="v = int(x > 0.5)*0.25", method="euler")
    G.x = "-1.0 + 0.4*i"                                    # -1, -0.6, -0.2, 0.2, 0.6, 1
    H = NeuronGroup(2, "v : 1")
    S = Synapses(G, H, on_pre="v_post += 1")
    S.connect(j="int(x_pre > 0)")
    assert np.array_equal(S.j[:], [0, 0, 0, 1, 1, 1])
    run(6 * ms)                    # the driven ones spike near 5 ms, then 1 ms more
    v = np.asarray(G.v_)
    assert np.allclose(v[:3], 0.0)                           # never driven
    assert v[3] < 0.2 and np.all(v[4:] > 0.3)                # reset to 0, and to 0.25
    assert H.v_[0] == 0 and H.v_[1] == 3                     # one spike of each of 3, 4, 5
