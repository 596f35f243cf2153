"""``import labkit.numpy_ as np`` -> numpy, with labkit's unit-aware versions where needed.

Why: course material and scripts write ``import brian2.numpy_ as np`` to get numpy's
functions that also accept quantities. Most numpy functions already do with labkit's
Quantity (it implements numpy's ``__array_ufunc__`` and ``__array_function__``
protocols), so this module is numpy itself with the few replacements numpy's protocols
cannot reach: ``arange`` (numpy does not dispatch it) takes quantities here.

>>> import labkit.numpy_ as np
>>> from labkit import ms
>>> print(np.arange(0 * ms, 2 * ms, 0.5 * ms), np.mean([1, 2] * ms), np.pi)
[0.  0.5 1.  1.5] ms 1.5 ms 3.141592653589793
"""

from __future__ import annotations

import numpy

from labkit.units.functions import arange

#: The names whose labkit version replaces numpy's.
REPLACED = {"arange": arange}

__all__ = sorted(set(numpy.__all__) | set(REPLACED))


def __getattr__(name: str):
    return REPLACED[name] if name in REPLACED else getattr(numpy, name)


def __dir__() -> list[str]:
    return sorted(set(dir(numpy)) | set(REPLACED) | {"REPLACED"})
