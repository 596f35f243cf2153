"""labkit: a Brian2-compatible spiking-network simulator and the course built on it.

``from labkit import *`` gives exactly ``__all__``: units, and (as the layers land) the
simulator's user-facing objects. It never shadows a Python builtin.
"""

from __future__ import annotations

from labkit import units as _units

__version__ = "0.1.0"


def _reexport(module) -> list[str]:
    """Copy a subpackage's public names here; the subpackage's ``__all__`` is the contract."""
    names = list(module.__all__)
    globals().update({name: getattr(module, name) for name in names})
    return names


__all__ = _reexport(_units)
