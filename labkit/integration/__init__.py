"""Stage 2, Equations -> UpdateBlock: the statements that advance a model by one step.

``integrate(eqs, 'euler')`` (or ``euler(eqs)``) gives an
:class:`~labkit.codegen.ir.UpdateBlock`; with no method, :func:`choose_method` picks the
first that applies from Brian2's default list for NeuronGroup and Synapses
(``exact``, ``euler``, ``heun``) and says why. Results are cached per (equations, method).

>>> from labkit.equations.model import SingleEquation
>>> from labkit.equations.symbols import symbol
>>> v, I, tau = symbol("v"), symbol("I"), symbol("tau")
>>> eqs = {"v": SingleEquation("diff", "v", expr=(I - v)/tau)}  # an Equations stand-in
>>> print(euler(eqs))
_v = dt*(I - v)/tau + v
v = _v
>>> print(rk2(eqs))
__k_v = dt*(I - v)/tau
_v = dt*(I - __k_v/2 - v)/tau + v
v = _v
>>> print(exact(eqs))
_v = I - I*exp(-dt/tau) + v*exp(-dt/tau)
v = _v
>>> print(exponential_euler(eqs))
_v = dt*(I - v)*exprel(-dt/tau)/tau + v
v = _v
"""

from __future__ import annotations

from collections.abc import Iterable

from labkit.codegen.ir import UpdateBlock
from labkit.equations.budget import time_limit
from labkit.errors import IntegrationError, shorten
from labkit.integration.base import _OTHER_METHOD, Method, _text, cache_key, clear_cache, solve
from labkit.integration.exact import exact, integrate_event_driven
from labkit.integration.explicit import euler, heun, milstein, rk2, rk4
from labkit.integration.exponential_euler import exponential_euler
from labkit.integration.system import ode_system

__all__ = [
    "METHODS",
    "DEFAULT_METHODS",
    "Method",
    "integrate",
    "choose_method",
    "integrate_event_driven",
    "exact",
    "euler",
    "rk2",
    "rk4",
    "exponential_euler",
    "heun",
    "milstein",
    "cache_key",
    "clear_cache",
]

#: Every method by name (``linear`` is Brian2's other name for ``exact``).
METHODS: dict[str, Method] = {
    "exact": exact,
    "linear": exact,
    "euler": euler,
    "rk2": rk2,
    "rk4": rk4,
    "exponential_euler": exponential_euler,
    "heun": heun,
    "milstein": milstein,
}

#: What NeuronGroup and Synapses try, in order, when no method is given (as Brian2).
DEFAULT_METHODS = ("exact", "euler", "heun")


def _lookup(method) -> Method:
    if isinstance(method, Method):
        return method
    found = METHODS.get(str(method).lower())
    if found is None and str(method).lower().startswith("gsl"):
        # Brian2's GSL methods need the GSL library compiled into its Cython or C++ code
        raise IntegrationError(
            f"method {method!r}: the GSL integration methods (gsl, gsl_rk2, gsl_rkf45, ...) "
            "are not part of labkit. Use 'rk4' (or 'rk2'), with a smaller dt if the model "
            "needs the GSL's error control")
    if found is None:
        known = ", ".join(sorted(METHODS))
        raise IntegrationError(f"unknown integration method {method!r}; known methods: {known}")
    return found


def choose_method(equations, methods: Iterable = DEFAULT_METHODS,
                  constant_functions: frozenset[str] = frozenset()) -> tuple[str, str]:
    """Equations -> (name of the first method that applies, why it was chosen).

    As Brian2, ``exact`` is skipped where Brian2's own exact solver gives up (a singular
    matrix, complex eigenvalues) even though ours would succeed, so that a model without an
    explicit method is integrated exactly as Brian2 would and gives the same spikes.
    ``constant_functions`` as for :func:`integrate`.

    Raises
    ------
    IntegrationError
        No method in ``methods`` applies; the message lists each one's reason.
    """
    tried = []
    for candidate in methods:
        method = _lookup(candidate)
        try:
            solve(equations, method, constant_functions)
            with time_limit(lambda: "choosing an integration method for "
                            f"'{shorten(_text(equations))}'", _OTHER_METHOD):
                why_not = method.refusal(ode_system(equations,
                                                    constant_functions=constant_functions))
        except IntegrationError as error:
            why_not = str(error)
        if why_not is None:
            reason = f"no method given; using {method.name!r}"
            if tried:
                reason += " (" + "; ".join(tried) + ")"
            return method.name, reason
        tried.append(why_not)
    raise IntegrationError("no integration method applies: " + "; ".join(tried))


def integrate(equations, method=None,
              constant_functions: frozenset[str] = frozenset()) -> UpdateBlock:
    """Equations -> UpdateBlock for one time step.

    Parameters
    ----------
    equations : Equations
        The model; ``(event-driven)`` equations are left out (see
        :func:`integrate_event_driven`).
    method : str, Method, sequence of str, or None
        A name from :data:`METHODS`, a method object, a list to try in order, or None for
        :data:`DEFAULT_METHODS`. A named method that cannot integrate the equations raises
        :class:`IntegrationError` with the reason.
    constant_functions : frozenset of str
        Functions whose calls are constant over a time step, as Brian2 treats a TimedArray
        whose dt is a whole number of the group's steps: ``exact`` integrates
        ``dv/dt = (I(t) - v)/tau`` with ``I(t)`` held over the step.
    """
    if method is None or (isinstance(method, Iterable) and not isinstance(method, str)):
        name, _ = choose_method(equations, DEFAULT_METHODS if method is None else method,
                                constant_functions)
        method = name
    return solve(equations, _lookup(method), constant_functions)
