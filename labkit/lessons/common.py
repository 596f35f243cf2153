"""Pieces every lesson module shares: a model wrapper that adds values to the results.

Why: a :class:`~labkit.widgets.NetworkModel` returns what its monitors recorded; a view
sometimes needs a number the monitors do not hold (the threshold line of a trace, the
stimulus of a protocol). :class:`WithValues` adds them, computed from the parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from labkit.widgets import Results, as_results

__all__ = ["WithValues"]


class WithValues:
    """A model + ``extra(params) -> dict`` -> a model whose results hold both.

    >>> from labkit.widgets import FunctionModel
    >>> m = WithValues(FunctionModel(lambda a: {"x": [a]}), lambda p: {"twice": 2 * p["a"]})
    >>> dict(m.simulate(a=1))
    {'x': [1], 'twice': 2}
    """

    def __init__(self, model, extra: Callable[[Mapping], Mapping]):
        self.model, self.extra = model, extra

    def simulate(self, **params) -> Results:
        results = as_results(self.model.simulate(**params))
        return Results({**results, **self.extra(params)}, sim_time=results.sim_time,
                       static=results.static)

    def __repr__(self):
        return f"WithValues({self.model!r})"
