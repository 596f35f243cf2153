"""Linear equations with constant coefficients -> their exact one-step solution.

``dX/dt = M*X + B`` with M and B constant over a step (parameters and external names are,
and so are calls of TimedArrays whose dt is a multiple of the step: ``stim(t)``)
has the solution ``X(t+dt) = exp(M*dt)*X(t) + (integral_0^dt exp(M*s) ds)*B``. Both terms
come out of one matrix exponential of the augmented matrix ``[[M, B], [0, 0]]*dt``, which
also covers a singular M (``dv/dt = I/tau``: the integral is ``dt*I/tau``), where Brian2's
``solve(M, -B)`` gives up. sympy computes it symbolically; that takes ~0.5 s for CUBA, which
is why :mod:`labkit.integration.base` caches solutions.

Exponentials are merged (``exp(a)*exp(-b)`` -> ``exp(a - b)``) so that a long elapsed time
(event-driven synapses update over ``t - lastupdate``) cannot overflow into ``inf*0``.
Complex eigenvalues (an oscillator) are rewritten as cos/sin; if the result still has ``I``
we refuse.
"""

from __future__ import annotations

import functools

import sympy

from labkit.codegen.ir import Statement, UpdateBlock
from labkit.equations.functions import rand, randn
from labkit.equations.symbols import dt, symbol, t
from labkit.errors import IntegrationError
from labkit.integration.base import Method, assemble, make_block
from labkit.integration.system import OdeSystem, constant_over_step, ode_system

#: Positive stand-in for dt while solving: lets sympy simplify exp and sqrt of dt.
_dt = sympy.Symbol("dt", positive=True)


def linear_system(system: OdeSystem, method: str = "exact"):
    """OdeSystem -> (M, B) with ``dX/dt = M*X + B``; IntegrationError saying why not.

    >>> from labkit.equations.symbols import symbol
    >>> v, tau = symbol("v"), symbol("tau")
    >>> linear_system(OdeSystem(("v",), ((1 - v)/tau,), ({},)))
    (Matrix([[-1/tau]]), Matrix([[1/tau]]))
    """
    states = system.symbols
    if system.is_stochastic:
        noisy = system.noisy[0]
        raise IntegrationError(
            f"{method} cannot integrate {noisy}: its equation has a noise term "
            "(exact solutions are deterministic); use euler, heun or milstein"
        )
    n = len(states)
    M, B = sympy.zeros(n, n), sympy.zeros(n, 1)
    for i, (name, rhs) in enumerate(zip(system.names, system.drift, strict=True)):
        for j, s in enumerate(states):
            M[i, j] = sympy.diff(rhs, s)
        involved = set().union(*(M[i, j].free_symbols for j in range(n))) & set(states)
        residual = sympy.expand(rhs - sum(M[i, j] * s for j, s in enumerate(states)))
        involved |= residual.free_symbols & set(states)
        if involved:
            partner = next(s.name for s in states if s in involved and s.name != name) \
                if involved - {states[i]} else name
            raise IntegrationError(
                f"{method} cannot integrate {name} because it depends non-linearly on "
                f"{partner}: d{name}/dt = {rhs}; use exponential_euler, rk4 or euler"
            )
        # only once linear: v = 0 in a non-linear right side can be log(0), which sympy
        # refuses to compare ('Invalid comparison of non-real zoo')
        B[i] = rhs.xreplace({s: sympy.S.Zero for s in states})
        for entry in (*M[i, :], B[i]):
            if not constant_over_step(entry, system.constant_functions):
                random = entry.has(rand, randn)
                what = "a random number" if random else "time t"
                advice = "" if random else (
                    "; a TimedArray called as f(t) counts as constant when its dt is a whole "
                    "number of the group's time steps")
                raise IntegrationError(
                    f"{method} cannot integrate {name} because its coefficients depend on "
                    f"{what} ({entry}), so they are not constant over a time step{advice}"
                )
    return M, B


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """The shortest of a few cheap rewritings: merged exponentials, common factors pulled out.

    (Full simplification costs seconds on a 3x3 system and can make expressions longer.)
    """
    merged = sympy.powsimp(expr, combine="exp")
    candidates = (expr, merged, sympy.factor_terms(merged))
    return min(candidates, key=sympy.count_ops)


