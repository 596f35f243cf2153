"""PoissonGroup(N, rates) -> independent Poisson spike trains (Brian2's threshold rule).

Each element spikes in a step with probability ``rates*dt`` (``rand() < rates*dt``).
``rates`` is a Quantity (one value or one per element, stored as the parameter ``rates``,
changeable between runs) or a string expression in Hz that may depend on ``t`` and ``i``.
"""

from __future__ import annotations

import numpy as np

from labkit.groups.neurongroup import NeuronGroup
from labkit.units.dimension import get_or_create_dimension

__all__ = ["PoissonGroup"]

HERTZ = get_or_create_dimension(s=-1)


class PoissonGroup(NeuronGroup):
    """``N`` Poisson spike sources with firing rate(s) ``rates``.

    >>> from labkit.units import Hz
    >>> P = PoissonGroup(10, 5*Hz)
    >>> float(P.rates[0])
    5.0
    """

    _kind = "PoissonGroup"
    _default_name = "poissongroup*"

    def __init__(self, N, rates, dt=None, clock=None, when="thresholds", order=0,
                 namespace=None, name=None):
        if isinstance(rates, str):
            model = f"rates = {rates} : Hz"
        else:
            if getattr(rates, "dim", None) is not HERTZ:
                raise TypeError(f"PoissonGroup rates must be in Hz (e.g. 10*Hz) or a string; "
                                f"got {rates!r}")
            model = "rates : Hz"
        super().__init__(N, model, threshold="rand() < rates*dt", namespace=namespace, dt=dt,
                         clock=clock, order=order, name=name)
        object.__setattr__(self, "when", when)
        if not isinstance(rates, str):
            self.variables["rates"].array[:] = np.asarray(rates.view(np.ndarray))

    def __repr__(self) -> str:
        return f"PoissonGroup({self._N}, name={self.name!r})"
