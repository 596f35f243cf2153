"""The active device: which device the next ``run()`` uses, and how it is chosen.

The active device comes from, in order: ``prefs.codegen.target`` if set to something
other than ``'auto'`` (``'numpy'`` -> numpy; ``'cython'``, ``'numba'``, ``'runtime'`` ->
runtime), else the last ``set_device(...)``, else the environment variable
``LABKIT_DEVICE``, else runtime. Without numba (Pyodide, or an install without it) the
runtime device is replaced by the numpy device, with one line saying so per process. As
in Brian2, ``set_device`` remembers what it replaced, so that ``reset_device()`` goes back
to it, and ``reinit_devices()`` starts afresh.

>>> set_device('numpy'); set_device('runtime'); reset_device(); get_device().name
'numpy'
>>> reset_device(); get_device().name
'runtime'
"""

from __future__ import annotations

import importlib.util
import os
import sys

from labkit.devices.cpp_standalone import CppStandaloneDevice
from labkit.devices.numpy_device import NumpyDevice
from labkit.devices.runtime import RuntimeDevice
from labkit.errors import UnsupportedFeatureError
from labkit.logs import info
from labkit.prefs import prefs, restore_defaults

__all__ = ["DEVICES", "set_device", "get_device", "device", "reset_device", "reinit_devices",
           "on_reinit", "numba_available"]

#: name -> device object. Explicit, filled here.
DEVICES = {"runtime": RuntimeDevice(), "numpy": NumpyDevice(),
           "cpp_standalone": CppStandaloneDevice()}

_ALIASES = {"numba": "runtime", "cython": "runtime", "auto": "runtime", "weave": "runtime",
            "runtime": "runtime", "numpy": "numpy", "cpp_standalone": "cpp_standalone"}

_chosen: list[str] = []  # the device set_device chose last, if any
_previous: list[tuple[str | None, dict]] = []  # what set_device replaced, for reset_device
_options: dict[str, dict] = {}  # the options each device was last set with


def _canonical(name: str, what: str) -> str:
    try:
        return _ALIASES[str(name).lower()]
    except KeyError:
        if str(name).lower() in ("cuda_standalone", "genn"):
            raise UnsupportedFeatureError(
                f"{what} {name!r} is not available yet; use 'runtime' (compiled) or "
                "'numpy'") from None
        raise ValueError(f"unknown {what} {name!r}; known: runtime (also numba, cython, auto), "
                         "numpy, cpp_standalone") from None


def set_device(name: str, **options) -> None:
    """Choose the device for the next runs: ``'runtime'``, ``'numpy'``, ``'cpp_standalone'``.

    ``options`` go to the device's ``configure`` (cpp_standalone: ``directory``,
    ``build_on_run``, ``threads``, ...; runtime: ``threads``); numpy takes none.
    """
    current = _chosen[0] if _chosen else None
    _previous.append((current, _options.get(current, {})))
    _choose(_canonical(name, "device"), options)


def _choose(canonical: str | None, options: dict) -> None:
    """Make ``canonical`` the active device (None: no choice, the default applies)."""
    prefs.codegen.target = "auto"
    globals().pop("active_device", None)  # a device object assigned there is replaced
    if canonical is None:
        _chosen.clear()
        return
    configure = getattr(DEVICES[canonical], "configure", None)
    if configure is not None:
        configure(**options)
    _chosen[:] = [canonical]
    _options[canonical] = dict(options)


def reset_device(device=None) -> None:
    """Go back to the device chosen before the last ``set_device`` (Brian2's function).

    With ``device`` (a name), choose that one with the options it was last set with.
    Without, and with no earlier choice, go back to the default device (runtime, or the
    one ``LABKIT_DEVICE`` names).
    """
    if device is not None:
        canonical = _canonical(getattr(device, "name", device), "device")
        _choose(canonical, _options.get(canonical, {}))
    elif _previous:
        _choose(*_previous.pop())
    else:
        _choose(None, {})


def choice() -> tuple:
    """-> the device choice as it stands (chosen, replaced, options), for ``restore_choice``:
    a sweep run in the user's process puts the user's choice back when it ends."""
    return (list(_chosen), list(_previous), {k: dict(v) for k, v in _options.items()})


def restore_choice(saved: tuple) -> None:
    """Put back a choice taken by ``choice()``; nothing is built or reinitialised."""
    chosen, previous, options = saved
    _chosen[:] = chosen
    _previous[:] = previous
    _options.clear()
    _options.update(options)


def reinit_devices() -> None:
    """Every device forgets its recorded runs and options; preferences, ``defaultclock.dt``
    and the scope go back to their state at import (Brian2's ``reinit_devices``).

    The simulator's own state (clock, scope) lives in :mod:`labkit.core`, above the devices:
    it registers its reset with :func:`on_reinit`.
    """
    for each in DEVICES.values():
        reinit = getattr(each, "reinit", None)
        if reinit is not None:
            reinit()
    if _chosen:
        _choose(_chosen[0], {})
    restore_defaults()
    for reset in _REINIT:
        reset()


#: What ``reinit_devices`` also resets, registered by the layers above the devices.
_REINIT: list = []


def on_reinit(reset) -> None:
    """Have ``reinit_devices()`` call ``reset()`` (no arguments) after the devices'."""
    _REINIT.append(reset)


def get_device():
    """The device the next ``run()`` will use."""
    assigned = globals().get("active_device")
    if assigned is not None:  # Brian2's device_module.active_device = <a device object>
        return assigned
    target = prefs.codegen.target
    if target != "auto":
        chosen = DEVICES[_canonical(target, "prefs.codegen.target")]
    elif _chosen:
        chosen = DEVICES[_chosen[0]]
    elif os.environ.get("LABKIT_DEVICE"):
        chosen = DEVICES[_canonical(os.environ["LABKIT_DEVICE"], "LABKIT_DEVICE")]
    else:
        chosen = DEVICES["runtime"]
    if chosen.name == "runtime" and not numba_available():
        _say_numpy_once()
        return DEVICES["numpy"]
    return chosen


_NUMBA: list[bool] = []
_SAID: list[bool] = []


def numba_available() -> bool:
    """Whether numba can be imported, found without importing it (that takes ~0.5 s)."""
    if not _NUMBA:
        if "numba" in sys.modules:
            found = sys.modules["numba"] is not None
        else:
            found = importlib.util.find_spec("numba") is not None
        _NUMBA.append(found)
    return _NUMBA[0]


def _say_numpy_once() -> None:
    if not _SAID:
        _SAID.append(True)
        info("numba is not installed: labkit runs on the numpy device (the same results, "
             "slower; pip install numba for compiled loops).", "device")


def __getattr__(name: str):
    """``active_device`` read (Brian2's ``device_module.active_device``): the device the
    next run uses. Assigned a device object (Brian2's standalone_multiple_processes does
    so in each worker, with the device it unpickled), that object is the active device
    until the next ``set_device``/``reset_device``."""
    if name == "active_device":
        return get_device()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _ActiveDevice:
    """``device``: the active device, as Brian2's module-level ``device``.

    Brian2 scripts call ``device.build(...)`` and ``device.run(run_args=...)``; attribute
    access goes to the device the next ``run()`` would use, and ``device()`` returns it.
    """

    def __call__(self):
        return get_device()

    def __getattr__(self, name: str):
        return getattr(get_device(), name)

    def __repr__(self) -> str:
        return repr(get_device())


device = _ActiveDevice()
