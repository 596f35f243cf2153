"""The smooth-pursuit model built by the same code in Brian2 and in labkit gives the same
closed loop.

:func:`labkit.models.eye_movements.eye_movement_network` uses only Brian2's API, so
``sim=brian2`` builds it in Brian2. With the object's noise off (``sigma = 0``), the object
starting off-centre and every retina potential at 0.5, nothing is random: the eye's
trajectory and every spike must agree (the streams of ``rand()`` and ``xi`` differ between
the simulators, so the noisy run agrees only in its statistics, see
tests/models/test_eye_movements.py).
"""

from __future__ import annotations

import numpy as np
import pytest

brian2 = pytest.importorskip("brian2")

import labkit  # noqa: E402
from labkit.models.eye_movements import (  # noqa: E402
    eye_movement_network,
    hemifield,
    receptive_fields,
)

pytestmark = pytest.mark.parity


def pursuit(sim):
    """A deterministic second: the object starts at 0.4 and drifts back to the centre."""
    sim.start_scope()
    sim.defaultclock.dt = 0.1 * sim.ms
    net, objects = eye_movement_network(sim=sim, sigma=0.0, record_dt=1 * sim.ms)
    objects["eye"].x_object = 0.4
    objects["eye"].noise = 0.4
    objects["retina"].v = 0.5
    net.run(1 * sim.second)
    state = objects["state"]
    return {"x": np.asarray(state.x[0]), "x_object": np.asarray(state.x_object[0]),
            "retina_t": np.asarray(objects["retina_spikes"].t / sim.ms),
            "retina_i": np.asarray(objects["retina_spikes"].i),
            "motor_t": np.asarray(objects["motor_spikes"].t / sim.ms),
            "motor_i": np.asarray(objects["motor_spikes"].i)}


def test_the_same_code_gives_brian2s_closed_loop():
    brian2.prefs.codegen.target = "numpy"
    reference = pursuit(brian2)
    labkit.set_device("runtime")
    ours = pursuit(labkit)
    assert reference["motor_i"].size > 5 and reference["retina_i"].size > 50
    assert np.array_equal(ours["retina_i"], reference["retina_i"])
    assert np.allclose(ours["retina_t"], reference["retina_t"])
    assert np.array_equal(ours["motor_i"], reference["motor_i"])
    assert np.allclose(ours["motor_t"], reference["motor_t"])
    assert np.allclose(ours["x_object"], reference["x_object"], atol=1e-12)
    assert np.allclose(ours["x"], reference["x"], atol=1e-9)
    assert reference["x"].max() > 0.2                       # the eye went after the object


def lesson_script(duration: str) -> str:
    """Lesson 12's code, as the learner runs it, up to the paper's figure, with the run
    shortened to ``duration`` (Brian2's numpy target needs ~80 s for the lesson's 10 s)."""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "tools" / "course" / "notebooks" /
              "12_eye_movements.py").read_text(encoding="utf-8")
    code = []
    for cell in source.split("# %%")[1:]:
        if cell.startswith(" [markdown]"):
            continue
        code.append(cell.split("\n", 1)[1])
        if "plot_pursuit(" in cell:
            break
    script = "\n".join(code)
    assert script.count("run(10 * second)") == 1 and "from labkit import *" in script
    return script.replace("run(10 * second)", f"run({duration})")


@pytest.mark.slow
def test_the_lessons_script_runs_unchanged_in_brian2():
    """Issue 19: with ``from brian2 import *`` instead of ``from labkit import *`` the
    lesson's script runs in Brian2 and draws the paper's figure. (Its noise is Brian2's, so
    only its deterministic part is compared with the model's: the connections and their
    weights.)"""
    import matplotlib

    matplotlib.use("Agg")
    brian2.prefs.codegen.target = "numpy"
    theirs = {}
    brian2.start_scope()
    exec(compile(lesson_script("300 * ms").replace("from labkit import *",
                                                   "from brian2 import *"),
                 "12_eye_movements.py (brian2)", "exec"), theirs)
    assert isinstance(theirs["retina"], brian2.NeuronGroup)
    assert float(theirs["state"].t[-1] / brian2.ms) == pytest.approx(299.0)
    sensorimotor = theirs["sensorimotor"]
    i, j = np.asarray(sensorimotor.i[:]), np.asarray(sensorimotor.j[:])
    assert np.array_equal(j[np.argsort(i)], hemifield())
    assert np.allclose(np.asarray(sensorimotor.w[:])[np.argsort(i)],
                       np.abs(receptive_fields()))
    assert theirs["retina_spikes"].num_spikes > 50
    top, bottom = theirs["plt"].gcf().axes                   # the figure, from Brian2's run
    assert {"left motoneuron", "right motoneuron"} <= {line.get_label() for line in top.lines}
    assert [line.get_label() for line in bottom.lines] == ["eye", "object"]
