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

An object made from text (and renames, bound values and sums of such objects) keeps its
*recipe*; its plain lines are stored under it (:mod:`labkit.equations.plain`), so that a
process making it again imports no sympy: names, printing, equality and a group's build
read the plain lines, and the sympy form (:mod:`labkit.equations.building`) is made only
when something reads an expression.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Iterator, Mapping

import numpy as np

from labkit.equations.budget import time_limit
from labkit.equations.model import SingleEquation
from labkit.equations.names import TIME, TIMESTEP, is_noise
from labkit.equations.plain import PlainLine, load_lines, store_lines
from labkit.equations.stored import remembered
from labkit.errors import EquationError, shorten
from labkit.units.dimension import DIMENSIONLESS


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

    __slots__ = ("_parsed", "_lines", "_recipe", "_make", "_constants", "_source",
                 "_cached_key", "_hash")

    def __init__(
        self, eqs: str | Equations | Iterable[SingleEquation] = "", /, **substitutions
    ):
        if isinstance(eqs, Equations) and not substitutions:  # a copy
            self._setup(eqs._recipe, dict(eqs._constants), eqs._parsed, eqs._lines,
                        eqs._make, eqs._source)
            return
        renames, values = _split(substitutions)
        if isinstance(eqs, Equations):
            inner, constants = eqs._recipe, dict(eqs._constants)
        elif isinstance(eqs, str):
            inner, constants = ("text", eqs), {}
        else:
            eqs = tuple(eqs)
            if not all(isinstance(eq, SingleEquation) for eq in eqs):
                raise TypeError("Equations takes a string, Equations or SingleEquation objects")
            inner, constants = None, {}
        recipe = None if inner is None else inner if not substitutions else (
            "subs", inner, tuple(sorted(renames.items())), tuple(sorted(values)))
        # the model text, when it alone decides the equations (a key for stored results)
        source = eqs if isinstance(eqs, str) and not substitutions else None

        def make():
            from labkit.equations import building

            if isinstance(eqs, Equations):
                base = tuple(eqs._equations().values())
            elif isinstance(eqs, str):
                base = building.parsed_text(eqs)
            else:
                base = eqs
            base = building.unbound(base, values)
            return building.checked_index(building.renamed(base, renames) if renames else base)

        self._made(recipe, constants, make, source)
        for name, value in values.items():  # a stored recipe checked the names, not values
            constants[name] = _checked_constant(name, value)
        for old, new in renames.items():
            if old in constants:
                constants[new] = constants.pop(old)

    def _setup(self, recipe, constants, parsed, lines, make=None, source=None) -> None:
        for name, value in (("_recipe", recipe), ("_constants", constants),
                            ("_parsed", parsed), ("_lines", lines), ("_cached_key", None),
                            ("_make", make), ("_source", source),
                            ("_hash", None)):  # last: __setattr__ refuses from here on
            object.__setattr__(self, name, value)

    def _made(self, recipe, constants, make, source=None) -> None:
        """Lines stored for ``recipe`` (``make`` kept for when an expression is read), else
        ``make()`` now (the parse, with its errors), whose plain lines are then stored."""
        lines = None if recipe is None else load_lines(recipe)
        parsed = None
        if lines is None:
            parsed = make()
            if recipe is not None:
                from labkit.equations import building

                lines = building.plain_lines(parsed)
                store_lines(recipe, lines)
        self._setup(recipe, constants, parsed, lines, None if parsed is not None else make,
                    source)

    @classmethod
    def made(cls, recipe: tuple, make: Callable[[], Equations],
             remake: Callable[[], Equations] | None = None) -> Equations:
        """The Equations ``make()`` gives (with sympy), decided by ``recipe``: plain data
        naming everything ``make`` depends on, the version of its code included. Read back
        from the plain lines stored under the recipe (``make()`` then runs only when an
        expression is read), else made now and its lines stored. Bound values are
        ``make()``'s, so none: the recipe says lines, not values. ``remake``: the same as
        ``make`` but picklable (a module-level function, or a ``functools.partial`` of one,
        whose module imports no sympy): the object then pickles as its recipe, plain lines
        and ``remake``, so a worker that unpickles it needs no sympy until an expression
        is read; without it, the sympy form travels."""
        result = cls.__new__(cls)
        key = ("made", recipe)
        if remake is not None:
            _REMAKE[key] = remake
        result._made(key, {}, lambda: _made_lines(make))
        return result

    def _equations(self) -> dict[str, SingleEquation]:
        """name -> SingleEquation, made (with sympy) when first asked for by an object read
        back from its plain lines: the cold path's ``make``, which succeeded before."""
        if self._parsed is None:
            object.__setattr__(self, "_parsed", self._make())
            object.__setattr__(self, "_make", None)
        return self._parsed

    def plain_lines(self) -> tuple[PlainLine, ...]:
        """The lines as plain data (no sympy for an object whose recipe was seen before)."""
        if self._lines is None:
            from labkit.equations import building

            object.__setattr__(self, "_lines", building.plain_lines(self._parsed))
        return self._lines

    @property
    def recipe(self) -> tuple | None:
        """What made this object (texts, renames, bound names, sums) as plain data, or None
        for one made from SingleEquation objects: the key its plain lines are kept under."""
        return self._recipe

    # -- the Mapping protocol ---------------------------------------------------------------

    def __getitem__(self, name: str) -> SingleEquation:
        return self._equations()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.plain_lines())

    def __contains__(self, name) -> bool:
        return name in self.names

    # -- names ------------------------------------------------------------------------------

    def _names_of(self, kind: str) -> tuple[str, ...]:
        return tuple(line.name for line in self.plain_lines() if line.kind == kind)

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
        return tuple(line.name for line in self.plain_lines())

    @property
    def identifiers(self) -> tuple[str, ...]:
        """External names used but not defined, sorted.

        Excludes ``t``, ``dt``, noise (``xi``, ``xi_*``) and whitelisted functions;
        includes group-provided names (``i``, ``N``, ...), names bound in
        :attr:`constants`, and called functions that are not whitelisted (TimedArrays).
        """
        lines = self.plain_lines()
        used = set().union(*(line.uses for line in lines)) - {line.name for line in lines}
        return tuple(sorted(name for name in used
                            if name not in (TIME, TIMESTEP) and not is_noise(name)))

    @property
    def constants(self) -> Mapping[str, object]:
        """External names bound to values by substitution (``Equations(eqs, tau=10*ms)``)."""
        return dict(self._constants)

    @property
    def ordered(self) -> tuple[SingleEquation, ...]:
        """Update order: differential equations, subexpressions by dependency, parameters."""
        from labkit.equations import building

        equations = self._equations()
        subs = [equations[name] for name in building.dependency_order(equations)]
        return (
            tuple(eq for eq in equations.values() if eq.kind == "diff")
            + tuple(subs)
            + tuple(eq for eq in equations.values() if eq.kind == "param")
        )

    def get_substituted_expressions(self, *, include_subexpressions: bool = False) -> list:
        """``(name, expr)`` of each differential equation, subexpressions substituted.

        As in Brian2, subexpressions flagged ``(constant over dt)`` are not substituted
        (they are computed once per step). With ``include_subexpressions``, the
        (substituted) subexpressions follow, in dependency order.

        >>> Equations('''dv/dt = I/tau : 1
        ...              I = 2*J : 1
        ...              J = w + 1 : 1''').get_substituted_expressions()
        [('v', (2*w + 2)/tau)]
        """
        from labkit.equations import building

        def substituted(_text=None):
            with time_limit(lambda: "substituting the subexpressions of "
                            f"'{shorten(str(self))}'"):
                return building.substituted(self._equations(), include_subexpressions)

        if self._source is None:
            return substituted()
        return list(remembered(f"substituted-{int(include_subexpressions)}", self._source,
                               substituted, lambda found: isinstance(found, list)))

    # -- combination, equality, display -----------------------------------------------------

    def __add__(self, other) -> Equations:
        if isinstance(other, str):
            other = Equations(other)
        if not isinstance(other, Equations):
            return NotImplemented
        for name in set(self._constants) & set(other._constants):
            if _constant_key(self._constants[name]) != _constant_key(other._constants[name]):
                raise EquationError(f"the two equations bind '{name}' to different values")
        constants = {**self._constants, **other._constants}
        if self._recipe is None or other._recipe is None:
            from labkit.equations import building

            return Equations(building.added(self.values(), other.values()), **constants)

        def make():
            from labkit.equations import building

            lines = building.added(self.values(), other.values())
            return building.checked_index(building.unbound(lines, constants))

        result = Equations.__new__(Equations)
        result._made(("sum", self._recipe, other._recipe, tuple(sorted(constants))),
                     constants, make)
        return result

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
            equations = tuple((line.kind, line.name, line.dim, line.var_type, line.expr_text,
                               line.flags) for line in self.plain_lines())
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
        return "\n".join(line.text for line in self.plain_lines())

    def __repr__(self) -> str:
        body = str(self).replace("\n", "\n           ")
        extra = "".join(f", {k}={v!r}" for k, v in self._constants.items())
        return f"Equations('''{body}'''{extra})"

    def __reduce__(self):
        """Pickled (a model sent to a sweep's worker process): rebuilt rather than restored
        slot by slot, since a cached hash must not cross processes. One made from text
        keeps its recipe and travels as its plain lines, so the worker needs no sympy to
        build and run it (its plans are kept under the recipe) and makes the sympy form
        from the recipe only when an expression is read; one made by ``made()`` travels
        the same way with its ``remake`` when it was given one, else takes its sympy form
        along (its ``make`` cannot travel) and keeps its recipe."""
        if self._recipe is not None:
            if _rebuildable(self._recipe):
                parsed, remakes = None, tuple((key, _REMAKE[key]) for key in _made_parts(
                    self._recipe))
            else:
                parsed, remakes = tuple(self._equations().values()), ()
            return _restored, (self._recipe, dict(self._constants), self.plain_lines(), parsed,
                               remakes)
        return _rebuild, (tuple(self.values()), dict(self._constants))

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython
        printer.text(str(self))


