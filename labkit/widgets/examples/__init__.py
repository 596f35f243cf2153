"""Example models in numpy that implement the widget interfaces (``simulate``, and
``start/advance/set`` for scopes), documented and exact where possible.

They are real models (closed-form LIF, RK4 FitzHugh-Nagumo), used by the widget tests, the
browser test, the latency benchmark, and as templates for writing one's own model object.
The multi-scale neuron runs on labkit itself: ``labkit.lessons.lesson08.MultiScaleModel``.
"""

from labkit.widgets.examples.fitzhugh import FitzHughNagumo
from labkit.widgets.examples.lif import LIF_DEFAULTS, LIFNeuron, LIFPopulation, lif_rate

__all__ = ["LIFNeuron", "LIFPopulation", "lif_rate", "LIF_DEFAULTS", "FitzHughNagumo"]
