"""The Numba-compiled form of the support helpers (``_exprel``) that kernels call.

Separate from ``support`` so that only the Numba path imports Numba.
"""

from __future__ import annotations

import numba

from labkit.codegen.support import exprel_scalar

__all__ = ["_exprel"]

_exprel = numba.njit(cache=True, error_model="numpy")(exprel_scalar)