def _rebuild(equations, constants) -> Equations:
    return Equations(equations, **constants)


#: ``("made", recipe)`` -> the picklable ``remake`` given to :meth:`Equations.made` in
#: this process (or brought by an unpickled object): how that part of a recipe is made
#: again where its ``make`` is not at hand.
_REMAKE: dict[tuple, Callable[[], Equations]] = {}


def _made_lines(make) -> dict[str, SingleEquation]:
    """``made()``'s ``make`` (or ``remake``) -> its lines, refusing bound values."""
    found = make()
    if found._constants:
        raise EquationError("Equations.made() keeps no bound values")
    return found._equations()


def _made_parts(recipe) -> Iterator[tuple]:
    """The ``("made", ...)`` parts of ``recipe``."""
    kind = recipe[0]
    if kind == "made":
        yield recipe
    elif kind == "subs":
        yield from _made_parts(recipe[1])
    elif kind == "sum":
        yield from _made_parts(recipe[1])
        yield from _made_parts(recipe[2])


def _rebuildable(recipe) -> bool:
    """Whether ``recipe`` alone makes the sympy form (texts, renames, bound names, sums:
    :func:`~labkit.equations.building.from_recipe`), its ``made()`` parts by the
    ``remake`` they were given."""
    kind = recipe[0]
    if kind == "text":
        return True
    if kind == "made":
        return recipe in _REMAKE
    if kind == "subs":
        return _rebuildable(recipe[1])
    return kind == "sum" and _rebuildable(recipe[1]) and _rebuildable(recipe[2])


def _restored(recipe, constants, lines, parsed, remakes=()) -> Equations:
    """An unpickled Equations object made from a recipe (see :meth:`Equations.__reduce__`);
    ``remakes``: its ``made()`` parts' ``remake``, kept for this process's pickles too."""
    for key, remake in remakes:
        _REMAKE.setdefault(key, remake)

    def make():
        from labkit.equations import building

        return building.from_recipe(recipe, lambda key: _made_lines(_REMAKE[key]))

    result = Equations.__new__(Equations)
    found = None if parsed is None else {eq.name: eq for eq in parsed}
    result._setup(recipe, constants, found, tuple(lines), None if found is not None else make,
                  recipe[1] if recipe[0] == "text" else None)
    return result


def _split(substitutions) -> tuple[dict, dict]:
    """Brian2-style substitutions -> (renames: strings, values: bound constants)."""
    renames, values = {}, {}
    for name, value in substitutions.items():
        if isinstance(value, str):
            if not value.isidentifier():
                raise EquationError(f"cannot rename '{name}' to {value!r}: not a valid name")
            renames[name] = value
        else:
            values[name] = value
    return renames, values


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
