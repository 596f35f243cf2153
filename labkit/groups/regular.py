"""``G.run_regularly(code, dt=...)`` -> code run over a group's elements at a regular interval.

Why: models change parameters during a run (a new random stimulus every 60 ms, a fresh
noise value every millisecond); Brian2 runs such code inside the simulation loop, where
a ``network_operation`` would return to Python. The code follows Brian2's rules for
abstract code (:mod:`labkit.equations.code`): temporaries, and statements that run once
(``(shared)`` variables, ``rand()`` drawn once for them) before those that run for each
element. The object has its own clock (``dt=``) and slot (``when='start'`` by default) and
runs with its group (one of the group's ``contained_objects``).

Its kernel operations are planned in :mod:`labkit.plan.regular`.
"""

from __future__ import annotations

from labkit.core.base import LabkitObject, unique_name
from labkit.errors import UnsupportedFeatureError
from labkit.groups.stored_model import checked_code
from labkit.plan.regular import plan_regular

__all__ = ["RegularCode", "run_regularly"]


class RegularCode(LabkitObject):
    """Code run over ``group``'s elements every ``dt`` (Brian2's ``CodeRunner``)."""

    _default_name = "run_regularly*"

    def __init__(self, group, code: str, dt=None, clock=None, when="start", order=0,
                 name=None):
        if hasattr(group, "_pathways"):
            raise UnsupportedFeatureError(
                f"run_regularly on {group._label()} is not available yet: labkit runs it on "
                "neuron groups (and their subgroups). Put the code in the Synapses' model as "
                "a (clock-driven) equation, or change the values from a network_operation.")
        if not isinstance(code, str):
            raise TypeError(f"run_regularly needs code as a string such as 'v = rand()*mV', "
                            f"not {type(code).__name__}")
        owner = group._owner
        if dt is None and clock is None:
            clock = owner.clock
        name = name or unique_name(f"{owner.name}_run_regularly*")
        super().__init__(dt=dt, clock=clock, when=when, order=order, name=name)
        self.group, self.code = group, code
        # a syntax error points at this line (no sympy for code that parsed before)
        checked_code(code, "run_regularly")

    def _label(self) -> str:
        return f"the run_regularly code of {self.group._label()}"

    def _prepare(self, ctx):
        """This run's operations and values (:mod:`labkit.plan.regular` makes them)."""
        return plan_regular(self, ctx)

    def _store_state(self) -> dict:
        return {}

    def _restore_state(self, state) -> None:
        pass

    def __repr__(self) -> str:
        return f"<RegularCode {self.name!r} of {self.group.name!r}: {self.code.strip()!r}>"


def run_regularly(group, code: str, dt=None, clock=None, when="start", order=0, name=None,
                  codeobj_class=None) -> RegularCode:
    """Create the object and attach it to the group that owns the storage (it runs with it)."""
    runner = RegularCode(group, code, dt=dt, clock=clock, when=when, order=order, name=name)
    owner = group._owner
    owner.contained_objects = (*owner.contained_objects, runner)
    return runner
