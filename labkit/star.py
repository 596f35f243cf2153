"""The rest of Brian2's star import -> numpy's names and pyplot's functions, pyplot lazily.

Why: ``from brian2 import *`` also brings numpy's namespace (``linspace``, ``zeros``,
``mean``, ``rand``, ``randn``, ...) and pylab's plotting functions (``plot``, ``figure``,
``xlabel``, ``show``, ...), and scripts written for Brian2 call them bare. labkit gives the
same names with two differences, both deliberate:

* no name shadows a Python builtin: Brian2's star import replaces ``sum``, ``min``,
  ``max``, ``abs``, ``round``, ``all``, ``any``, ``pow``, ``bool``, ``bytes``, ``divmod``
  and ``input``; labkit's leaves them alone (use ``np.sum`` and friends for arrays);
* pyplot is not imported until a plotting function is first called: each pyplot name is a
  small stand-in that imports ``matplotlib.pyplot`` then (about half a second) and calls
  the real function, so ``import labkit`` and the star import stay fast.

Where names collide, labkit's own win (``arange`` with units, ``seed`` for labkit's
generator), then numpy's over pyplot's, as in Brian2. numpy's functions handle Quantities
through numpy's protocols, so ``mean(M.v)`` keeps its unit as Brian2's does.
"""

from __future__ import annotations

import builtins
import types

import numpy as np

import labkit.numpy_ as numpy_
from labkit.units.plotting import register

__all__ = ["numpy_names", "PYPLOT_CLASSES", "PYPLOT_FUNCTIONS", "PyplotFunction",
           "pyplot_names", "LazyModule",
           "module_names"]

#: pyplot's plotting and figure functions (matplotlib 3.x; ``tests/test_star_import.py``
#: checks each against the installed pyplot).
PYPLOT_FUNCTIONS = (
    "acorr", "angle_spectrum", "annotate", "arrow", "autoscale", "autumn", "axes", "axhline",
    "axhspan", "axis", "axline", "axvline", "axvspan", "bar", "bar_label", "barbs", "barh",
    "bone", "box", "boxplot", "broken_barh", "cla", "clabel", "clf", "clim", "close",
    "cohere", "colorbar", "connect", "contour", "contourf", "cool", "copper", "csd",
    "delaxes", "disconnect", "draw", "ecdf", "errorbar", "eventplot", "figaspect", "figimage",
    "figlegend", "fignum_exists", "figtext", "figure", "fill", "fill_between",
    "fill_betweenx", "findobj", "flag", "gca", "gcf", "gci", "get_backend", "get_cmap",
    "get_current_fig_manager", "get_figlabels", "get_fignums", "get_plot_commands", "getp",
    "ginput", "gray", "grid", "hexbin", "hist", "hist2d", "hlines", "hot", "hsv", "imread",
    "imsave", "imshow", "inferno", "interactive", "ioff", "ion", "isinteractive", "jet",
    "legend", "locator_params", "loglog", "magma", "magnitude_spectrum", "margins",
    "matshow", "minorticks_off", "minorticks_on", "nipy_spectral", "pause", "pcolor",
    "pcolormesh", "phase_spectrum", "pie", "pink", "plasma", "plot", "polar", "prism",
    "psd", "quiver", "quiverkey", "rc", "rc_context", "rcdefaults", "rgrids", "savefig",
    "sca", "scatter", "sci", "semilogx", "semilogy", "set_cmap", "setp", "show", "specgram",
    "spring", "spy", "stackplot", "stairs", "stem", "step", "streamplot", "subplot",
    "subplot2grid", "subplot_mosaic", "subplot_tool", "subplots", "subplots_adjust",
    "summer", "suptitle", "switch_backend", "table", "text", "thetagrids", "tick_params",
    "ticklabel_format", "tight_layout", "title", "tricontour", "tricontourf", "tripcolor",
    "triplot", "twinx", "twiny", "violinplot", "viridis", "vlines", "waitforbuttonpress",
    "winter", "xcorr", "xkcd", "xlabel", "xlim", "xscale", "xticks", "ylabel", "ylim",
    "yscale", "yticks",
)


def _pyplot():
    """``matplotlib.pyplot``, imported on first use, with labkit's unit converter."""
    import matplotlib.pyplot

    register()
    return matplotlib.pyplot


