"""What every integration method shares: OdeSystem -> statements -> UpdateBlock, cached.

A :class:`Method` only says how to turn an :class:`~labkit.integration.system.OdeSystem`
into the statements of one step (or refuses with an :class:`IntegrationError` that says
why). This module wraps that into an :class:`~labkit.codegen.ir.UpdateBlock` and memoises
the result: it depends only on (equations, method), and sympy is slow enough (~0.5 s for
an exact solution) that re-solving on every run is what makes Brian2 start slowly.
"""

from __future__ import annotations

import functools
import hashlib

import sympy

from labkit.codegen.ir import Statement, UpdateBlock
from labkit.equations.budget import time_limit
from labkit.equations.functions import rand, randn
from labkit.equations.symbols import symbol
from labkit.errors import IntegrationError, shorten
from labkit.integration import diskcache
from labkit.integration.system import OdeSystem, ode_system

#: Part of every cache key; the disk cache also keys on the source of the methods.
CACHE_VERSION = 1


class Method:
    """A named integration method: ``method(equations) -> UpdateBlock``.

    Subclasses implement :meth:`statements`. Calling the object integrates (through the
    in-memory cache) and raises :class:`IntegrationError` when the method does not apply.
    """

    name: str = ""

    def statements(self, system: OdeSystem) -> tuple[Statement, ...]:
        """OdeSystem -> the statements of one step; raise IntegrationError to refuse."""
        raise TypeError(f"{type(self).__name__} must define statements()")

    def refusal(self, system: OdeSystem) -> str | None:
        """Why Brian2 would *not* pick this method here when choosing automatically.

        Only methods that succeed where Brian2's counterpart fails override this (exact on
        systems Brian2 cannot solve), so that an automatic choice matches Brian2's.
        """
        return None

    def block(self, equations, constant_functions: frozenset[str] = frozenset()) -> UpdateBlock:
        """Equations -> UpdateBlock, uncached (use ``method(equations)`` instead)."""
        system = ode_system(equations, constant_functions=constant_functions)
        statements = self.statements(system)
        for statement in statements:
            if statement.expr.has(*_UNDEFINED):
                raise IntegrationError(_undefined_message(equations, self.name, statement))
        return make_block(statements, self.name, system)

    def __call__(self, equations) -> UpdateBlock:
        return solve(equations, self)

    def __repr__(self) -> str:
        return f"<integration method {self.name!r}>"


#: What sympy makes of a division by a condition-as-number (1/Piecewise((1, c), (0, True)))
#: once an integration rebuilds the expression; no language can print it.
_UNDEFINED = (sympy.zoo, sympy.nan)


def _undefined_message(equations, method: str, statement) -> str:
    return (f"integrating '{shorten(_text(equations))}' with method '{method}' divides by "
            f"zero where a condition used as a number is 0 ({statement.target} = "
            f"{shorten(str(statement.expr))}), which sympy cannot keep as a number: compute "
            "the quotient in a subexpression flagged (constant over dt), or divide by a "
            "value that cannot be 0")


def make_block(statements, method: str, system: OdeSystem) -> UpdateBlock:
    """Statements -> UpdateBlock, collecting the random calls they make."""
    calls = set()
    for s in statements:
        calls |= s.expr.atoms(rand, randn)
    ordered = tuple(sorted(calls, key=lambda c: (c.func.__name__, int(c.args[0]))))
    return UpdateBlock(tuple(statements), method, system.held, system.names, ordered)


