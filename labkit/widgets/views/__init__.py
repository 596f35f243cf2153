"""Views: Results -> bqplot figures, updated in place (see :mod:`.base`)."""

import numpy as np

from labkit.widgets.views.base import View
from labkit.widgets.views.ifcurve import IFCurveView
from labkit.widgets.views.ivcurve import IVCurveView
from labkit.widgets.views.morphology import MorphologyView
from labkit.widgets.views.phaseplane import PhasePlaneView
from labkit.widgets.views.raster import RasterView
from labkit.widgets.views.rate import RateView
from labkit.widgets.views.slope_iv import SlopeIVView
from labkit.widgets.views.trace import TraceView

__all__ = ["View", "TraceView", "RasterView", "RateView", "IFCurveView", "PhasePlaneView",
           "IVCurveView", "SlopeIVView", "MorphologyView", "infer_views"]


def infer_views(results) -> list[View]:
    """Results -> a sensible default set of views (for ``@live`` without ``views=``).

    A trace per recorded state variable (at most three), a raster when there are spikes, a
    rate plot when there is a rate.
    """
    views: list[View] = []
    skip = {"t", "populations", "N"}
    if "t" in results:
        n_t = len(results["t"])
        for key, value in results.items():
            if key in skip or key.startswith(("spike_", "rate")):
                continue
            if hasattr(value, "shape") and value.shape and value.shape[-1] == n_t:
                views.append(TraceView(key, title=key))
            if len(views) == 3:
                break
    if "spike_t" in results:
        i = np.asarray(results["spike_i"])
        rows = int(results["N"]) if np.ndim(results.get("N")) == 0 and "N" in results else (
            int(i.max()) + 1 if i.size else 1)
        # about 14 px a neuron: one neuron gets a strip, a hundred a full plot
        height = int(np.clip(70 + 14 * rows, 110, 260))
        views.append(RasterView(title="spikes", height=f"{height}px"))
    if "rate" in results:
        views.append(RateView(title="population rate"))
    if not views:
        keys = ", ".join(results)
        raise ValueError(f"no view fits these results (keys: {keys}); pass views=[...]")
    return views
