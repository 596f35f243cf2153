"""network_operation: Python code called at chosen steps of a run, between compiled chunks.

The kernel returns to Python at the operation's slot in the schedule, the function runs
(it may read and change group variables: they are the kernel's own arrays), and the kernel
resumes right after it, in the same step.
"""

from __future__ import annotations

import inspect

from labkit.core.base import LabkitObject
from labkit.core.clock import SECOND
from labkit.plan.inputs import plan_network_operation
from labkit.units.quantity import Quantity

__all__ = ["NetworkOperation", "network_operation"]


class NetworkOperation(LabkitObject):
    """A Python function run every ``dt`` (default: each step) at slot ``when``.

    The function takes no argument or one: the current time ``t`` (a Quantity).
    """

    _default_name = "networkoperation*"

    def __init__(self, function, dt=None, clock=None, when="start", order=0, name=None):
        super().__init__(dt=dt, clock=clock, when=when, order=order, name=name)
        self.function = function
        try:
            params = [p for p in inspect.signature(function).parameters.values()
                      if p.default is inspect.Parameter.empty
                      and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):
            params = []
        if len(params) > 1:
            raise TypeError(f"network_operation {function.__name__!r} must take no argument "
                            "or one (the time t)")
        self._takes_t = len(params) == 1

    def _prepare(self, ctx):
        return plan_network_operation(self, ctx)

    def _call(self, t: float) -> None:
        if self._takes_t:
            self.function(Quantity(t, dim=SECOND))
        else:
            self.function()

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def _store_state(self) -> dict:
        return {}

    def _restore_state(self, state) -> None:
        pass


def network_operation(*args, **kwds):
    """Decorator: ``@network_operation`` or ``@network_operation(dt=1*ms, when='end')``."""
    if len(args) == 1 and callable(args[0]) and not kwds:
        return NetworkOperation(args[0])
    if args:
        raise TypeError("use @network_operation or @network_operation(dt=..., when=...)")

    def decorator(function):
        return NetworkOperation(function, **kwds)

    return decorator
