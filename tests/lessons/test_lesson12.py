"""Lesson 12: the running eye-movement model, its scope and views, the figure (its checkers
are tried in test_checkers.py)."""

import doctest

import numpy as np
import pytest

import labkit.lessons.lesson12 as lesson12
from labkit import ms, second, set_device
from labkit.lessons.lesson12 import EyeModel, ReceptiveFieldView, plot_pursuit, scope
from labkit.models.eye_movements import CONSTANTS, receptive_fields, simulate_eye_movements


@pytest.fixture(autouse=True)
def runtime_device():
    set_device("runtime")


def test_doctests():
    assert doctest.testmod(lesson12, optionflags=doctest.ELLIPSIS).failed == 0


def test_the_model_runs_on_in_chunks_and_takes_new_values_while_it_runs():
    model = EyeModel(seed_value=1)
    first = model.advance(500 * ms)
    assert model.t == pytest.approx(0.5)
    assert np.asarray(first["x_eye"]).shape == (500,)
    pops = np.asarray(first["spike_pop"])
    rows = np.asarray(first["spike_i"])
    assert set(np.unique(rows[pops == 0])) <= set(range(20))
    assert set(np.unique(rows[pops > 0])) <= {20, 21} and first["N"] == 22
    assert np.isclose(first["offset"], first["x_object"][-1] - first["x_eye"][-1], atol=0.05)
    model.set(motor_weight=0.0)                              # the eye is let go
    assert np.allclose(model.objects["motor"].w_, [0.0, 0.0])
    model.set(motor_weight=0.8, lesion=True)
    assert np.allclose(model.objects["motor"].w_, [0.0, 0.8])
    model.set(tau_muscle=50 * ms, sigma=0.5)
    assert float(model.objects["eye"].tau_muscle_[0]) == pytest.approx(0.05)
    assert float(model.objects["eye"].sigma_[0]) == 0.5
    second_chunk = model.advance(500 * ms)
    assert np.asarray(second_chunk["t"])[0] == pytest.approx(0.5)
    model.start()                                            # back to t = 0, the defaults
    assert model.t == 0.0 and np.allclose(model.objects["motor"].w_, [-0.5, 0.5])
    with pytest.raises(TypeError, match="no parameter 'weight'.*motor_weight"):
        model.set(weight=1.0)


def test_a_lesion_keeps_the_eye_right_of_the_centre():
    model = EyeModel(seed_value=SEED_WITH_LEFT_EXCURSIONS)
    model.start(lesion=True)
    chunk = model.advance(10 * second)
    x, target = np.asarray(chunk["x_eye"]), np.asarray(chunk["x_object"])
    assert target.min() < -0.3                               # the object did go left
    assert x.min() > -0.1


#: A seed whose object goes well to the left in 10 s (checked by the test that uses it).
SEED_WITH_LEFT_EXCURSIONS = 79620


def test_the_scope_moves_on_its_own_steps_and_draws_every_view():
    demo = scope(start=False)
    assert demo.error is None
    first_t = demo.t
    for _ in range(3):
        demo.step()
    assert demo.t == pytest.approx(first_t + 0.3) and demo.error is None
    raster, positions, fields = demo.views
    assert [m.labels[0] for m in raster.spike_marks] == ["retina", "left motoneuron",
                                                         "right motoneuron"]
    assert np.asarray(positions.line.y).shape[0] == 2           # eye and object
    assert float(np.asarray(fields.position.x)[0]) == pytest.approx(
        float(np.clip(demo.results["offset"], -1.25, 1.25)))
    assert "object" in demo.readout_line.value and "eye" in demo.readout_line.value
    demo.controls["lesion"].value = True
    demo.step()
    assert np.allclose(demo.model.objects["motor"].w_, [0.0, 0.5])
    demo.pause()


def test_the_receptive_field_view_shows_twenty_fields_by_hemifield():
    view = ReceptiveFieldView()
    curves = np.asarray(view.fields.y)
    assert curves.shape[0] == 20
    assert np.allclose(np.asarray(view.fields.x)[curves.argmax(axis=1)], receptive_fields(),
                       atol=0.01)
    assert curves.max() == pytest.approx(CONSTANTS["gain"], rel=1e-3)
    assert view.fields.colors[:10] == [lesson12.LEFT] * 10
    assert view.fields.colors[10:] == [lesson12.RIGHT] * 10
    view.update({"offset": 3.0})                                # off the retina: clipped
    assert np.asarray(view.position.x).tolist() == [1.25, 1.25]


def test_plot_pursuit_draws_the_papers_figure():
    import matplotlib

    matplotlib.use("Agg")
    objects = simulate_eye_movements(1 * second)
    fig = plot_pursuit(objects)
    top, bottom = fig.axes
    labels = [line.get_label() for line in top.lines]
    assert "left motoneuron" in labels and "right motoneuron" in labels
    assert [line.get_label() for line in bottom.lines] == ["eye", "object"]
    assert [t.get_text() for t in bottom.get_yticklabels()] == ["left", "0", "right"]


def test_the_checkers_reference_runs_are_kept_once_and_only_the_last_sixteen():
    lesson12._RUNS.clear()
    first = lesson12.reference_positions(5 * ms)
    assert lesson12.reference_positions(5 * ms) is first                # not run again
    assert first[0].shape == (5,) and first[1].shape == (5,)
    for k in range(2, 18):
        lesson12.reference_positions(k * ms, tau_muscle=10 * ms)
    assert len(lesson12._RUNS) == 16
    assert lesson12.reference_positions(5 * ms) is not first             # the oldest went
    lesson12._RUNS.clear()
