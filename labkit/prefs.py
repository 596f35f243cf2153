"""Brian2-style preferences -> a small attribute tree that scripts may set.

Only the preferences labkit acts on exist; setting an unknown one is an error that lists
the known ones, so a typo does not pass silently. ``prefs.codegen.target = 'numpy'``
selects the numpy device (read by :func:`labkit.devices.get_device`), ``'cython'``,
``'auto'`` or ``'numba'`` the compiled runtime device.

>>> prefs.codegen.target
'auto'
>>> prefs.codegen.taget = 'numpy'  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AttributeError: unknown preference 'codegen.taget'; known: codegen.string_expression_target, ...
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["prefs", "PreferenceGroup", "restore_defaults"]

DEFAULT_SCHEDULE = ("start", "groups", "thresholds", "synapses", "resets", "end")


class PreferenceGroup:
    """A node of the preference tree: known leaves and sub-groups, nothing else."""

    def __init__(self, path: str, root=None, **values):
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_root", root if root is not None else self)
        object.__setattr__(self, "_values", dict(values))

    def _known(self) -> list[str]:
        root = self._root
        return sorted(_leaves(root, ""))

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"unknown preference '{self._join(name)}'; known: "
                             + ", ".join(self._known()))

    def __setattr__(self, name, value):
        if name not in self._values or isinstance(self._values[name], PreferenceGroup):
            raise AttributeError(f"unknown preference '{self._join(name)}'; known: "
                                 + ", ".join(self._known()))
        self._values[name] = value

    def __getitem__(self, dotted: str):
        node = self
        for part in dotted.split("."):
            node = getattr(node, part)
        return node

    def __setitem__(self, dotted: str, value):
        *head, last = dotted.split(".")
        node = self
        for part in head:
            node = getattr(node, part)
        setattr(node, last, value)

    def _join(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def __repr__(self) -> str:
        return f"<preferences {self._path or '(root)'}: {', '.join(self._known())}>"


def _leaves(group: PreferenceGroup, prefix: str):
    for name, value in group._values.items():
        path = f"{prefix}{name}"
        if isinstance(value, PreferenceGroup):
            yield from _leaves(value, path + ".")
        else:
            yield path


def _build() -> PreferenceGroup:
    root = PreferenceGroup("")
    codegen = PreferenceGroup("codegen", root, target="auto", string_expression_target="numpy")
    network = PreferenceGroup("core.network", root, default_schedule=list(DEFAULT_SCHEDULE))
    # the most memory labkit plans for (bytes, or a text such as '2 GB'; None: what the
    # system says is available); checked before connect(), groups and monitors allocate
    core = PreferenceGroup("core", root, default_float_dtype=np.float64, network=network,
                           memory_limit=None)
    # Brian2's name for the OpenMP threads of cpp_standalone (0: none); set_device's
    # threads= wins when given
    cpp = PreferenceGroup("devices.cpp_standalone", root, openmp_threads=0)
    # the runtime device's threads for large groups (None: all cores); set_device's
    # threads= wins when given
    # fast_start: first calls on numpy while the compiled kernel gets ready (see
    # labkit.devices.fast_start); LABKIT_FAST_START=0 turns it off in a whole process
    runtime = PreferenceGroup("devices.runtime", root, threads=None,
                              fast_start=os.environ.get("LABKIT_FAST_START", "1") != "0")
    devices = PreferenceGroup("devices", root, cpp_standalone=cpp, runtime=runtime)
    root._values.update(codegen=codegen, core=core, devices=devices)
    return root


#: The preferences of this process (Brian2's ``prefs``).
prefs = _build()


def restore_defaults(group: PreferenceGroup = prefs, defaults: PreferenceGroup | None = None):
    """Every preference back to its value at import (Brian2's ``prefs._restore()``)."""
    defaults = _build() if defaults is None else defaults
    for name, value in defaults._values.items():
        if isinstance(value, PreferenceGroup):
            restore_defaults(group._values[name], value)
        else:
            group._values[name] = value
