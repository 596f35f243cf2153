"""PoissonInput(target, var, N, rate, weight) -> ``var += weight * (events this step)``.

Why: Brian2's cheap stand-in for ``N`` independent Poisson sources on every element of
a group (Brunel 2000's external input is 1000 of them per neuron). Instead of simulating
the sources and their synapses, each step draws, for each element, how many of the
``N`` sources fired: a binomial number with probability ``rate*dt``; the variable grows
by that many ``weight``. As in Brian2 it runs in the ``synapses`` slot on the target's
clock, and when both ``N*p`` and ``N*(1-p)`` exceed 5 the count is drawn from Brian2's
normal approximation (mean ``N*p``, variance ``N*p*(1-p)``, not rounded), else exactly.

The kernel operation is a :class:`~labkit.codegen.spec.Reset` over the object's own list
of elements (a subgroup as target gets its part only). ``N``, ``p`` and the normal
approximation's mean and spread are arguments, so changing ``rate`` between runs costs a
recompile only when it moves the count from one sampling rule to the other.
"""

from __future__ import annotations

import numpy as np

from labkit.core.base import LabkitObject
from labkit.errors import DimensionMismatchError
from labkit.groups.runtime_values import ObjectPlan, resolve_externals
from labkit.units.dimension import DIMENSIONLESS, get_or_create_dimension, readable

__all__ = ["PoissonInput"]

HERTZ = get_or_create_dimension(s=-1)
#: Model names of the object's own numbers in its statement (never a user's name).
_N, _P, _LOC, _SCALE, _WEIGHT = "_pin_n", "_pin_p", "_pin_loc", "_pin_scale", "_pin_w"


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
        self._plans: dict = {}
        if isinstance(weight, str):
            from labkit.groups.build import parse_condition

            parse_condition(weight, "the weight of a PoissonInput")

    def _label(self) -> str:
        return f"PoissonInput {self.name!r} on {self.target._label()}"

    def _numbers(self) -> dict:
        p = float(np.asarray(self.rate)) * self._dt
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{self._label()}: rate*dt = {p:g} is not a probability; use a "
                             "smaller dt or rate")
        n = self.N
        return {_N: n, _P: p, _LOC: n * p, _SCALE: float(np.sqrt(n * p * (1 - p)))}

    def _prepare(self, ctx) -> ObjectPlan:
        from labkit.groups.build import external_kinds, names_in, parse_condition
        from labkit.plan.arguments import bind

        target, owner = self.target, self.target._owner
        if owner.clock.dt_ != self._dt:
            raise ValueError(f"{self._label()}: the dt of {owner._label()} changed after the "
                             "PoissonInput was created (Brian2 refuses this too); create it "
                             "after setting dt")
        try:
            prefix = ctx.owner(owner)
        except KeyError:
            raise ValueError(f"{self._label()}: {owner._label()} is not part of this run; "
                             "add it to the network") from None
        names = set()
        if isinstance(self.weight, str):
            from labkit.groups.strings import names_through_subexpressions

            names = names_through_subexpressions(
                owner.variables, names_in(parse_condition(self.weight, "weight")))
        externals = resolve_externals(owner, names, ctx)
        kinds = external_kinds(externals)
        numbers = self._numbers()
        normal = numbers[_LOC] > 5 and self.N * (1 - numbers[_P]) > 5  # Brian2's rule
        me = ctx.owner(self)
        key = (prefix, me, ctx.clock(self), normal, self.target._start, self.target._stop,
               tuple(sorted(kinds.items())))
        ops = self._plans.get(key)
        if ops is None:
            ops = [(self.when, self.order, self._operation(externals, kinds, prefix, me,
                                                           ctx.clock(self), normal))]
            self._plans = {key: ops}
        count = target._stop - target._start
        values = {f"{me}_spikes": np.arange(target._start, target._stop, dtype=np.int32),
                  f"{me}_nspikes": np.array([count], dtype=np.int64), f"{me}_N": count,
                  f"{me}{_N}": numbers[_N], f"{me}{_P}": numbers[_P],
                  f"{me}{_LOC}": numbers[_LOC], f"{me}{_SCALE}": numbers[_SCALE]}
        if not isinstance(self.weight, str):
            values[f"{me}{_WEIGHT}"] = float(np.asarray(self.weight))
        values.update(bind(me, externals, self.clock.dt_))
        return ObjectPlan(ops, values)

    def _operation(self, externals, kinds, prefix, me, clock, normal: bool):
        import sympy

        from labkit.codegen import spec as S
        from labkit.codegen.ir import Statement
        from labkit.equations.functions import binomial, randn, random_call
        from labkit.groups.build import names_in, symbols_for

        owner = self.target._owner
        symbol = sympy.Symbol
        if normal:
            count = random_call(randn, 0) * symbol(_SCALE, real=True) + symbol(_LOC, real=True)
        else:
            count = binomial(symbol(_N, real=True), symbol(_P, real=True), sympy.Integer(0))
        weight = self._weight_expr(externals)
        var = symbol(self.target_var, real=True)
        statement = Statement(self.target_var, var + count * weight)
        arrays = {n: ("shared" if v.shared else "array") for n, v in owner.variables.items()
                  if v.array is not None}
        names = names_in(statement.expr) | {self.target_var}
        own = {_N: "int", _P: "scalar", _LOC: "scalar", _SCALE: "scalar", _WEIGHT: "scalar"}
        symbols = symbols_for(names - set(kinds) - set(own), prefix, arrays, {}) + \
            symbols_for(names & set(kinds), me, {}, kinds) + \
            tuple(S.Symbol(n, role, f"{me}{n}") for n, role in own.items() if n in names)
        return S.Reset(me, clock, symbols, f"{self.name}", (statement,))

    def _weight_expr(self, externals):
        """The weight: a Quantity (an argument) or the checked expression of a string."""
        import sympy

        if not isinstance(self.weight, str):
            return sympy.Symbol(_WEIGHT, real=True)
        from labkit.equations.checks import infer_dimension
        from labkit.groups.build import _resolver, dimension_of_external, parse_condition
        from labkit.plan.arguments import is_boolean

        owner = self.target._owner
        variables = {n: (v.dim, v.is_boolean) for n, v in owner.variables.items()
                     if v.kind != "index"}
        resolve = _resolver(getattr(owner, "equations", None), variables,
                            {n: dimension_of_external(v) for n, v in externals.items()},
                            frozenset(n for n, v in externals.items() if is_boolean(v)))
        expr = parse_condition(self.weight, "weight")
        where = f"the weight '{self.weight}' of {self._label()}"
        dim = infer_dimension(expr, resolve, where=where)
        needed = owner.variables[self.target_var].dim
        if dim is not needed:
            raise DimensionMismatchError(
                f"in {where}: the weight has units of {readable(dim)}, but {self.target_var} "
                f"needs {readable(needed)}", dim, needed)
        subs = {sympy.Symbol(n, real=True): v.expr for n, v in owner.variables.items()
                if v.kind == "subexpression"}
        return expr.xreplace(subs)

    def _store_state(self) -> dict:
        return {}

    def _restore_state(self, state) -> None:
        pass

    def __repr__(self) -> str:
        return (f"PoissonInput({self.target.name!r}, {self.target_var!r}, N={self.N}, "
                f"rate={self.rate!r}, weight={self.weight!r})")
