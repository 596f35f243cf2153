"""labkit.widgets: parameters in, plots out. Stage 6 of labkit's data flow.

Controls (unit-aware ipywidgets) -> a model (``simulate(**params) -> results``) -> views
(bqplot figures updated in place). :class:`Panel` ties them together, ``@live`` builds one
from a function, :class:`Scope` keeps a chunked model running in the background, and
``plot_raster`` / ``plot_state`` / ``plot_rate`` draw static matplotlib figures.

This package never imports numba, sympy, ``labkit.codegen`` or ``labkit.devices``: a panel
talks only to a model object. Names are loaded on first use (PEP 562), so ``import
labkit.widgets`` is cheap and bqplot (which pulls in pandas) loads only when a view is made.
``live`` is imported at once: it shares its name with its module, and binding the function
here first keeps ``labkit.widgets.live`` the decorator whatever is imported later.
"""

from __future__ import annotations

import importlib

from labkit.widgets.live import live as live

#: Public name -> module that defines it (filled here, read by ``__getattr__``).
_WHERE = {
    "Panel": "panel", "live": "live", "Scope": "scope", "background_mode": "scope",
    "Control": "controls", "FloatControl": "controls", "IntControl": "controls",
    "ChoiceControl": "controls", "CheckControl": "controls", "control_from_spec": "controls",
    "View": "views", "TraceView": "views", "RasterView": "views", "RateView": "views",
    "IFCurveView": "views", "PhasePlaneView": "views", "IVCurveView": "views",
    "SlopeIVView": "views", "MorphologyView": "views",
    "infer_views": "views",
    "Results": "results", "as_results": "results",
    "SimulationModel": "model", "ChunkedModel": "model", "FunctionModel": "model",
    "NetworkModel": "model",
    "minmax_decimate": "decimate",
    "plot_raster": "static", "plot_state": "static", "plot_rate": "static",
    "save_npz": "export", "load_npz": "export", "save_figure": "export",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'labkit.widgets' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"labkit.widgets.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
