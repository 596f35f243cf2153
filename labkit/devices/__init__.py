"""Stage 4, KernelSpec -> a callable kernel: the devices and how one is chosen.

``'runtime'`` (the default) compiles one Numba function per run structure; ``'numpy'``
runs the same operations vectorised in Python (for Pyodide, and as a cross-check).
The active device comes from, in order: ``prefs.codegen.target`` if set to something
other than ``'auto'`` (``'numpy'`` -> numpy; ``'cython'``, ``'numba'``, ``'runtime'`` ->
runtime), else the last ``set_device(...)``, else the environment variable
``LABKIT_DEVICE``, else runtime.

>>> set_device('numpy'); get_device().name
'numpy'
>>> set_device('runtime'); get_device().name
'runtime'
"""

from __future__ import annotations

import os

from labkit.devices.numpy_device import NumpyDevice
from labkit.devices.runtime import RuntimeDevice

__all__ = ["DEVICES", "set_device", "get_device", "device"]

#: name -> device object. Explicit, filled here.
DEVICES = {"runtime": RuntimeDevice(), "numpy": NumpyDevice()}

_ALIASES = {"numba": "runtime", "cython": "runtime", "auto": "runtime", "weave": "runtime",
            "runtime": "runtime", "numpy": "numpy"}

_chosen: list[str] = []


def _canonical(name: str, what: str) -> str:
    try:
        return _ALIASES[str(name).lower()]
    except KeyError:
        if str(name).lower() in ("cpp_standalone", "cuda_standalone", "genn"):
            raise NotImplementedError(
                f"{what} {name!r} is not available yet; use 'runtime' (compiled) or "
                "'numpy'") from None
        raise ValueError(f"unknown {what} {name!r}; known: runtime (also numba, cython, auto), "
                         "numpy") from None


def set_device(name: str, **options) -> None:
    """Choose the device for the following runs (``'runtime'`` or ``'numpy'``)."""
    from labkit.core.prefs import prefs

    _chosen[:] = [_canonical(name, "device")]
    prefs.codegen.target = "auto"


def get_device():
    """The device the next ``run()`` will use."""
    from labkit.core.prefs import prefs

    target = prefs.codegen.target
    if target != "auto":
        return DEVICES[_canonical(target, "prefs.codegen.target")]
    if _chosen:
        return DEVICES[_chosen[0]]
    env = os.environ.get("LABKIT_DEVICE")
    if env:
        return DEVICES[_canonical(env, "LABKIT_DEVICE")]
    return DEVICES["runtime"]


def device():
    """Alias of :func:`get_device` (Brian2 scripts read ``device``)."""
    return get_device()
