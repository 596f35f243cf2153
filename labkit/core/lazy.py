"""Names of the public surface whose real implementation needs sympy, loaded on first use.

``import labkit`` must not import sympy (0.25 s); ``Equations(...)`` in a script does need
it. This stand-in creates the real :class:`labkit.equations.Equations` when called.
"""

from __future__ import annotations

__all__ = ["Equations"]


class Equations:
    """``Equations(text, **substitutions)`` -> :class:`labkit.equations.Equations`.

    (A stand-in, so that ``from labkit import *`` stays fast; the object made is the
    real one.)
    """

    def __new__(cls, *args, **kwargs):
        from labkit.equations import Equations as _Equations

        return _Equations(*args, **kwargs)
