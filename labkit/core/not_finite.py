"""A state variable that became NaN or infinite -> the error that names the likely cause.

Why: a NaN has many causes and "try a smaller dt" fits only one of them. The message looks,
in this order, for what the model and the values say: a value that is itself not finite
(a parameter), a divisor that is zero (``tau = 0*ms``), a function used outside its domain
(``log`` of a value <= 0, ``sqrt`` of a negative one), a start value (at a run's first
step); failing that, growth too fast for the step (the integration method and dt).
"""

from __future__ import annotations

import numpy as np
import sympy

from labkit.errors import SimulationError

__all__ = ["not_finite_error"]

#: Functions that give NaN outside their domain, with what that domain is.
_DOMAINS = {"log": "log of a value <= 0", "log10": "log10 of a value <= 0",
            "sqrt": "sqrt of a negative value", "asin": "asin outside [-1, 1]",
            "acos": "acos outside [-1, 1]", "pow": "a negative value to a fractional power"}


def not_finite_error(obj, var: str, neuron: int, value: float, t: float, dt: float,
                     first_step: bool, method: str, externals: dict) -> SimulationError:
    """``var`` of element ``neuron`` of ``obj`` became ``value`` at ``t`` (seconds)."""
    head = f"{obj._label()}: {var} became {value} at t={t * 1e3:g} ms (neuron {neuron})."
    uses = f" ({method})" if method else ""
    tail = " Monitors keep what was recorded up to this step."
    try:
        expr = dict(obj.equations.get_substituted_expressions()).get(var)
    except Exception:  # noqa: BLE001 - the diagnosis must never hide the error itself
        expr = None
    cause = _cause(obj, var, neuron, expr, externals, first_step) if expr is not None else None
    if cause is not None:
        return SimulationError(f"{head} {cause}{tail}")
    return SimulationError(
        f"{head} Nothing in d{var}/dt is zero or out of its domain here, so the integration "
        f"is likely unstable: try a smaller dt (now {dt * 1e3:g} ms) or another method"
        f"{' than ' + repr(method) if method else ''}, e.g. method='exponential_euler' for "
        f"conductance models (the method in use{uses} decides how fast a variable may "
        f"change per step).{tail}")


def _cause(obj, var, neuron, expr, externals, first_step) -> str | None:
    values = {s.name: _value(obj, s.name, neuron, externals) for s in expr.free_symbols}
    equation = f"d{var}/dt = {expr}"
    bad = sorted(n for n, v in values.items() if v is not None and not np.isfinite(v)
                 and n != var)
    if bad:
        return (f"'{bad[0]}' is {values[bad[0]]} for this neuron (used in {equation}): set "
                "it to a number before the run.")
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow) and node.exp.is_negative and node.base.is_Symbol \
                and values.get(node.base.name) == 0:
            name = node.base.name
            return (f"'{name}' is 0 for this neuron and {equation} divides by it: give "
                    f"'{name}' a value other than 0.")
    used = [text for name, text in _DOMAINS.items() if _has(expr, name)]
    if used:
        return (f"{equation} uses {' and '.join(sorted(set(used)))}, which gives NaN or inf "
                "there: check that the argument stays inside the domain (e.g. log(x) with x > 0, "
                "sqrt(x) with x >= 0), or clip it: log(clip(x, 1e-12, inf)).")
    if first_step:
        return (f"This is the run's first step: check the start value of {var} (a NaN set "
                f"before the run stays NaN), e.g. print(G.{var}[:]).")
    return None


def _has(expr, name: str) -> bool:
    for node in sympy.preorder_traversal(expr):
        if name == "pow" and isinstance(node, sympy.Pow):
            if not node.exp.is_integer and node.exp.is_number and node.exp != sympy.S.Half:
                return True
        elif name == "sqrt" and isinstance(node, sympy.Pow) and node.exp == sympy.S.Half:
            return True
        elif isinstance(node, sympy.Function) and type(node).__name__ == name:
            return True
    return False


def _value(obj, name: str, neuron: int, externals: dict) -> float | None:
    var = obj.variables.get(name)
    array = getattr(var, "array", None)
    if array is not None:
        raw = array[0] if getattr(var, "shared", False) or array.size == 1 else array[neuron]
    elif name in externals:
        raw = externals[name]
    else:
        return None
    try:
        return float(np.asarray(raw))
    except (TypeError, ValueError):
        return None
