"""PoissonInput(target, var, N, rate, weight) -> ``var += weight * (events this step)``.

Why: Brian2's cheap stand-in for ``N`` independent Poisson sources on every element of
a group (Brunel 2000's external input is 1000 of them per neuron). Instead of simulating
the sources and their synapses, each step draws, for each element, how many of the
``N`` sources fired: a binomial number with probability ``rate*dt``; the variable grows
by that many ``weight``. As in Brian2 it runs in the ``synapses`` slot on the target's
clock, and when both ``N*p`` and ``N*(1-p)`` exceed 5 the count is drawn from Brian2's
normal approximation (mean ``N*p``, variance ``N*p*(1-p)``, not rounded), else exactly.

Its kernel operation is planned in :mod:`labkit.plan.poisson_input`.
"""

from __future__ import annotations

from labkit.core.base import LabkitObject
from labkit.errors import DimensionMismatchError
from labkit.groups.stored_model import checked_condition
from labkit.plan.poisson_input import plan_poisson_input
from labkit.units.dimension import DIMENSIONLESS, get_or_create_dimension, readable

__all__ = ["PoissonInput"]

HERTZ = get_or_create_dimension(s=-1)


class PoissonInput(LabkitObject):
    """``N`` independent Poisson inputs of ``rate`` onto ``target_var`` of each element.

    Parameters
    ----------
    target : NeuronGroup or Subgroup
    target_var : str
        The variable each input event increases by ``weight``.
    N : int
        Number of inputs per element.
    rate : Quantity
        Rate of each input (Hz).
    weight : Quantity or str
        The increase per event, in the variable's units; a string is an expression over
        the target's variables and names (``'w0*stimulus(t)'``).
    when, order
        The schedule slot (``'synapses'``) and the position in it.
    """

    _default_name = "poissoninput*"

    def __init__(self, target, target_var: str, N, rate, weight, when="synapses", order=0,
                 name=None):
        owner = target._owner
        super().__init__(clock=owner.clock, when=when, order=order, name=name)
        if target_var not in owner.variables:
            known = ", ".join(n for n in owner.variables if not n.startswith("_"))
            raise KeyError(f"PoissonInput: {target._label()} has no variable "
                           f"{target_var!r}; its variables are {known}")
        var = owner.variables[target_var]
        if var.array is None or var.read_only or var.kind == "linked":
            raise TypeError(f"PoissonInput cannot add to {target._label()}.{target_var}: "
                            "it is not a state variable or parameter")
        if int(N) != N or N < 0:
            raise ValueError(f"PoissonInput needs a whole number of inputs N >= 0, got {N!r}")
        if getattr(rate, "dim", None) is not HERTZ:
            raise DimensionMismatchError(f"PoissonInput needs rate in Hz (e.g. 10*Hz), got "
                                         f"{rate!r}", getattr(rate, "dim", None))
        weight_dim = getattr(weight, "dim", DIMENSIONLESS)
        if not isinstance(weight, str) and weight_dim is not var.dim:
            raise DimensionMismatchError(
                f"PoissonInput: the weight {weight!r} does not have the units of "
                f"{target_var} ({readable(var.dim)})", weight_dim, var.dim)
        self.target, self.target_var = target, target_var
        self.N, self.rate, self.weight = int(N), rate, weight
        self._dt = owner.clock.dt_
        if isinstance(weight, str):  # parsed now (no sympy for a weight that parsed before)
            checked_condition(weight, "the weight of a PoissonInput")

    def _label(self) -> str:
        return f"PoissonInput {self.name!r} on {self.target._label()}"

    def _prepare(self, ctx):
        """This run's operation and values (:mod:`labkit.plan.poisson_input` makes them)."""
        return plan_poisson_input(self, ctx)

    def _store_state(self) -> dict:
        return {}

    def _restore_state(self, state) -> None:
        pass

    def __repr__(self) -> str:
        return (f"PoissonInput({self.target.name!r}, {self.target_var!r}, N={self.N}, "
                f"rate={self.rate!r}, weight={self.weight!r})")
