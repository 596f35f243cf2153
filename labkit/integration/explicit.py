"""Explicit schemes as data -> statements: euler, rk2, rk4, heun, milstein.

Each scheme is written as Brian2 writes it in ``stateupdaters/explicit.py``: a few
intermediate values and the new value of a state ``x`` in terms of ``dt``, ``t``, the drift
``f(x, t)``, the noise factor ``g(x, t)`` and the Wiener increment ``dW``. Here the lines
are sympy expressions over placeholder symbols (no text to parse), and one small function
(:meth:`ExplicitMethod._resolve`) instantiates them for every state variable of a model.

Stochastic equations are read as Brian2 reads them: ``euler`` is Euler-Maruyama and takes
additive noise only; ``heun`` and ``milstein`` take multiplicative noise in the Stratonovich
sense (Brian2's ``milstein`` uses ``dW**2``, not ``dW**2 - dt``, so it converges to the same
solution as ``heun``); ``milstein`` needs diagonal noise. Each noise symbol is one draw
per step, shared by every equation that uses it:

>>> from labkit.equations.model import SingleEquation
>>> from labkit.equations.symbols import symbol
>>> x, tau, sigma, xi = symbol("x"), symbol("tau"), symbol("sigma"), symbol("xi")
>>> print(euler({"x": SingleEquation("diff", "x", expr=-x/tau + sigma*xi)}))
__dW_xi = sqrt(dt)*randn(-1)
_x = __dW_xi*sigma - dt*x/tau + x
x = _x
>>> print(heun({"x": SingleEquation("diff", "x", expr=-x/tau + sigma*x*xi)}))
__dW_xi = sqrt(dt)*randn(-1)
__x_support_x_xi = __dW_xi*sigma*x + x
__g_support_x_xi = __x_support_x_xi*sigma
_x = __dW_xi*(__g_support_x_xi + sigma*x)/2 - dt*x/tau + x
x = _x
"""

from __future__ import annotations

import sympy

from labkit.codegen.ir import Statement
from labkit.equations.symbols import dt, symbol, t
from labkit.errors import IntegrationError
from labkit.integration.base import Method, assemble, noise_draws
from labkit.integration.system import OdeSystem

# Placeholders of a scheme; the leading "__" keeps them apart from any model name.
x, dW = sympy.Symbol("__x", real=True), sympy.Symbol("__dW", real=True)
f, g = sympy.Function("__f"), sympy.Function("__g")
k, k_1, k_2, k_3, k_4 = (sympy.Symbol(f"__{n}", real=True) for n in "k k_1 k_2 k_3 k_4".split())
x_support, g_support = (sympy.Symbol(f"__{n}", real=True) for n in ("x_support", "g_support"))


def _plain(expr: sympy.Expr) -> str:
    """A scheme line as a reader writes it: ``__x`` -> ``x``, ``__f`` -> ``f``."""
    text = sympy.sstr(expr)
    for name in ("__x_support", "__g_support", "__k_1", "__k_2", "__k_3", "__k_4", "__k"):
        text = text.replace(name, name[2:])
    return text.replace("__x", "x").replace("__dW", "dW").replace("__f", "f").replace("__g", "g")


