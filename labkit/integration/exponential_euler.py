"""Conditionally linear equations -> exponential Euler statements.

For ``dx/dt = A*x + B`` where A and B may depend on anything but ``x`` (the HH gates, whose
rates depend on v; the membrane equation, linear in v given the conductances), holding A
and B fixed over the step gives the exact solution of the frozen problem
``x_new = -B/A + (x + B/A)*exp(A*dt)`` (Brian2's ``exponential_euler``). It stays stable
for the stiff HH gates at step sizes where Euler blows up.

We write the same update as ``x_new = x + dt*exprel(A*dt)*(A*x + B)`` with
``exprel(z) = (exp(z) - 1)/z``: algebraically identical, but it is finite when A is zero at
run time (a conductance switched off: it becomes Euler, ``x + dt*B``) and it does not lose
digits to the cancellation of ``-B/A`` and ``B/A*exp(A*dt)`` when ``|A*dt|`` is small.
Where A is zero symbolically the statement is plain Euler, as in Brian2.
"""

from __future__ import annotations

import sympy

from labkit.codegen.ir import Statement
from labkit.equations.functions import exprel
from labkit.equations.symbols import dt
from labkit.errors import IntegrationError
from labkit.integration.base import Method, assemble
from labkit.integration.system import OdeSystem


def conditionally_linear(name: str, var: sympy.Symbol, rhs: sympy.Expr):
    """``dx/dt = A*x + B`` -> ``(A, rhs)`` to step with; IntegrationError if not of that form.

    Linear in ``x`` (A, B free of ``x``), A is the derivative. Otherwise Brian2's rule
    applies: the expanded right side, collected by powers of ``x``, must have only an
    ``x`` term and a rest; their coefficients may still involve ``x`` inside functions (a
    sodium activation ``m_inf(v)`` used instantaneously) and are then frozen over the step
    at the current ``x``, as Brian2 integrates such models.

    >>> from labkit.equations.symbols import symbol
    >>> m, v = symbol("m"), symbol("v")
    >>> conditionally_linear("m", m, (1 - m)*v - 2*m)[0]
    -v - 2
    >>> conditionally_linear("v", v, -v*sympy.tanh(v) + 1)[0]
    -tanh(v)
    """
    A = sympy.diff(rhs, var)
    if var not in A.free_symbols and not sympy.expand(rhs - A * var).has(var):
        return A, rhs
    parts = sympy.collect(sympy.expand(rhs), var, evaluate=False)
    if len(parts) > 2 or var not in parts or set(parts) - {var, sympy.S.One}:
        raise IntegrationError(
            f"exponential_euler cannot integrate {name}: d{name}/dt is not linear in {name} "
            f"(it must read A*{name} + B, where only functions of {name} may appear in A and "
            f"B, not powers of it): {rhs}. Use another method, e.g. method='rk4'."
        )
    A, B = parts[var], parts.get(sympy.S.One, sympy.S.Zero)
    return A, A * var + B


class ExponentialEuler(Method):
    """Exponential Euler for conditionally linear systems (no noise)."""

    name = "exponential_euler"

    def statements(self, system: OdeSystem) -> tuple[Statement, ...]:
        if system.is_stochastic:
            noisy = system.noisy[0]
            raise IntegrationError(
                f"exponential_euler cannot integrate stochastic equations ({noisy} has a "
                "noise term); use euler, heun or milstein"
            )
        new = {}
        for name, var, rhs in zip(system.names, system.symbols, system.drift, strict=True):
            A, rhs = conditionally_linear(name, var, rhs)
            new[name] = var + dt * exprel(A * dt) * rhs
        return assemble(system, (), new)


exponential_euler = ExponentialEuler()