def assemble(
    system: OdeSystem, temporaries, new_values: dict[str, sympy.Expr]
) -> tuple[Statement, ...]:
    """prelude + temporaries + ``_x = new`` for every x + ``x = _x`` for every x.

    Temporaries (including noise draws) that no later statement uses are dropped, so a
    method can generate them uniformly for every variable and noise source.
    """
    temporaries = list(temporaries)
    targets = [s.target for s in temporaries]
    if len(set(targets)) != len(targets):  # e.g. variables `v` and `v_xi` with noise `xi`
        clash = sorted({n for n in targets if targets.count(n) > 1})
        raise IntegrationError(f"temporary names clash ({', '.join(clash)}); rename a variable")
    finals = [Statement(f"_{n}", new_values[n]) for n in system.names]
    needed = set().union(*(_names(s.expr) for s in finals))
    kept = []
    for s in reversed(temporaries):
        if s.target in needed:
            kept.append(s)
            needed |= _names(s.expr)
    assign = [Statement(n, symbol(f"_{n}")) for n in system.names]
    return (*system.prelude, *reversed(kept), *finals, *assign)


def _names(expr: sympy.Expr) -> set[str]:
    return {s.name for s in expr.free_symbols}


def noise_draws(system: OdeSystem) -> tuple[dict[str, sympy.Symbol], list[Statement]]:
    """One Wiener increment per noise symbol and step, shared by every equation using it.

    ``__dW_xi = sqrt(dt)*randn(-1)``: ``xi`` has units of 1/sqrt(second), so ``g*xi`` over a
    step contributes ``g*sqrt(dt)*N(0, 1)``. The call-site numbers are negative so they can
    never coincide with a ``randn()`` the parser numbered (those count up from 0), and they
    are the same in every process, so the block's text is stable (a disk cache can key on it).
    """
    symbols, statements = {}, []
    for k, xi in enumerate(system.noise_names):
        symbols[xi] = symbol(f"__dW_{xi}")
        draw = sympy.sqrt(symbol("dt")) * randn(sympy.Integer(-(k + 1)))
        statements.append(Statement(f"__dW_{xi}", draw))
    return symbols, statements


@functools.lru_cache(maxsize=512)
def _solve_cached(equations, method: Method,
                  constant_functions: frozenset[str]) -> UpdateBlock | IntegrationError:
    key = cache_key(equations, method.name, constant_functions)
    stored = diskcache.load(key)
    if stored is not None:
        return stored
    result = _uncached(equations, method, constant_functions)
    diskcache.save(key, result)  # refusals too: choose_method tries exact often
    return result


def solve(equations, method: Method,
          constant_functions: frozenset[str] = frozenset()) -> UpdateBlock:
    """(equations, method) -> UpdateBlock, memoised in memory; raises IntegrationError.

    ``constant_functions``: the functions whose calls are constant over a step (TimedArrays
    on a grid of whole steps), which linear methods may treat as constants.
    """
    constant_functions = frozenset(constant_functions)
    try:
        hash(equations)
    except TypeError:  # unhashable equations (a plain mapping): nothing to key a cache on
        result = _uncached(equations, method, constant_functions)
    else:
        result = _solve_cached(equations, method, constant_functions)
    if isinstance(result, IntegrationError):
        raise IntegrationError(*result.args)
    return result


def _uncached(equations, method: Method,
              constant_functions: frozenset[str]) -> UpdateBlock | IntegrationError:
    try:
        with time_limit(lambda: f"integrating '{shorten(_text(equations))}' with method "
                        f"'{method.name}'", _OTHER_METHOD):
            return method.block(equations, constant_functions)
    except IntegrationError as error:
        return error


#: The fix a too-long integration suggests besides simpler equations.
_OTHER_METHOD = "give an explicit method= that needs no solving, e.g. method='euler'"


def _text(equations) -> str:
    return "; ".join(str(eq) for eq in equations.values())


def cache_key(equations, method: str, constant_functions: frozenset[str] = frozenset()) -> str:
    """A stable text key for (equations, method, constant functions), for a disk cache.

    Built from each equation's printed form, so it is the same in every process.
    """
    text = "\n".join(str(eq) for eq in equations.values())
    constants = ",".join(sorted(constant_functions))
    payload = f"labkit-integration-v{CACHE_VERSION}\n{method}\n{constants}\n{text}"
    return hashlib.sha256(payload.encode()).hexdigest()


def clear_cache() -> None:
    """Forget every memoised solution (tests; after changing a method)."""
    _solve_cached.cache_clear()
