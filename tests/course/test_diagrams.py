"""labkit.course.diagrams: each sketch draws its parts and labels, off screen."""

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from labkit.course import diagrams  # noqa: E402


@pytest.mark.parametrize("name, labels", [
    ("rc_membrane", ["$I$", "$C$", "$R$", "$E_L$"]),
    ("hh_circuit", [r"$g_{Na}\,m^3 h$", r"$g_{K}\,n^4$", "$g_L$", "$E_{Na}$", "$E_{K}$"]),
    ("synapse", ["pre\n$i$", "post\n$j$"]),
])
def test_diagram_draws_its_labels(name, labels):
    fig = getattr(diagrams, name)()
    (ax,) = fig.axes
    texts = [t.get_text() for t in ax.texts]
    assert all(label in texts for label in labels), texts
    assert ax.lines or ax.patches
    fig.canvas.draw()                               # renders, mathtext included