class PyplotFunction:
    """Stands in for one pyplot function until it is called (then pyplot is imported).

    >>> plot = PyplotFunction("plot")
    >>> plot
    <pyplot function plot, loaded on first use>
    """

    __slots__ = ("_name",)

    def __init__(self, name: str):
        self._name = name

    @property
    def __name__(self):
        return self._name

    @property
    def __wrapped__(self):
        return getattr(_pyplot(), self._name)

    @property
    def __doc__(self):  # help(plot) shows pyplot's documentation
        return self.__wrapped__.__doc__

    def __call__(self, *args, **kwargs):
        return self.__wrapped__(*args, **kwargs)

    def __getattr__(self, name: str):
        if name.startswith("_"):  # introspection (IPython, pickle) must not load pyplot
            raise AttributeError(name)
        return getattr(self.__wrapped__, name)

    def __repr__(self) -> str:
        return f"<pyplot function {self._name}, loaded on first use>"


class LazyModule:
    """Stands in for a module until one of its attributes is read (then imports it).

    Brian2's star import binds ``plt`` (pyplot), ``mpl`` and ``matplotlib``; scripts write
    ``plt.subplots(...)`` without importing pyplot. A stand-in keeps labkit's import free
    of matplotlib until the first such use.

    >>> plt = LazyModule("matplotlib.pyplot")
    >>> plt
    <module 'matplotlib.pyplot', loaded on first use>
    """

    __slots__ = ("_module_name",)

    def __init__(self, module_name: str):
        self._module_name = module_name

    @property
    def __wrapped__(self):
        import importlib

        return importlib.import_module(self._module_name)

    @property
    def __doc__(self):
        return self.__wrapped__.__doc__

    def __getattr__(self, name: str):
        if name.startswith("_"):  # introspection (IPython, pickle) must not load it
            raise AttributeError(name)
        return getattr(self.__wrapped__, name)

    def __setattr__(self, name: str, value) -> None:
        if name in LazyModule.__slots__:
            object.__setattr__(self, name, value)
        else:
            setattr(self.__wrapped__, name, value)

    def __dir__(self) -> list[str]:
        return dir(self.__wrapped__)

    def __repr__(self) -> str:
        return f"<module {self._module_name!r}, loaded on first use>"


def module_names(taken) -> dict:
    """The modules Brian2's star import binds -> labkit's counterparts, lazily where heavy:
    ``numpy`` is ``labkit.numpy_`` (numpy with unit-aware ``arange``, as ``brian2.numpy_``),
    ``plt``, ``mpl`` and ``matplotlib`` are stand-ins that import matplotlib on first use;
    ``codegen`` one for ``labkit.codegen`` (Brette_2012/Fig3AB writes
    ``codegen.target = 'numpy'``: an attribute of Brian2's module that nothing reads, so a
    no-op there and here; the setting is ``prefs.codegen.target``)."""
    names = {"numpy": numpy_, "plt": LazyModule("matplotlib.pyplot"),
             "mpl": LazyModule("matplotlib"), "matplotlib": LazyModule("matplotlib"),
             "codegen": LazyModule("labkit.codegen")}
    return {name: value for name, value in names.items() if name not in taken}


def _public(module) -> dict:
    # numpy loads some submodules (f2py, testing, ...) on first access: leave those out,
    # they would cost a quarter of a second at every import
    return {name: module.__dict__[name] for name in module.__all__
            if not name.startswith("_") and name in module.__dict__}


def numpy_names(taken) -> dict:
    """numpy's star-import names (with ``fft``, ``linalg`` and ``random``'s, later ones
    winning, as Brian2 imports them) -> objects, without builtins and ``taken`` names."""
    names: dict = {}
    for module in (np, np.fft, np.linalg, np.random):
        names.update(_public(module))
    return {name: value for name, value in names.items()
            if name not in taken and name not in _LEFT_OUT and not hasattr(builtins, name)
            and not isinstance(value, types.ModuleType)}


#: numpy's ``test`` runs numpy's test suite; star-imported into a test module, pytest
#: would try to collect it. Submodules (``linalg``, ``core``, ...) are left out too: they
#: are reached as ``np.linalg``, and ``core`` would hide ``labkit.core``.
_LEFT_OUT = frozenset({"test"})


#: matplotlib's tick classes that pylab's star import (so Brian2's) gives and Brian2's
#: examples call bare (Stimberg_et_al_2018's ``ScalarFormatter()``); calling the
#: stand-in makes one (``isinstance`` needs ``matplotlib.ticker``'s class itself).
PYPLOT_CLASSES = ("AutoLocator", "FixedLocator", "FormatStrFormatter", "FuncFormatter",
                  "LogFormatter", "LogLocator", "MaxNLocator", "MultipleLocator",
                  "NullFormatter", "NullLocator", "ScalarFormatter")


def pyplot_names(taken) -> dict:
    """pyplot function (and tick class) names -> stand-ins, without builtins and
    ``taken`` names."""
    return {name: PyplotFunction(name) for name in PYPLOT_FUNCTIONS + PYPLOT_CLASSES
            if name not in taken and not hasattr(builtins, name)}
