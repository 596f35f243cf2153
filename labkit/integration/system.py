"""Equations -> OdeSystem: the differential equations an integration method works on.

Every method needs the same view of a model: for each state variable ``x`` its drift
``f(x, t)`` and, for each noise symbol ``xi_k``, the factor ``g_k(x, t)`` in
``dx/dt = f + sum_k g_k * xi_k``, with subexpressions substituted. Building that view once
here keeps each method a few lines long.

Subexpressions flagged ``(constant over dt)`` are not substituted: they are evaluated once
at the start of the step (a ``prelude`` statement assigning the model name, as Brian2 stores
them), so a ``randn()`` inside one is drawn once per step and can be recorded.

Calls of functions that are constant over a step (a TimedArray whose dt is a whole number
of the group's steps: ``stim(t)``) are constants for the methods, as in Brian2: the caller
names those functions (``constant_functions``), and :func:`constant_over_step` is Brian2's
rule for when an expression that mentions ``t`` still is.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from labkit.codegen.ir import Statement
from labkit.equations.functions import rand, randn
from labkit.equations.symbols import is_noise, symbol
from labkit.errors import IntegrationError

CONSTANT_OVER_DT = "constant over dt"
EVENT_DRIVEN = "event-driven"
UNLESS_REFRACTORY = "unless refractory"


@dataclass(frozen=True)
class OdeSystem:
    """``dx/dt = f(x, t) + sum_k g_k(x, t) * xi_k`` for every state variable ``x``.

    ``drift[i]`` is ``f`` for ``names[i]``; ``noise[i]`` maps noise names to ``g_k``;
    ``prelude`` are the ``(constant over dt)`` statements that run first.
    """

    names: tuple[str, ...]
    drift: tuple[sympy.Expr, ...]
    noise: tuple[dict[str, sympy.Expr], ...]
    held: frozenset[str] = frozenset()
    prelude: tuple[Statement, ...] = ()
    #: Names of functions whose value is constant over a step (``stim`` for ``stim(t)``).
    constant_functions: frozenset[str] = frozenset()

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(symbol(n) for n in self.names)

    @property
    def noise_names(self) -> tuple[str, ...]:
        """Every noise symbol used, in order of first use."""
        return tuple(dict.fromkeys(k for per_var in self.noise for k in per_var))

    @property
    def noisy(self) -> tuple[str, ...]:
        """The variables whose equation has a noise term."""
        return tuple(n for n, per_var in zip(self.names, self.noise, strict=True) if per_var)

    @property
    def is_stochastic(self) -> bool:
        return bool(self.noise_names)

    def multiplicative(self) -> tuple[str, str] | None:
        """``(variable, reason)`` for the first noise factor that is not constant, else None.

        Additive noise has factors that depend on neither time nor a state variable (Brian2's
        definition); then Euler-Maruyama is enough.
        """
        states = set(self.symbols)
        for name, per_var in zip(self.names, self.noise, strict=True):
            for xi, g in per_var.items():
                used = sorted(s.name for s in g.free_symbols & states)
                if used:
                    return name, f"the factor of {xi} depends on {', '.join(used)}"
                if not constant_over_step(g, self.constant_functions):
                    return name, f"the factor of {xi} depends on time t"
        return None


def constant_over_step(expr: sympy.Expr, functions: frozenset[str] = frozenset()) -> bool:
    """Whether ``expr`` keeps its value over one time step (Brian2's rule).

    It does not when it mentions ``t`` other than as an argument of a function in
    ``functions`` (``stim(t)`` is constant, ``stim(t + dt)``, ``stim(2*t)`` and ``t`` are
    not), or when it draws random numbers.

    >>> from sympy import Function
    >>> t, stim = symbol("t"), Function("stim")
    >>> constant_over_step(2*stim(t), frozenset({"stim"})), constant_over_step(stim(t))
    (True, False)
    >>> constant_over_step(stim(t + 1), frozenset({"stim"}))
    False
    """
    if expr == T:
        return False
    if isinstance(expr, (rand, randn)):
        return False
    name = getattr(expr.func, "__name__", None)
    declared = isinstance(expr, AppliedUndef) and name in functions
    return all(
        (declared and arg == T) or (arg != T and constant_over_step(arg, functions))
        for arg in expr.args
    )


T = symbol("t")


def _substitute_all(expr: sympy.Expr, subs: dict[sympy.Symbol, sympy.Expr]) -> sympy.Expr:
    """Replace subexpression symbols until none is left (they may refer to each other)."""
    for _ in range(len(subs) + 1):
        if not expr.free_symbols & subs.keys():
            return expr
        expr = expr.xreplace(subs)
    names = sorted(s.name for s in expr.free_symbols & subs.keys())
    raise IntegrationError(f"the subexpressions {', '.join(names)} refer to each other in a cycle")


def _split_noise(name: str, expr: sympy.Expr) -> tuple[sympy.Expr, dict[str, sympy.Expr]]:
    """``f + sum_k g_k*xi_k`` -> ``(f, {xi_k: g_k})``; refuse noise that is not linear."""
    noise = sorted((s for s in expr.free_symbols if is_noise(s.name)), key=lambda s: s.name)
    if not noise:
        return expr, {}
    factors = {}
    for xi in noise:
        g = sympy.diff(expr, xi)
        # a noise inside anything but sums and products (a comparison, a function, Mod) is
        # not linear either, though its derivative may be free of it (0 for v < xi)
        if g.free_symbols & set(noise) or any(
                not isinstance(node, (sympy.Add, sympy.Mul)) and node != xi
                and xi in node.free_symbols for node in sympy.preorder_traversal(expr)):
            raise IntegrationError(
                f"the noise {xi} must enter d{name}/dt linearly (as g*{xi}), got {expr}"
            )
        factors[xi.name] = g
    return expr.xreplace({xi: sympy.S.Zero for xi in noise}), factors


def _prelude(equations, subs) -> tuple[Statement, ...]:
    """The ``(constant over dt)`` subexpressions as statements, dependencies first."""
    pending = {
        eq.name: _substitute_all(eq.expr, subs)
        for eq in equations.values()
        if eq.kind == "sub" and CONSTANT_OVER_DT in eq.flags
    }
    ordered: list[Statement] = []
    while pending:
        ready = [
            n for n, e in pending.items()
            if not {s.name for s in e.free_symbols} & (pending.keys() - {n})
        ]
        if not ready:
            raise IntegrationError(
                f"the (constant over dt) subexpressions {', '.join(pending)} refer to each other"
            )
        for n in ready:
            ordered.append(Statement(n, pending.pop(n)))
    return tuple(ordered)


def _substituted(equations) -> tuple[dict[str, sympy.Expr], tuple[Statement, ...]]:
    """Diff-eq right sides with subexpressions substituted, and the prelude statements.

    Uses ``Equations.get_substituted_expressions`` (the parser's contract); a plain mapping
    of SingleEquation (doctests, hand-built models) is substituted here in the same way.
    """
    if hasattr(equations, "get_substituted_expressions"):
        pairs = equations.get_substituted_expressions(include_subexpressions=True)
        kinds = {name: equations[name] for name, _ in pairs}
        diffs = {n: e for n, e in pairs if kinds[n].kind == "diff"}
        prelude = tuple(
            Statement(n, e) for n, e in pairs
            if kinds[n].kind == "sub" and CONSTANT_OVER_DT in kinds[n].flags
        )
        return diffs, prelude
    subs = {
        symbol(eq.name): eq.expr
        for eq in equations.values()
        if eq.kind == "sub" and CONSTANT_OVER_DT not in eq.flags
    }
    diffs = {
        eq.name: _substitute_all(eq.expr, subs) for eq in equations.values() if eq.kind == "diff"
    }
    return diffs, _prelude(equations, subs)


def ode_system(equations, *, event_driven: bool = False,
               constant_functions: frozenset[str] = frozenset()) -> OdeSystem:
    """Equations -> OdeSystem of the clock-driven (or, if asked, the event-driven) equations.

    Parameters
    ----------
    equations : Equations
        A :class:`labkit.equations.Equations`, or any mapping of names to
        :class:`~labkit.equations.model.SingleEquation` in definition order.
    event_driven : bool
        Select the ``(event-driven)`` differential equations instead of the others.
    constant_functions : frozenset of str
        Functions whose calls are constant over a step (see :func:`constant_over_step`).
    """
    diffs, prelude = _substituted(equations)
    names, drift, noise, held = [], [], [], set()
    for eq in equations.values():
        if eq.kind != "diff" or (EVENT_DRIVEN in eq.flags) != event_driven:
            continue
        f, g = _split_noise(eq.name, diffs[eq.name])
        names.append(eq.name)
        drift.append(f)
        noise.append(g)
        if UNLESS_REFRACTORY in eq.flags:
            held.add(eq.name)
    prelude = () if event_driven else prelude
    return OdeSystem(tuple(names), tuple(drift), tuple(noise), frozenset(held), prelude,
                     frozenset(constant_functions))