@functools.lru_cache(maxsize=128)
def solve_linear(M: sympy.ImmutableMatrix, B: sympy.ImmutableMatrix) -> sympy.ImmutableMatrix:
    """(M, B) -> ``[exp(M*dt) | integral_0^dt exp(M*s) ds * B]`` (n x (n+1)), ``dt = _dt``."""
    n = M.shape[0]
    augmented = sympy.zeros(n + 1, n + 1)
    augmented[:n, :n] = M * _dt
    augmented[:n, n] = B * _dt
    try:
        E = augmented.exp()[:n, :]
    except Exception as error:  # noqa: BLE001 - sympy fails in many ways (TypeError: NaN
        # comparison on Hodgkin-Huxley gates alone); each means "exact cannot solve this"
        raise IntegrationError(
            f"exact: sympy could not solve the linear system ({error})"
        ) from error
    if E.has(sympy.I):
        E = E.applyfunc(lambda e: sympy.simplify(e.rewrite(sympy.cos)))
        if E.has(sympy.I, sympy.re, sympy.im):
            raise IntegrationError(
                "exact cannot integrate this linear system: its solution stays complex "
                "after rewriting exp(i*x) as cos/sin; use rk4"
            )
    return sympy.ImmutableMatrix(E.applyfunc(_tidy))


class Exact(Method):
    """Exact integration of linear systems with constant coefficients (``'linear'``)."""

    name = "exact"

    def statements(self, system: OdeSystem) -> tuple[Statement, ...]:
        if not system.names:
            return assemble(system, (), {})
        M, B = linear_system(system, self.name)
        E = solve_linear(sympy.ImmutableMatrix(M), sympy.ImmutableMatrix(B))
        column = sympy.Matrix([*system.symbols, 1])
        new = {
            name: (E[i, :] * column)[0].xreplace({_dt: dt})
            for i, name in enumerate(system.names)
        }
        return assemble(system, (), new)

    def refusal(self, system: OdeSystem) -> str | None:
        """Brian2's exact gives up on a singular M and on complex eigenvalues; say so."""
        if not system.names:
            return None
        M, _ = linear_system(system, self.name)
        if sympy.simplify(M.det()) == 0:
            why = "its matrix is singular"
        else:
            try:
                complex_ = any(ev.has(sympy.I) for ev in M.eigenvals())
            except Exception:  # noqa: BLE001 - sympy cannot tell; Brian2's would not either
                complex_ = False
            if not complex_:
                return None
            why = "its eigenvalues are complex"
        return (
            f"exact is skipped: {why}, where Brian2's exact solver gives up (ask for "
            "method='exact' to use it anyway)"
        )


exact = Exact()

#: Symbol of the synapse variable holding the time of the last event-driven update.
LASTUPDATE = "lastupdate"


@functools.lru_cache(maxsize=128)
def _event_driven(equations) -> UpdateBlock:
    system = ode_system(equations, event_driven=True)
    try:
        statements = exact.statements(system)
    except IntegrationError as error:
        raise IntegrationError(
            f"cannot solve the (event-driven) equations exactly: {error}. "
            "Use (clock-driven) instead."
        ) from None
    elapsed = {dt: t - symbol(LASTUPDATE)}
    statements = tuple(Statement(s.target, s.expr.xreplace(elapsed)) for s in statements)
    return make_block(statements, "exact", system)


def integrate_event_driven(equations) -> UpdateBlock:
    """The ``(event-driven)`` equations -> their exact update over ``t - lastupdate``.

    As Brian2's synaptic pathways: run these statements when an event reaches the synapse,
    then the pathway's own code, then set ``lastupdate = t`` (the caller's job, after the
    pathway code). Only linear equations qualify; otherwise IntegrationError.
    """
    try:
        return _event_driven(equations)
    except TypeError:  # unhashable equations
        return _event_driven.__wrapped__(equations)
