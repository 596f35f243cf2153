"""Stage 4, KernelSpec -> a callable kernel: the devices and how one is chosen.

``'runtime'`` (the default) compiles one Numba function per run structure; ``'numpy'``
runs the same operations vectorised in Python (for Pyodide, and as a cross-check);
``'cpp_standalone'`` generates, builds and runs a C++ project (options such as
``directory=`` and ``threads=`` go to its ``configure``). How the active device is chosen
(``set_device``, ``reset_device``, ...) is :mod:`labkit.devices.device`'s, as in Brian2's
``brian2.devices.device``.

>>> set_device('numpy'); get_device().name
'numpy'
>>> set_device('runtime'); get_device().name
'runtime'
"""

# Importing the submodule binds ``labkit.devices.device`` to it; the name imported from it
# below binds it again to the active-device object, as ``brian2.devices.device`` is; the
# module stays reachable as ``device_module`` (Brian2's name: scripts set its
# ``active_device``).
from labkit.devices import device as device_module
from labkit.devices.device import (
    DEVICES,
    device,
    get_device,
    numba_available,
    reinit_devices,
    reset_device,
    set_device,
)

__all__ = ["DEVICES", "set_device", "get_device", "device", "device_module", "reset_device",
           "reinit_devices", "numba_available"]
