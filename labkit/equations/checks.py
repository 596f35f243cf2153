"""(sympy expression, name -> Dimension) -> Dimension; and checks of whole models.

Units are checked once, when a model is built, so kernels can work on plain floats. The
rules are Brian2's: terms of a sum and both sides of a comparison share a dimension (a
literal ``0`` is no exception: ``v > 0`` with ``v`` in volt is an error), exponents are
dimensionless and must be plain numbers when the base has units, functions follow their
``FunctionSpec.rule``, ``t``/``dt`` are seconds and noise ``xi`` is ``second**-0.5``.
Every error names the equation or string and shows both units readably.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef
from sympy.logic.boolalg import BooleanAtom, BooleanFunction

from labkit.equations.functions import FUNCTIONS, rand, randn
from labkit.equations.printing import expression_str
from labkit.equations.statements import Statement
from labkit.equations.symbols import TIME, TIMESTEP, is_noise
from labkit.errors import DimensionMismatchError, ExpressionError, UnknownNameError
from labkit.units.dimension import DIMENSIONLESS, Dimension, get_or_create_dimension, readable

SECOND = get_or_create_dimension(s=1)
NOISE = get_or_create_dimension(s=-0.5)

#: Names a group provides to every model (dimension, is boolean).
GROUP_NAMES: dict[str, tuple[Dimension, bool]] = {
    "i": (DIMENSIONLESS, False),
    "j": (DIMENSIONLESS, False),
    "N": (DIMENSIONLESS, False),
    "t_in_timesteps": (DIMENSIONLESS, False),
    "lastspike": (SECOND, False),
    "not_refractory": (DIMENSIONLESS, True),
    "pi": (DIMENSIONLESS, False),
    "e": (DIMENSIONLESS, False),
    "inf": (DIMENSIONLESS, False),
}


def dimension_of(value) -> Dimension:
    """The dimension of a namespace value: a Quantity's ``.dim``, numbers dimensionless.

    >>> dimension_of(3.0) is DIMENSIONLESS
    True
    """
    dim = getattr(value, "dim", None)
    if isinstance(dim, Dimension):
        return dim
    return DIMENSIONLESS


@dataclass(frozen=True)
class Signature:
    """A function's result and argument dimensions (a TimedArray: ``second -> volt``).

    Stands for the function's name wherever a name maps to a Dimension: its ``dim`` is the
    result's, so :func:`dimension_of` reads it as any value.
    """

    dim: Dimension
    args: tuple[Dimension, ...]


def external_dimension(value) -> Dimension | Signature:
    """A namespace value -> its dimension, or its :class:`Signature` if it is a function
    that says what its arguments are (``arg_dims``, e.g. a TimedArray).

    >>> external_dimension(2.0) is DIMENSIONLESS
    True
    """
    args = getattr(value, "arg_dims", None)
    if args is not None:
        return Signature(dimension_of(value), tuple(args))
    return dimension_of(value)


@dataclass(frozen=True)
class Resolver:
    """name -> Dimension for one model: its variables, a namespace, group names, units.

    Call it with a name; ``known`` lists every name (for "did you mean" hints),
    ``booleans`` the boolean ones, ``variables`` the ones a statement may assign.
    ``functions``: its namespace names were made from their values by
    :func:`external_dimension` (a plan's), so a function resolves to its
    :class:`Signature` and a called name that resolves to a plain dimension is no
    function (``E(t)`` with ``E`` a number, ``w(t)`` with ``w`` a variable): refused.
    """

    dims: Mapping[str, Dimension]
    booleans: frozenset[str] = field(default_factory=frozenset)
    variables: frozenset[str] | None = None
    functions: bool = False

    def __call__(self, name: str) -> Dimension:
        return self.dims[name]

    @property
    def known(self) -> tuple[str, ...]:
        return tuple(self.dims)


def resolver(equations=None, namespace: Mapping | None = None, *, units: bool = True) -> Resolver:
    """Build the usual Resolver: model variables, then the namespace, then defaults.

    Parameters
    ----------
    equations : Equations, optional
        Its names (with declared dimensions) and its bound ``constants``.
    namespace : mapping, optional
        External names -> values (Quantities, numbers, objects with ``.dim``).
    units : bool
        Also resolve unit names (``mV``, ``ms``, ...) as Brian2 does by default.

    >>> from labkit.equations import Equations
    >>> r = resolver(Equations("dv/dt = -v/tau : volt"), {"tau": 2.0})
    >>> r("v"), r("tau"), r("i")
    (Dimension(m^2 kg s^-3 A^-1), Dimension(1), Dimension(1))
    """
    dims: dict[str, Dimension] = {}
    booleans = {name for name, (_, boolean) in GROUP_NAMES.items() if boolean}
    if units:
        from labkit.equations.unitspec import _unit_tables

        dims.update(_unit_tables()[1])
    dims.update({name: dim for name, (dim, _) in GROUP_NAMES.items()})
    dims.update({name: external_dimension(v) for name, v in (namespace or {}).items()})
    variables = None
    if equations is not None:
        dims.update({name: dimension_of(v) for name, v in equations.constants.items()})
        dims.update({name: eq.dim for name, eq in equations.items()})
        booleans |= {name for name, eq in equations.items() if eq.var_type == "boolean"}
        variables = frozenset(
            name
            for name, eq in equations.items()
            if eq.kind != "sub" and not eq.flags & {"constant", "linked"}
        )
    return Resolver(dims, frozenset(booleans), variables)


@functools.lru_cache(maxsize=1)
def _rules() -> dict[type, tuple[str, str]]:
    """sympy function class -> (user-facing name, FunctionSpec rule)."""
    rules: dict[type, tuple[str, str]] = {rand: ("rand", "none"), randn: ("randn", "none")}
    for spec in FUNCTIONS.values():
        if spec.nargs == 0:
            continue
        built = spec.build(*sympy.symbols(f"x0:{spec.nargs}", real=True))
        if isinstance(built, sympy.Function) and built.func not in rules:
            rules[built.func] = (spec.name, spec.rule)
    rules[sympy.Mod] = ("%", "same")
    return rules


class _Inference:
    """One walk over an expression; ``where`` ('threshold "v > 1"') prefixes errors."""

    def __init__(self, resolve, where: str | None, booleans: Iterable[str] | None):
        self.resolve = resolve
        self.where = where
        self.booleans = None if booleans is None else frozenset(booleans)

    def fail(self, message: str) -> DimensionMismatchError:
        prefix = f"in {self.where}: " if self.where else ""
        return DimensionMismatchError(prefix + message)

    def name(self, name: str) -> Dimension:
        if name in (TIME, TIMESTEP):
            return SECOND
        if is_noise(name):
            return NOISE
        try:
            found = self.resolve(name)
        except (KeyError, LookupError, NameError):
            found = None
        if found is None:
            raise self.unknown(name)
        return found if isinstance(found, Dimension) else dimension_of(found)

    def unknown(self, name: str) -> UnknownNameError:
        known = getattr(self.resolve, "known", None)
        if known is None and isinstance(self.resolve, Mapping):
            known = list(self.resolve)
        close = difflib.get_close_matches(name, list(known or ()), n=1)
        where = f" in {self.where}" if self.where else ""
        hint = f"; did you mean '{close[0]}'?" if close else ""
        if name in FUNCTIONS:
            hint = f"; '{name}' is a function, call it as {name}(...)"
        return UnknownNameError(
            f"unknown name '{name}'{where}: it is neither a model variable nor defined "
            f"in the namespace{hint}"
        )

    def is_boolean(self, expr) -> bool:
        if isinstance(expr, (sympy.core.relational.Relational, BooleanAtom)):
            return True
        if isinstance(expr, BooleanFunction):
            return all(self.is_boolean(arg) for arg in expr.args)
        if isinstance(expr, sympy.Symbol):
            return self.booleans is None or expr.name in self.booleans
        return False

    def dim(self, expr) -> Dimension:
        if expr.is_Number or isinstance(expr, (BooleanAtom, sympy.NumberSymbol)):
            return DIMENSIONLESS
        if expr.is_Symbol:
            return self.name(expr.name)
        if expr.is_Add:
            return self.same(expr.args, f"the terms of {expression_str(expr)!r}")
        if expr.is_Mul:
            result = DIMENSIONLESS
            for arg in expr.args:
                result = result * self.dim(arg)
            return result
        if expr.is_Pow:
            return self.power(expr)
        if isinstance(expr, sympy.core.relational.Relational):
            self.same(expr.args, f"the two sides of {expression_str(expr)!r}")
            return DIMENSIONLESS
        if isinstance(expr, BooleanFunction):
            for arg in expr.args:
                self.dim(arg)
                if not self.is_boolean(arg):
                    raise ExpressionError(
                        f"{expression_str(arg)!r} in {expression_str(expr)!r} is not a "
                        f"condition{' (in ' + self.where + ')' if self.where else ''}"
                    )
            return DIMENSIONLESS
        if isinstance(expr, AppliedUndef):
            return self.call(expr)
        return self.function(expr)

    def call(self, expr) -> Dimension:
        """A user function's call: its arguments checked against its signature, if known."""
        name = expr.func.__name__
        dims = [self.dim(arg) for arg in expr.args]
        result = self.name(name)
        try:
            signature = self.resolve(name)
        except (KeyError, LookupError, NameError):
            return result
        if isinstance(signature, Signature) or getattr(self.resolve, "functions", False):
            self.callable(name, expr, signature)
        for k, (arg, got, wanted) in enumerate(zip(expr.args, dims,
                                                   getattr(signature, "args", ()),
                                                   strict=False)):
            if got is not wanted:
                which = "argument" if len(expr.args) == 1 else \
                    f"{('first', 'second', 'third')[min(k, 2)]} argument"
                example = f" (a time, e.g. {name}(t))" if wanted is SECOND and k == 0 else ""
                raise self.fail(
                    f"the {which} of {name}() in {expression_str(expr)!r} must have units of "
                    f"{readable(wanted)}{example}, but {expression_str(arg)!r} has units of "
                    f"{readable(got)}")
        return result

    def callable(self, name: str, expr, signature) -> None:
        """Refuse a call of a name that is no function (a variable, a number: ``E(t)``), or
        one with the wrong number of arguments (``ta(t, i)`` of a 1-D TimedArray), which
        code generation could not print."""
        where = f"in {self.where}: " if self.where else ""
        wanted = getattr(signature, "args", None)
        if wanted is None:
            raise ExpressionError(
                f"{where}{expression_str(expr)!r} calls '{name}', which is not a function "
                f"labkit can call in a string (a TimedArray, or a built-in function such as "
                f"exp); write '{name}' without parentheses, or make it a TimedArray")
        if len(wanted) != len(expr.args):
            usage = f"{name}(t)" if len(wanted) == 1 else f"{name}(t, i)"
            raise ExpressionError(
                f"{where}{name}() takes {len(wanted)} argument{'s' * (len(wanted) != 1)} "
                f"({usage}), but {expression_str(expr)!r} gives {len(expr.args)}")

    def same(self, args, what: str) -> Dimension:
        dims = [self.dim(arg) for arg in args]
        for arg, dim in zip(args[1:], dims[1:], strict=True):
            if dim is not dims[0]:
                raise self.fail(
                    f"{what} have different units: {expression_str(args[0])!r} has units of "
                    f"{readable(dims[0])}, {expression_str(arg)!r} has units of {readable(dim)}"
                )
        return dims[0]

    def power(self, expr) -> Dimension:
        base, exponent = expr.args
        base_dim, exponent_dim = self.dim(base), self.dim(exponent)
        if exponent_dim is not DIMENSIONLESS:
            raise self.fail(
                f"the exponent of {expression_str(expr)!r} must be dimensionless, but has "
                f"units of {readable(exponent_dim)}"
            )
        if base_dim is DIMENSIONLESS:
            return DIMENSIONLESS
        if not exponent.is_number:
            raise self.fail(
                f"in {expression_str(expr)!r} the base has units of {readable(base_dim)}, so "
                "the exponent must be a number"
            )
        return base_dim ** float(exponent)

    def function(self, expr) -> Dimension:
        name, rule = _rules().get(expr.func, (None, None))
        dims = [self.dim(arg) for arg in expr.args]
        if rule is None:  # e.g. a Piecewise built by a later stage: must be dimensionless
            name, rule = type(expr).__name__, "dimensionless"
        shown = expression_str(expr)
        if rule == "dimensionless":
            for dim in dims:
                if dim is not DIMENSIONLESS:
                    raise self.fail(
                        f"the argument of {name}() in {shown!r} must be dimensionless, but "
                        f"has units of {readable(dim)}"
                    )
            return DIMENSIONLESS
        if rule == "same":
            return self.same(expr.args, f"the arguments of {name}() in {shown!r}")
        if rule == "sqrt":
            return dims[0] ** 0.5
        return DIMENSIONLESS  # "any-dimensionless", "none"


Resolve = Callable[[str], Dimension] | Mapping[str, Dimension]


def infer_dimension(expr, resolve: Resolve, *, where: str | None = None) -> Dimension:
    """The dimension of ``expr``, looking names up with ``resolve``.

    Parameters
    ----------
    expr : sympy.Expr
        From :func:`parse_expression` (or an equation's ``expr``).
    resolve : callable or mapping
        name -> Dimension (or a value with ``.dim``); raises KeyError for unknown
        names. Its ``known`` attribute (or the mapping's keys) feeds "did you mean".
    where : str, optional
        What the expression is (``'threshold "v > V_t"'``), for messages.

    Raises
    ------
    DimensionMismatchError, UnknownNameError

    Examples
    --------
    >>> from labkit.equations import parse_expression
    >>> volt = get_or_create_dimension(m=2, kg=1, s=-3, A=-1)
    >>> infer_dimension(parse_expression("v/tau"), {"v": volt, "tau": SECOND})
    Dimension(m^2 kg s^-4 A^-1)
    >>> infer_dimension(parse_expression("v > tua"), {"v": volt, "tau": SECOND},
    ...                 where="threshold 'v > tua'")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    labkit.errors.UnknownNameError: unknown name 'tua' in threshold 'v > tua': ... 'tau'?
    """
    resolve = _as_callable(resolve)
    return _Inference(resolve, where, getattr(resolve, "booleans", None)).dim(expr)


def _as_callable(resolve):
    if isinstance(resolve, Mapping) and not callable(resolve):
        return Resolver(dict(resolve))
    return resolve


def check_dimensions(equations, resolve: Resolve | None = None) -> None:
    """Check every line of ``equations``; raise on the first inconsistent one.

    ``dv/dt = expr`` needs ``expr`` in units of v per second; a subexpression needs its
    declared unit (and a condition if declared ``boolean``). Model variables resolve to
    their declared dimensions; other names through ``resolve`` (default: a
    :func:`resolver` of the equations with an empty namespace).

    >>> from labkit.equations import Equations
    >>> check_dimensions(Equations("dv/dt = (-v + I)/tau : volt\\nI : amp"),
    ...                  resolver(namespace={"tau": 1.0}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    labkit.errors.DimensionMismatchError: in "dv/dt = (-v + I)/tau : volt": the terms ... volt
    """
    base = _as_callable(resolve) if resolve is not None else resolver(equations)
    model = {name: eq.dim for name, eq in equations.items()}
    booleans = {name for name, eq in equations.items() if eq.var_type == "boolean"}
    booleans |= set(getattr(base, "booleans", ()))
    known = tuple(model) + tuple(getattr(base, "known", ()))

    def lookup(name: str) -> Dimension:
        if name in model:
            return model[name]
        return base(name)

    lookup.known = known  # type: ignore[attr-defined]
    lookup.functions = getattr(base, "functions", False)  # type: ignore[attr-defined]
    for eq in equations.values():
        if eq.expr is None:
            continue
        where = f'"{eq.source or eq}"'
        got = _Inference(lookup, where, booleans).dim(eq.expr)
        needed = eq.dim / SECOND if eq.kind == "diff" else eq.dim
        if got is not needed:
            lhs = f"d{eq.name}/dt" if eq.kind == "diff" else eq.name
            raise DimensionMismatchError(
                f"in {where}: the right side has units of {readable(got)}, but {lhs} needs "
                f"{readable(needed)}"
            )
        if eq.var_type == "boolean" and not _Inference(lookup, where, booleans).is_boolean(
            eq.expr
        ):
            raise ExpressionError(f"in {where}: a boolean subexpression needs a condition")


def check_condition(expr, resolve: Resolve, *, where: str = "condition") -> None:
    """Check a threshold-like condition: boolean-valued, with consistent units.

    >>> from labkit.equations import parse_expression
    >>> r = resolver(namespace={"v": 1.0})
    >>> check_condition(parse_expression("v > 1 and not_refractory"), r, where="threshold")
    >>> check_condition(parse_expression("v + 1"), r, where="threshold")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    labkit.errors.ExpressionError: threshold must be a condition ... but 'v + 1' is a number
    """
    resolve = _as_callable(resolve)
    refuse_noise(expr, where)
    inference = _Inference(resolve, where, getattr(resolve, "booleans", None))
    inference.dim(expr)
    if not inference.is_boolean(expr):
        raise ExpressionError(
            f"{where} must be a condition (a comparison such as 'v > v_th'), "
            f"but {expression_str(expr)!r} is a number"
        )


def refuse_noise(expr, where: str, per: str = "step") -> None:
    """As in Brian2: white noise only makes sense inside a differential equation."""
    noise = sorted(s.name for s in expr.free_symbols if is_noise(s.name))
    if noise:
        raise ExpressionError(
            f"in {where}: '{noise[0]}' is white noise, which exists only in differential "
            "equations ('dv/dt = ... + sigma*xi*tau**-0.5 : volt'); for one random number "
            f"per {per} write randn() (a standard normal) or rand() instead")


def check_statement(stmt: Statement, resolve: Resolve, *, where: str | None = None) -> None:
    """Check one reset / ``on_pre`` statement: an assignable target, matching units, no xi.

    ``=``, ``+=``, ``-=`` need the value in the target's units; ``*=``, ``/=`` a
    dimensionless factor.
    """
    resolve = _as_callable(resolve)
    where = where or f"statement '{stmt.source or stmt}'"
    refuse_noise(stmt.expr, where, "event")
    inference = _Inference(resolve, where, getattr(resolve, "booleans", None))
    variables = getattr(resolve, "variables", None)
    target_dim = inference.name(stmt.target)
    if variables is not None and stmt.target not in variables:
        raise ExpressionError(
            f"in {where}: cannot assign to '{stmt.target}', it is not a variable that "
            "can be changed (subexpressions, constants and external names cannot)"
        )
    got = inference.dim(stmt.expr)
    needed = DIMENSIONLESS if stmt.op in ("*=", "/=") else target_dim
    if got is not needed:
        raise DimensionMismatchError(
            f"in {where}: the right side has units of {readable(got)}, but '{stmt.target} "
            f"{stmt.op}' needs {readable(needed)}"
        )
