"""model text (or equations) + substitutions -> Equations, a frozen ordered mapping.

``Equations`` is what every later stage receives: name -> SingleEquation in definition
order, with the names it defines and the external names it uses, and the differential
equations with subexpressions substituted. It is immutable and hashable, so integration
results can be cached by (equations, method).

Substitution follows Brian2 (``Equations(eqs, tau='tau_m', I=2*nA)``): a string renames a
name everywhere (definitions too); a value binds an *external* name to a constant. Unlike
Brian2, a bound value is not pasted into the expression text: the name stays a symbol
and the value is kept in :attr:`Equations.constants` (values are kernel arguments, never
compiled in). Names that are not used are ignored, as in Brian2.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

import numpy as np
import sympy

from labkit.equations.budget import time_limit
from labkit.equations.expressions import substitute
from labkit.equations.functions import rand, randn
from labkit.equations.grammar import _check_name, parse_equations
from labkit.equations.model import SingleEquation
from labkit.equations.printing import expression_str
from labkit.equations.stored import parsed_equations, remembered
from labkit.equations.symbols import TIME, TIMESTEP, is_noise, symbol
from labkit.errors import EquationError, shorten
from labkit.units.dimension import DIMENSIONLESS

CONSTANT_OVER_DT = "constant over dt"


class Equations(Mapping):
    """A model: an immutable, ordered mapping of names to :class:`SingleEquation`.

    Parameters
    ----------
    eqs : str, Equations or iterable of SingleEquation
        The model string (Brian2 syntax) or already parsed equations.
    **substitutions
        ``name='new_name'`` renames; ``name=value`` (number or Quantity) binds an external
        name to a constant, see :attr:`constants`.

    Examples
    --------
    >>> eqs = Equations('''dv/dt = (-v + I)/tau : volt
    ...                    I : volt''', tau="tau_m")
    >>> print(eqs)
    dv/dt = (I - v)/tau_m : volt
    I : volt
    >>> eqs.diff_eq_names, eqs.parameter_names, eqs.identifiers
    (('v',), ('I',), ('tau_m',))
    >>> eqs == Equations(str(eqs))
    True
    """

    __slots__ = ("_equations", "_constants", "_source", "_cached_key", "_hash")

    def __init__(
        self, eqs: str | Equations | Iterable[SingleEquation] = "", /, **substitutions
    ):
        if isinstance(eqs, Equations):
            equations, constants = tuple(eqs._equations.values()), dict(eqs._constants)
        elif isinstance(eqs, str):
            with time_limit(f"the equations '{shorten(eqs.strip())}'"):
                equations, constants = parsed_equations(eqs, parse_equations), {}
        else:
            equations, constants = tuple(eqs), {}
            if not all(isinstance(eq, SingleEquation) for eq in equations):
                raise TypeError("Equations takes a string, Equations or SingleEquation objects")
        # the model text, when it alone decides the equations (a key for stored results)
        self._source = eqs if isinstance(eqs, str) and not substitutions else None
        equations, constants = _substitute(equations, constants, substitutions)
        self._equations: dict[str, SingleEquation] = _index(equations)
        self._constants: dict[str, object] = constants
        self._cached_key = None
        self._hash = None
        _check_cycles(self._equations)

    # -- the Mapping protocol ---------------------------------------------------------------

    def __getitem__(self, name: str) -> SingleEquation:
        return self._equations[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._equations)

    def __len__(self) -> int:
        return len(self._equations)

    # -- names ------------------------------------------------------------------------------

    def _names_of(self, kind: str) -> tuple[str, ...]:
        return tuple(name for name, eq in self._equations.items() if eq.kind == kind)

    @property
    def diff_eq_names(self) -> tuple[str, ...]:
        """Names with a differential equation, in definition order."""
        return self._names_of("diff")

    @property
    def subexpr_names(self) -> tuple[str, ...]:
        """Names of subexpressions, in definition order."""
        return self._names_of("sub")

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Names of parameters (``name : unit`` lines), in definition order."""
        return self._names_of("param")

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the equations define, in definition order."""
        return tuple(self._equations)

    @property
    def identifiers(self) -> tuple[str, ...]:
        """External names used but not defined, sorted.

        Excludes ``t``, ``dt``, noise (``xi``, ``xi_*``) and whitelisted functions;
        includes group-provided names (``i``, ``N``, ...), names bound in
        :attr:`constants`, and called functions that are not whitelisted (TimedArrays).
        """
        used: set[str] = set()
        for eq in self._equations.values():
            if eq.expr is not None:
                used |= {s.name for s in eq.expr.free_symbols}
                used |= {f.func.__name__ for f in eq.expr.atoms(sympy.core.function.AppliedUndef)}
        return tuple(sorted(
            name for name in used - set(self._equations)
            if name not in (TIME, TIMESTEP) and not is_noise(name)
        ))

    @property
    def constants(self) -> Mapping[str, object]:
        """External names bound to values by substitution (``Equations(eqs, tau=10*ms)``)."""
        return dict(self._constants)

    @property
    def ordered(self) -> tuple[SingleEquation, ...]:
        """Update order: differential equations, subexpressions by dependency, parameters."""
        subs = [self._equations[name] for name in _dependency_order(self._equations)]
        return (
            tuple(eq for eq in self._equations.values() if eq.kind == "diff")
            + tuple(subs)
            + tuple(eq for eq in self._equations.values() if eq.kind == "param")
        )

    def get_substituted_expressions(
        self, *, include_subexpressions: bool = False
    ) -> list[tuple[str, sympy.Expr]]:
        """``(name, expr)`` of each differential equation, subexpressions substituted.

        As in Brian2, subexpressions flagged ``(constant over dt)`` are not substituted
        (they are computed once per step). With ``include_subexpressions``, the
        (substituted) subexpressions follow, in dependency order.

        >>> Equations('''dv/dt = I/tau : 1
        ...              I = 2*J : 1
        ...              J = w + 1 : 1''').get_substituted_expressions()
        [('v', (2*w + 2)/tau)]
        """
        def substituted(_text=None):
            with time_limit(lambda: "substituting the subexpressions of "
                            f"'{shorten(str(self))}'"):
                return self._substituted(include_subexpressions)

        if self._source is None:
            return substituted()
        return list(remembered(f"substituted-{int(include_subexpressions)}", self._source,
                               substituted, lambda found: isinstance(found, list)))

    def _substituted(self, include_subexpressions: bool) -> list[tuple[str, sympy.Expr]]:
        substituted: dict[sympy.Symbol, sympy.Expr] = {}
        for name in _dependency_order(self._equations):
            eq = self._equations[name]
            if CONSTANT_OVER_DT not in eq.flags:
                substituted[symbol(name)] = substitute(eq.expr, substituted)
        result = [
            (eq.name, substitute(eq.expr, substituted))
            for eq in self._equations.values()
            if eq.kind == "diff"
        ]
        if include_subexpressions:
            result += [
                (name, substitute(self._equations[name].expr, substituted))
                for name in _dependency_order(self._equations)
            ]
        return result

    # -- combination, equality, display -----------------------------------------------------

    def __add__(self, other) -> Equations:
        if isinstance(other, str):
            other = Equations(other)
        if not isinstance(other, Equations):
            return NotImplemented
        offset = 1 + max((_random_sites(eq.expr) for eq in self.values()), default=-1)
        shifted = [
            eq if eq.expr is None else replace(eq, expr=_shift_random(eq.expr, offset))
            for eq in other.values()
        ]
        for name in set(self._constants) & set(other._constants):
            if _constant_key(self._constants[name]) != _constant_key(other._constants[name]):
                raise EquationError(f"the two equations bind '{name}' to different values")
        constants = {**self._constants, **other._constants}
        return Equations(tuple(self.values()) + tuple(shifted), **constants)

    def __radd__(self, other) -> Equations:
        if isinstance(other, str):
            return Equations(other) + self
        return NotImplemented

    def _key(self) -> tuple:
        """What equality and hashing compare: the printed expressions, not the trees.

        Printing forgets how ``rand()`` call sites are numbered (which depends on where
        they were written), so ``Equations(str(eqs)) == eqs`` holds with random terms too.
        """
        if self._cached_key is None:
            equations = tuple(
                (eq.kind, eq.name, eq.dim, eq.var_type,
                 None if eq.expr is None else expression_str(eq.expr), eq.flags)
                for eq in self._equations.values()
            )
            constants = tuple(sorted((k, _constant_key(v)) for k, v in self._constants.items()))
            object.__setattr__(self, "_cached_key", (equations, constants))
        return self._cached_key

    def __eq__(self, other) -> bool:
        if not isinstance(other, Equations):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(self._key()))
        return self._hash

    def __setattr__(self, name, value):
        if name in self.__slots__ and not hasattr(self, "_hash"):
            object.__setattr__(self, name, value)  # only while __init__ runs
        else:
            raise AttributeError("Equations objects are immutable")

    def __str__(self) -> str:
        return "\n".join(str(eq) for eq in self._equations.values())

    def __repr__(self) -> str:
        body = str(self).replace("\n", "\n           ")
        extra = "".join(f", {k}={v!r}" for k, v in self._constants.items())
        return f"Equations('''{body}'''{extra})"

    def __reduce__(self):
        # Rebuild rather than restore slots: a cached hash must not cross processes.
        return _rebuild, (tuple(self._equations.values()), dict(self._constants))

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython
        printer.text(str(self))


def _rebuild(equations, constants) -> Equations:
    return Equations(equations, **constants)


def _index(equations: Iterable[SingleEquation]) -> dict[str, SingleEquation]:
    indexed: dict[str, SingleEquation] = {}
    for eq in equations:
        if eq.name in indexed:
            raise EquationError(
                f"'{eq.name}' is defined twice: {indexed[eq.name].source or indexed[eq.name]!s} "
                f"and {eq.source or eq!s}"
            )
        indexed[eq.name] = eq
    return indexed


def _substitute(equations, constants, substitutions):
    """Apply Brian2-style substitutions: strings rename, values bind constants."""
    defined = {eq.name for eq in equations}
    renames: dict[str, str] = {}
    for name, value in substitutions.items():
        if isinstance(value, str):
            if not value.isidentifier():
                raise EquationError(f"cannot rename '{name}' to {value!r}: not a valid name")
            renames[name] = value
        elif name in defined:
            raise EquationError(f"cannot replace the model variable '{name}' with a value")
        else:
            constants[name] = _checked_constant(name, value)
    if not renames:
        return equations, constants
    mapping = {symbol(old): symbol(new) for old, new in renames.items()}
    functions = {
        sympy.Function(old): sympy.Function(new) for old, new in renames.items()
    }
    renamed = []
    for eq in equations:
        new_name = renames.get(eq.name, eq.name)
        if new_name != eq.name:
            _check_name(new_name, f"renaming '{eq.name}'")
        expr = eq.expr
        if expr is not None:
            expr = expr.xreplace(mapping)
            if functions:
                expr = expr.replace(
                    lambda e: isinstance(e, sympy.core.function.AppliedUndef)
                    and e.func in functions,
                    lambda e: functions[e.func](*e.args),
                )
        renamed.append(replace(eq, name=new_name, expr=expr))
    for old, new in renames.items():
        if old in constants:
            constants[new] = constants.pop(old)
    return tuple(renamed), constants


def _checked_constant(name: str, value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Number, np.ndarray)):
        raise EquationError(
            f"'{name}' must be replaced by a name (str) or a number/Quantity, "
            f"not {type(value).__name__}"
        )
    if np.ndim(value) != 0:
        raise EquationError(f"'{name}' must be replaced by a scalar, not an array")
    return value


def _constant_key(value) -> tuple:
    return float(np.asarray(value).view(np.ndarray)), getattr(value, "dim", DIMENSIONLESS)


def _dependency_order(equations: Mapping[str, SingleEquation]) -> list[str]:
    """Subexpression names, each after the subexpressions it uses (definition order kept)."""
    subs = {name: eq for name, eq in equations.items() if eq.kind == "sub"}
    uses = {
        name: {s.name for s in eq.expr.free_symbols} & subs.keys() - {name}
        for name, eq in subs.items()
    }
    ordered: list[str] = []
    done: set[str] = set()
    while len(ordered) < len(subs):
        ready = [n for n in subs if n not in done and uses[n] <= done]
        if not ready:
            stuck = [n for n in subs if n not in done]
            raise EquationError(
                f"the subexpressions {', '.join(stuck)} refer to each other in a cycle"
            )
        ordered.extend(ready)
        done.update(ready)
    return ordered


def _check_cycles(equations: Mapping[str, SingleEquation]) -> None:
    for name, eq in equations.items():
        if eq.kind == "sub" and symbol(name) in eq.expr.free_symbols:
            raise EquationError(f"the subexpression '{name}' refers to itself: {eq.source or eq}")
    _dependency_order(equations)


def _random_sites(expr) -> int:
    """The largest rand()/randn() call-site number in ``expr`` (-1 if none)."""
    if expr is None:
        return -1
    sites = [int(call.args[0]) for call in expr.atoms(rand, randn)]
    return max(sites, default=-1)


def _shift_random(expr: sympy.Expr, offset: int) -> sympy.Expr:
    calls = expr.atoms(rand, randn)
    if not calls or offset == 0:
        return expr
    return expr.xreplace({c: c.func(sympy.Integer(int(c.args[0]) + offset)) for c in calls})
