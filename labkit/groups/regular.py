"""``G.run_regularly(code, dt=...)`` -> code run over a group's elements at a regular interval.

Why: models change parameters during a run (a new random stimulus every 60 ms, a fresh
noise value every millisecond); Brian2 runs such code inside the simulation loop, where
a ``network_operation`` would return to Python. The code follows Brian2's rules for
abstract code (:mod:`labkit.equations.code`): temporaries, and statements that run once
(``(shared)`` variables, ``rand()`` drawn once for them) before those that run for each
element. The object has its own clock (``dt=``) and slot (``when='start'`` by default) and
runs with its group (one of the group's ``contained_objects``).

Kernel operations: a :class:`~labkit.codegen.spec.ScalarCode` for the scalar block, then a
:class:`~labkit.codegen.spec.Reset` over the elements (this object's own list of them, so
a subgroup's code runs on its part only); no operation is new to the devices but the
first.
"""

from __future__ import annotations

import numpy as np
import sympy

from labkit.core.base import LabkitObject, unique_name
from labkit.errors import UnsupportedFeatureError
from labkit.groups.runtime_values import ObjectPlan, resolve_externals

__all__ = ["RegularCode", "run_regularly"]


class RegularCode(LabkitObject):
    """Code run over ``group``'s elements every ``dt`` (Brian2's ``CodeRunner``)."""

    _default_name = "run_regularly*"

    def __init__(self, group, code: str, dt=None, clock=None, when="start", order=0,
                 name=None):
        from labkit.groups.build import parse_code

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
        parse_code(code, "run_regularly")  # a syntax error points at this line
        self._plans: dict = {}

    def _label(self) -> str:
        return f"the run_regularly code of {self.group._label()}"

    def _prepare(self, ctx) -> ObjectPlan:
        from labkit.groups.build import external_kinds, names_in, parse_code

        group = self.group
        owner = group._owner
        try:
            prefix = ctx.owner(owner)
        except KeyError:
            raise ValueError(f"{self._label()} runs on {owner._label()}, which is not part of "
                             "this run; add the group to the network") from None
        names, temporaries = set(), set()
        for stmt in parse_code(self.code, "run_regularly"):
            names |= names_in(stmt.expr) - temporaries
            if stmt.target not in owner.variables:  # a temporary: not looked up
                temporaries.add(stmt.target)
        names = _through_subexpressions(owner, names)
        externals = resolve_externals(owner, names, ctx)
        kinds = external_kinds(externals)
        dims = {n: getattr(v, "dim", None) for n, v in externals.items()}
        me, clock = ctx.owner(self), ctx.clock(self)
        key = (self.code, prefix, me, clock, group._start, group._stop,
               tuple(sorted((n, kinds[n], dims[n]) for n in kinds)))
        ops = self._plans.get(key)
        if ops is None:
            ops = self._operations(externals, kinds, prefix, me, clock)
            self._plans = {key: ops}
        from labkit.plan.arguments import bind

        # the group binds its own arrays and size; the elements and constants are ours
        # (a TimedArray's values depend on the reader's dt, which may differ from the group's)
        count = group._stop - group._start
        values = {f"{me}_spikes": np.arange(group._start, group._stop, dtype=np.int32),
                  f"{me}_nspikes": np.array([count], dtype=np.int64), f"{me}_N": count}
        values.update(bind(me, externals, self.clock.dt_))
        return ObjectPlan(ops, values)

    def _operations(self, externals, kinds, prefix, me, clock) -> list:
        from labkit.codegen import spec as S
        from labkit.codegen.ir import Statement
        from labkit.equations.code import translate
        from labkit.groups.build import (
            _resolver,
            dimension_of_external,
            names_in,
            parse_code,
            symbols_for,
        )
        from labkit.plan.arguments import is_boolean

        group, owner = self.group, self.group._owner
        variables = {n: (v.dim, v.is_boolean) for n, v in owner.variables.items()
                     if v.kind != "index"}
        ext_dims = {n: dimension_of_external(v) for n, v in externals.items()}
        booleans = frozenset(n for n, v in externals.items() if is_boolean(v))
        equations = getattr(owner, "equations", None)
        resolve = _resolver(equations, variables, ext_dims, booleans)
        constant = {n for n, eq in equations.items() if "constant" in eq.flags} \
            if equations is not None else set()
        assignable = {n for n, v in owner.variables.items()
                      if v.array is not None and not v.read_only and v.kind != "linked"
                      and n not in constant and not n.startswith("_")
                      and n not in ("lastspike", "not_refractory")}
        shared = {n for n, v in owner.variables.items() if v.shared}
        scalar = shared | set(externals) | {"t", "dt", "N", "t_in_timesteps"}
        subs = {sympy.Symbol(n, real=True): v.expr for n, v in owner.variables.items()
                if v.kind == "subexpression"}
        statements = tuple(
            type(stmt)(stmt.target, stmt.op, stmt.expr.xreplace(subs), stmt.source)
            for stmt in parse_code(self.code, "run_regularly"))
        code = translate(statements, resolve, scalar_names=scalar, assignable=assignable,
                         where=self._label())
        local = _local_names(group, owner)
        arrays = {n: ("shared" if v.shared else "array") for n, v in owner.variables.items()
                  if v.array is not None}

        def roles(stmts):
            names = set()
            for s in stmts:
                names |= names_in(s.expr) | {s.target}
            return symbols_for(names - set(kinds), prefix, arrays, {}) + \
                symbols_for(names & set(kinds), me, {}, kinds)

        ops = []
        label = f"{self.name}"
        if code.scalar:
            scalar_stmts = tuple(Statement(s.target, s.expr.xreplace(local))
                                 for s in code.scalar)
            op = S.ScalarCode(prefix, clock, roles(scalar_stmts), f"{label} (scalar)",
                              scalar_stmts)
            ops.append((self.when, self.order, op))
        if code.vector:
            vector_stmts = tuple(Statement(s.target, s.expr.xreplace(local))
                                 for s in code.vector)
            op = S.Reset(me, clock, roles(vector_stmts), label, vector_stmts)
            ops.append((self.when, self.order, op))
        return ops

    def _store_state(self) -> dict:
        return {}

    def _restore_state(self, state) -> None:
        pass

    def __repr__(self) -> str:
        return f"<RegularCode {self.name!r} of {self.group.name!r}: {self.code.strip()!r}>"


def _through_subexpressions(owner, names: set[str]) -> set[str]:
    from labkit.groups.strings import names_through_subexpressions

    return names_through_subexpressions(owner.variables, names)


def _local_names(group, owner) -> dict:
    """In a subgroup's code, ``i`` counts from the subgroup's start and ``N`` is its size."""
    if group is owner:
        return {}
    i = sympy.Symbol("i", real=True)
    return {i: i - group._start, sympy.Symbol("N", real=True): sympy.Integer(group.N)}


def run_regularly(group, code: str, dt=None, clock=None, when="start", order=0, name=None,
                  codeobj_class=None) -> RegularCode:
    """Create the object and attach it to the group that owns the storage (it runs with it)."""
    runner = RegularCode(group, code, dt=dt, clock=clock, when=when, order=order, name=name)
    owner = group._owner
    owner.contained_objects = (*owner.contained_objects, runner)
    return runner
