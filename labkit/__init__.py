"""labkit: a Brian2-compatible spiking-network simulator and the course built on it.

``from labkit import *`` gives exactly ``__all__``: units and the simulator's user-facing
objects (groups, monitors, networks, run, devices), ``np`` (numpy), and, as Brian2's star
import does, numpy's functions (``linspace``, ``zeros``, ``rand``, ...) and pyplot's
(``plot``, ``figure``, ``xlabel``, ``show``, ...) and the modules ``numpy`` (as
``brian2.numpy_``), ``plt``, ``mpl`` and ``matplotlib`` (see :mod:`labkit.star`). It never
shadows a Python builtin, and it imports neither sympy, numba nor matplotlib: those load
when a model is first built or a plot first drawn. Quantities plot with their units
(:mod:`labkit.units.plotting`). Inside IPython it installs the short display of labkit's
errors (:mod:`labkit.tracebacks`).
"""

from __future__ import annotations

import numpy as np

from labkit import core as _core
from labkit import devices as _devices
from labkit import groups as _groups
from labkit import monitors as _monitors
from labkit import spatial as _spatial
from labkit import star as _star
from labkit import sweeps as _sweeps
from labkit import synapses as _synapses
from labkit import tracebacks as _tracebacks
from labkit import units as _units
from labkit.core import lazy as _lazy
from labkit.units.plotting import register_when_matplotlib_loads as _register_plotting

__version__ = "0.1.0"


def _reexport(module) -> list[str]:
    """Copy a subpackage's public names here; the subpackage's ``__all__`` is the contract."""
    names = list(module.__all__)
    globals().update({name: getattr(module, name) for name in names})
    return names


def _reexport_one(module, name: str) -> bool:
    globals()[name] = getattr(module, name)
    return True


__all__ = (
    _reexport(_units)
    + _reexport(_core)
    + _reexport(_groups)
    + _reexport(_synapses)
    + _reexport(_monitors)
    + _reexport(_spatial)
    + _reexport(_sweeps)
    + [name for name in ("set_device", "get_device", "device")
       if _reexport_one(_devices, name)]
    + ["np"]  # as ``from brian2 import *`` gives it: scripts use np. without importing numpy
)


def _reexport_names(names: dict) -> list[str]:
    globals().update(names)
    return list(names)


__all__ += _reexport_names(_star.numpy_names(set(__all__)))
__all__ += _reexport_names(_star.pyplot_names(set(__all__)))
__all__ += _reexport_names(_star.module_names(set(__all__)))
_register_plotting()  # Quantities convert on matplotlib axes, whenever pyplot gets imported

# In IPython/Jupyter, labkit's own errors show as their message and the learner's line,
# labkit's frames hidden (``%tb`` shows them; see labkit.tracebacks).
_tracebacks.install_in_ipython()
# ... and sympy, which the first model needs, is imported while the learner reads on.
_lazy.import_sympy_after_this_cell()