class ExplicitMethod(Method):
    """An explicit scheme: intermediate ``steps`` and the ``output`` x_new.

    Parameters
    ----------
    name : str
    steps : tuple of (placeholder, sympy.Expr)
        Intermediate values, in order; each may use the earlier ones.
    output : sympy.Expr
        The new value of ``x``. Or ``steps`` a function returning ``(steps, output)`` and
        ``output`` None: built on first use (see ``_built``).
    noise : {None, 'additive', 'multiplicative'}
        Which stochastic equations the scheme accepts (None: deterministic only).
    diagonal : bool
        Whether the scheme needs each noise symbol in at most one equation and each
        equation to use at most one noise symbol.
    """

    def __init__(self, name, steps, output, noise=None, diagonal=False):
        self.name, self._scheme = name, (steps, output)
        self.noise, self.diagonal = noise, diagonal

    def _built(self):
        """The scheme, built on first use: ``steps`` and ``output`` may be given as one
        function of no arguments returning both (``output=None``), because the first
        sympy sum of a process imports ``sympy.tensor`` (~30 ms), which a run whose
        integration comes from the disk cache need not pay."""
        steps, output = self._scheme
        if output is None:
            steps, output = steps()
            self._scheme = (steps, output)
        return tuple(steps), output

    @property
    def steps(self):
        return self._built()[0]

    @property
    def output(self):
        return self._built()[1]

    @property
    def description(self) -> str:
        """The scheme in Brian2's notation.

        >>> print(rk2.description)
        k = dt*f(x, t)
        x_new = x + dt*f(k/2 + x, dt/2 + t)
        """
        lines = [f"{_plain(p)} = {_plain(e)}" for p, e in self.steps]
        return "\n".join([*lines, f"x_new = {_plain(self.output)}"])

    def _check(self, system: OdeSystem) -> None:
        if not system.is_stochastic:
            return
        noisy = system.noisy
        if self.noise is None:
            raise IntegrationError(
                f"{self.name} cannot integrate stochastic equations ({noisy[0]} has a noise "
                "term); use euler (additive noise), heun or milstein"
            )
        multiplicative = system.multiplicative()
        if self.noise == "additive" and multiplicative:
            var, why = multiplicative
            raise IntegrationError(
                f"{self.name} cannot integrate {var}: its noise is multiplicative ({why}); "
                "use heun or milstein"
            )
        if self.diagonal:
            users = [xi for per_var in system.noise for xi in per_var]
            shared = sorted({xi for xi in users if users.count(xi) > 1})
            several = [n for n, per_var in zip(system.names, system.noise, strict=True)
                       if len(per_var) > 1]
            if shared or several:
                which = f"{shared[0]} is used by several equations" if shared else (
                    f"{several[0]} uses several noise symbols")
                raise IntegrationError(
                    f"{self.name} needs diagonal noise, but {which}; use heun"
                )

    def statements(self, system: OdeSystem) -> tuple[Statement, ...]:
        self._check(system)
        dws, draws = noise_draws(system)
        contexts = [None, *system.noise_names]
        temps = list(draws)
        for placeholder, expr in self.steps:
            for context in contexts:
                for i in range(len(system.names)):
                    target = self._temp(placeholder, system.names[i], context).name
                    temps.append(Statement(target, self._resolve(expr, system, i, context, dws)))
        new = {}
        for i, name in enumerate(system.names):
            base = self._resolve(self.output, system, i, None, dws)
            parts = [self._resolve(self.output, system, i, c, dws) - base
                     for c in system.noise[i]]  # no factor, no stochastic part
            new[name] = sympy.Add(base, *parts)
        return assemble(system, temps, new)

    def _temp(self, placeholder, var: str, context: str | None) -> sympy.Symbol:
        """``__k_1`` for ``v`` -> ``__k_1_v`` (``__k_1_v_xi`` within noise source ``xi``)."""
        suffix = var if context is None else f"{var}_{context}"
        return symbol(f"{placeholder.name}_{suffix}")

    def _resolve(self, expr, system: OdeSystem, i: int, context, dws) -> sympy.Expr:
        """A scheme line -> its expression for state variable ``i``.

        ``context`` is None for the deterministic part (g = 0, dW = 0) or a noise name,
        whose factor stands for ``g`` and whose increment for ``dW``.
        """
        states = system.symbols
        temps = [p for p, _ in self.steps]

        def at(arg, var):  # an argument of f/g, e.g. x + k/2, for state variable `var`
            return arg.xreplace({x: var, **{p: self._temp(p, var.name, context) for p in temps}})

        def evaluate(rhs, arg, time):
            return rhs.xreplace({**{s: at(arg, s) for s in states}, t: time})

        def drift(arg, time):
            return evaluate(system.drift[i], arg, time)

        def factor(arg, time):
            if context is None:
                return sympy.S.Zero
            return evaluate(system.noise[i].get(context, sympy.S.Zero), arg, time)

        out = expr.replace(f, drift).replace(g, factor)
        increment = sympy.S.Zero if context is None else dws[context]
        return out.xreplace({**{p: self._temp(p, states[i].name, context) for p in temps},
                             x: states[i], dW: increment})


#: Forward Euler; Euler-Maruyama for additive noise.
euler = ExplicitMethod("euler", lambda: ((), x + dt * f(x, t) + g(x, t) * dW), None,
                       noise="additive")

#: Second-order Runge-Kutta (midpoint).
rk2 = ExplicitMethod("rk2", lambda: ([(k, dt * f(x, t))], x + dt * f(x + k / 2, t + dt / 2)),
                     None)

#: Classical fourth-order Runge-Kutta.
rk4 = ExplicitMethod(
    "rk4",
    lambda: (
        [
            (k_1, dt * f(x, t)),
            (k_2, dt * f(x + k_1 / 2, t + dt / 2)),
            (k_3, dt * f(x + k_2 / 2, t + dt / 2)),
            (k_4, dt * f(x + k_3, t + dt)),
        ],
        x + (k_1 + 2 * k_2 + 2 * k_3 + k_4) / 6,
    ),
    None,
)

#: Stochastic Heun (Stratonovich; multiplicative, non-diagonal noise).
heun = ExplicitMethod(
    "heun",
    lambda: ([(x_support, x + g(x, t) * dW), (g_support, g(x_support, t + dt))],
             x + dt * f(x, t) + dW * (g(x, t) + g_support) / 2),
    None,
    noise="multiplicative",
)

#: Derivative-free Milstein, as Brian2 writes it (diagonal multiplicative noise).
milstein = ExplicitMethod(
    "milstein",
    lambda: (
        [
            (x_support, x + dt * f(x, t) + sympy.sqrt(dt) * g(x, t)),
            (g_support, g(x_support, t)),
            (k, (g_support - g(x, t)) * dW**2 / (2 * sympy.sqrt(dt))),
        ],
        x + dt * f(x, t) + g(x, t) * dW + k,
    ),
    None,
    noise="multiplicative",
    diagonal=True,
)
