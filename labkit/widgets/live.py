"""``@live(tau=(1*ms, 100*ms, 'log'), I=(0, 3))`` on a function -> a displayed Panel.

Why: ``ipywidgets.interact`` is how people explore a function in a notebook, but it
re-creates its output on every change, knows nothing of units and has no notion of
"too slow to run while dragging". ``@live`` keeps interact's shape (abbreviations for
controls, the function's defaults as the controls' defaults) and builds a :class:`Panel`:
figures built once and updated in place, Quantities for the function, automatic
live/on-release switching, errors shown in the panel.

The function builds and runs a simulation and returns its monitors (or a dict of arrays);
the views are chosen from what it returns unless ``views=`` says otherwise::

    @live(tau=(1*ms, 100*ms, 'log'), I=(0.0, 3.0))
    def lif(tau=10*ms, I=1.5):
        G = NeuronGroup(1, 'dv/dt = (I - v)/tau : 1', threshold='v > 1', reset='v = 0')
        M = StateMonitor(G, 'v', record=0)
        S = SpikeMonitor(G)
        run(100*ms)
        return M, S
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping

from labkit.widgets.controls import control_from_spec
from labkit.widgets.model import FunctionModel
from labkit.widgets.panel import Panel

__all__ = ["live"]


def _display(widget) -> None:
    """Show ``widget`` when running inside a Jupyter kernel; do nothing elsewhere."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        from IPython.display import display

        display(widget)


def live(function: Callable | None = None, *, views=None, title: str | None = None,
         presets: Mapping | None = None, show: bool = True, **specs):
    """Decorator: function + control specs -> a :class:`Panel` (displayed in a notebook).

    Parameters
    ----------
    function : callable
        Called with every control's value as a keyword argument; returns monitors or a
        dict (see :func:`~labkit.widgets.results.as_results`). Parameters without a spec
        keep the function's own defaults.
    views : sequence of View, optional
        Default: inferred from the first results (traces, raster, rate).
    title : str, optional
        Default: the function's name.
    presets : mapping, optional
        Named sets of values.
    show : bool
        Display the panel when in a Jupyter kernel (as ``interact`` does).
    **specs
        One per parameter: ``(min, max)``, ``(min, max, step)``, ``(min, max, 'log')``, a
        list of choices, a bool, or a :class:`~labkit.widgets.controls.Control`. The names
        ``views``, ``title``, ``presets`` and ``show`` are taken by this decorator.

    Returns
    -------
    Panel
        Its ``model.fn`` is the undecorated function.

    >>> from labkit.units import ms
    >>> from labkit.widgets.views import IFCurveView
    >>> @live(tau=(1 * ms, 100 * ms, "log"), views=[IFCurveView("x", "y", y_unit=None)],
    ...       show=False)
    ... def f(tau=10 * ms):
    ...     return {"x": [0.0, 1.0], "y": [0.0, float(tau / ms)]}
    >>> f.results["y"], f.controls["tau"].widget.description
    ([0.0, 10.0], 'tau [ms]')
    """
    def decorate(fn: Callable) -> Panel:
        signature = inspect.signature(fn)
        unknown = [name for name in specs if name not in signature.parameters and not any(
            p.kind is p.VAR_KEYWORD for p in signature.parameters.values())]
        if unknown:
            raise TypeError(f"{fn.__name__}() has no parameter {', '.join(unknown)}")
        controls = []
        for name, spec in specs.items():
            parameter = signature.parameters.get(name)
            default = None if parameter is None or parameter.default is parameter.empty \
                else parameter.default
            controls.append(control_from_spec(name, spec, default))
        panel = Panel(FunctionModel(fn), controls, views=views,
                      title=fn.__name__ if title is None else title, presets=presets)
        if show:
            _display(panel)
        return panel

    return decorate if function is None else decorate(function)
