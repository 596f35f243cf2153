"""Small models the sweep tests run at many points (sent to workers by value, as from a notebook).

Module constants used only inside model strings (``V_THRESHOLD``) are not named by the
functions' code: a worker finds them only because ``sweep`` ships them beside the function.
"""

import os
from pathlib import Path

import cloudpickle
import numpy as np

from labkit import Mohm, NeuronGroup, SpikeMonitor, ms, mV, nA, run, second

cloudpickle.register_pickle_by_value(__import__(__name__))

V_THRESHOLD = -50 * mV
NOISY_LIF = """
dv/dt = (E_L - v + R_m*I)/tau_m + sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
"""


def noisy_lif(I, sigma, N=20, duration=50 * ms):
    """A population of noisy LIF neurons -> its rate and mean potential (both seed-dependent)."""
    tau_m, R_m, E_L, t_ref = 20 * ms, 100 * Mohm, -65 * mV, 2 * ms  # noqa: F841 (in strings)
    group = NeuronGroup(N, NOISY_LIF, threshold="v > V_THRESHOLD", reset="v = E_L",
                        refractory=t_ref, method="euler")
    group.v = "E_L + 5*mV*rand()"
    spikes = SpikeMonitor(group)
    run(duration)
    return {"rate": spikes.num_spikes / (N * duration), "v_mean": np.mean(group.v)}


def tagged_lif(I, tag, hold=0.0):
    """A LIF whose kernel is new to the cache (``tag`` names a variable): compiled once.

    ``hold`` (seconds) makes the point last long enough for every worker to take some.
    """
    import time

    time.sleep(hold)
    group = NeuronGroup(50, f"dv/dt = (-65*mV - v + 100*Mohm*I)/(20*ms) : volt\nw_{tag} : 1",
                        threshold="v > -50*mV", reset="v = -65*mV", method="exact")
    group.v = -65 * mV
    spikes = SpikeMonitor(group)
    run(0.1 * second)
    return spikes.num_spikes / (50 * 0.1 * second)


def fragile(x, fail=False):
    """x -> 2x, or an exception when ``fail``."""
    if fail:
        raise RuntimeError(f"injected failure at x={x}")
    return {"y": 2 * x * mV}


def mortal(x, marker_dir, die):
    """Kills its worker process: always (``die='always'``), or on the first try only."""
    marker = Path(marker_dir) / f"tried-{x}"
    if die == "always" or (die == "once" and not marker.exists()):
        marker.touch()
        os._exit(3)
    return x * nA


def logged(x):
    """x -> x**2, appending x to the file ``$SWEEP_TEST_LOG`` (which points were computed)."""
    path = os.environ.get("SWEEP_TEST_LOG")
    if path:
        with open(path, "a") as handle:
            handle.write(f"{x}\n")
    if os.environ.get("SWEEP_TEST_SLOW"):
        import time

        time.sleep(float(os.environ["SWEEP_TEST_SLOW"]))
    if os.environ.get("SWEEP_TEST_STOP_AT") == str(x):
        raise KeyboardInterrupt
    return {"square": x * x}
