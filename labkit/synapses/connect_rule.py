"""connect() strings + groups' variables -> :class:`ConnectRule` (sympy) and its values.

Every string form of ``connect`` becomes one shape, Brian2's generator loop::

    for o in range(n_outer):                    # o is i (or j for i='...' generators)
        if not row_condition: continue          # the parts that depend on o only
        for k in range(low, high, step) / sample(...):
            r = element                         # the other index
            keep if condition [and u < p]; check 0 <= r < n_result; repeat n times

``connect(condition, p)`` is ``j = 'k for k in range(N_post) if condition'`` with a draw
``u < p`` per candidate. The rule holds only structure: user names are replaced by
canonical symbols (``_o``/``_r``/``_k`` for the indices, ``_pre_v``/``_post_v`` for
per-neuron arrays, ``_c_tau`` for constants, ``_u1``... for ``rand()`` call sites,
``_p_value``/``_n_value`` for numeric ``p``/``n``) whose values travel separately, so
the same rule (and kernel) serves every value of ``tau``, ``p`` or the group sizes.

Name resolution (Brian2's): ``i``, ``j``, ``N_pre``, ``N_post``, the loop variable;
``x_pre``/``x_post`` for source/target variables; a plain target variable ``x`` (Brian2
adds post-synaptic variables without suffix); then, as for every string, the defaults
(units, ``pi``, ``e``, ``inf``) and the namespace (:mod:`labkit.core.namespace`). Units
are checked here, once; kernels see plain SI floats.
"""

from __future__ import annotations

import itertools
import numbers
from dataclasses import dataclass

import numpy as np
import sympy
from sympy.logic.boolalg import And, Boolean

from labkit.equations import parse_expression
from labkit.equations.checks import Resolver, check_condition, infer_dimension
from labkit.equations.functions import rand, randn
from labkit.equations.printing import expression_str
from labkit.equations.symbols import symbol
from labkit.errors import DimensionMismatchError, ExpressionError
from labkit.synapses.connect_run import Names
from labkit.synapses.generator_syntax import GeneratorSpec, parse_generator
from labkit.units.dimension import DIMENSIONLESS, readable

__all__ = ["ConnectRule", "build_rule", "is_integer_valued", "result_names"]

O, R, K = symbol("_o"), symbol("_r"), symbol("_k")
N_OUTER, N_RESULT = symbol("_n_outer"), symbol("_n_result")
P_VALUE, N_VALUE = symbol("_p_value"), symbol("_n_value")


@dataclass(frozen=True)
class ConnectRule:
    """The structure of one connect() call: a generator loop with canonical symbols.

    ``outer`` is ``'i'`` when the outer loop runs over sources (condition syntax and
    ``j='...'`` generators) and ``'j'`` for ``i='...'`` generators. ``draw`` says what
    the per-candidate uniform ``_u0`` decides: nothing (None), ``'p'`` (keep if
    ``_u0 < draw_value``), ``'sample_p'`` (same, but a row-level value) or
    ``'sample_size'`` (keep the ``draw_value`` candidates with the smallest ``_u0``).
    ``sites`` is how many uniforms each candidate gets (``_u0`` .. ``_u{sites-1}``).
    ``check_first``: the condition reads the result index, so out-of-range results are
    handled before it (as Brian2), else after it.
    """

    outer: str
    row_condition: sympy.Basic
    iterator: str
    low: sympy.Expr
    high: sympy.Expr
    step: sympy.Expr
    element: sympy.Expr
    condition: sympy.Basic
    n: sympy.Expr
    draw: str | None
    draw_value: sympy.Expr | None
    sites: int
    check_first: bool
    description: str

    def __str__(self) -> str:
        show = expression_str
        lines = [f"for _o in range(_n_outer):  # _o is {self.outer}"]
        if self.row_condition != sympy.true:
            lines.append(f"    if {show(self.row_condition)}:")
        args = ", ".join(show(a) for a in (self.low, self.high, self.step))
        lines.append(f"    for _k in {self.iterator}({args}):  # draw={self.draw}, "
                     f"value={self.draw_value}, sites={self.sites}")
        lines.append(f"        _r = {show(self.element)}")
        lines.append(f"        if {show(self.condition)}: make {show(self.n)} synapse(s)")
        return "\n".join(lines)


def is_integer_valued(expr: sympy.Basic, integers: frozenset[str]) -> bool:
    """Whether ``expr`` is integer-typed, given the names that hold integers.

    Integer literals and names, ``+ - * % //`` of integers, non-negative integer powers,
    ``abs``, ``sign``, ``int()``, ``floor``, ``ceil``: as Brian2's type rules, except that
    ``floor``/``ceil`` always count as integers.

    >>> i, j = symbol("i"), symbol("j")
    >>> is_integer_valued(parse_expression("i//2 + abs(j - 3)"), frozenset("ij"))
    True
    >>> is_integer_valued(parse_expression("i/2"), frozenset("ij"))
    False
    """
    if isinstance(expr, sympy.Integer):
        return True
    if isinstance(expr, (sympy.Float, sympy.Rational)):
        return False
    if isinstance(expr, sympy.Symbol):
        return expr.name in integers
    if isinstance(expr, (sympy.floor, sympy.ceiling)) or expr.func.__name__ == "int_":
        return True
    if isinstance(expr, sympy.Pow):
        return is_integer_valued(expr.base, integers) and (
            expr.exp.is_Integer and expr.exp >= 0 or is_integer_valued(expr.exp, integers))
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Mod, sympy.Abs, sympy.sign,
                         sympy.Min, sympy.Max)):
        return all(is_integer_valued(a, integers) for a in expr.args)
    return False


def _conjuncts(expr: sympy.Basic) -> tuple:
    return expr.args if isinstance(expr, And) else (expr,)


class _Names(Names):
    """:class:`~labkit.synapses.connect_run.Names` with canonical *symbols*, and a record
    of what each name resolved to (``found``, kept with a stored rule)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.found: dict[str, tuple] = {}

    def lookup(self, name: str, where: str):
        """user name -> (canonical symbol, Dimension, numpy kind 'b'/'i'/'f')."""
        key, dim, kind = self.found[name] = super().lookup(name, where)
        return symbol(key), dim, kind

    def resolve(self, expr, where: str, kind: str):
        """Check one expression's units, then rename its names to canonical symbols.

        ``kind``: ``'condition'`` (boolean), ``'integer'`` or ``'number'``.
        """
        if expr.has(randn):
            raise ExpressionError(f"randn() cannot be used in {where}; use rand()")
        found = {s.name: self.lookup(s.name, where) for s in expr.free_symbols}
        dims = {name: dim for name, (_, dim, _) in found.items()}
        booleans = frozenset(n for n, (_, _, k) in found.items() if k == "b")
        resolver = Resolver(dims, booleans)
        if kind == "condition":
            check_condition(expr, resolver, where=where)
        else:
            dim = infer_dimension(expr, resolver, where=where)
            if isinstance(expr, Boolean) and not isinstance(expr, sympy.Symbol):
                raise TypeError(f"{where} must be a number, not a condition")
            if dim is not DIMENSIONLESS:
                raise DimensionMismatchError(
                    f"{where} must be dimensionless, but has units of {readable(dim)}")
            integers = frozenset(n for n, (_, _, k) in found.items() if k in "iu")
            if kind == "integer" and not is_integer_valued(expr, integers):
                raise TypeError(f"{where} must be an integer expression")
        return expr.xreplace({symbol(n): s for n, (s, _, _) in found.items()})


def result_names(expr, outer: str) -> set[str]:
    """Names in ``expr`` that read the result index: ``_r`` and the result side's arrays."""
    prefix = "_post_" if outer == "i" else "_pre_"
    names = {s.name for s in getattr(expr, "free_symbols", ())}
    return {n for n in names if n == "_r" or n.startswith(prefix)}


def _row_level(expr, outer: str) -> bool:
    """True when ``expr`` depends on the outer index only (no candidate, no draw)."""
    names = {s.name for s in expr.free_symbols}
    return not expr.has(rand) and "_k" not in names and not result_names(expr, outer)


def _number_or_string(value, name: str):
    if isinstance(value, str):
        return None
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number or a string, not {type(value).__name__}")
    return value


def build_rule(n_source, n_target, *, condition=None, generator=None, over="i", p=1.0,
               n=1, namespace=None, source_vars=None, target_vars=None, record=None):
    """The strings of one connect() call -> (ConnectRule, values by canonical name).

    ``record``, a dict, receives the loop variable and what each name resolved to
    (``found``), for :func:`labkit.synapses.connect_run.remember`.

    Parameters
    ----------
    condition : str or True, optional
        A condition on ``i``, ``j`` and variables (Brian2's ``connect(condition)``).
    generator : str, optional
        Brian2's generator syntax for the index that is not ``over``.
    over : {'i', 'j'}
        Which index the outer loop runs over (``'j'`` for ``connect(i='...')``).
    p, n : number or str
        Probability per candidate pair (condition syntax only) and synapses per pair.

    Examples
    --------
    >>> rule, values = build_rule(5, 5, condition="abs(i-j) > tau_k", p=0.5,
    ...                           namespace={"tau_k": 1})
    >>> print(rule)
    for _o in range(_n_outer):  # _o is i
        for _k in range(0, _n_result, 1):  # draw=p, value=_p_value, sites=1
            _r = _k
            if abs(_o - _r) > _c_tau_k: make _n_value synapse(s)
    >>> values
    {'_c_tau_k': 1, '_p_value': 0.5, '_n_value': 1}
    """
    names = _Names(over, n_source, n_target, source_vars, target_vars, namespace)
    sites = itertools.count()
    if generator is not None:
        spec = parse_generator(generator, context=f"connect generator '{generator}'",
                               call_sites=sites)
        where = f"the generator '{spec.text}'"
    else:
        text = "True" if condition is True or condition is None else condition
        if not isinstance(text, str):
            raise TypeError(f"condition must be a string or True, not {type(text).__name__}")
        expr = parse_expression(text, context=f"connect condition '{text}'", call_sites=sites)
        # j = k for k in range(N_post) if condition; '__k' cannot clash with a user name.
        spec = GeneratorSpec(text, symbol("__k"), "__k", "range", sympy.Integer(0),
                             symbol("N_post"), sympy.Integer(1), condition=expr)
        where = f"connect(condition='{text}')"
    names.loop_variable = spec.variable
    bounds = [names.resolve(expr, f"the {label} of {spec.iterator}() in {where}", "integer")
              for label, expr in (("start", spec.low), ("stop", spec.high),
                                  ("step", spec.step), ("size", spec.size))
              if expr is not None]
    sample_p = None if spec.p is None else names.resolve(
        spec.p, f"the p of sample() in {where}", "number")
    if not all(_row_level(e, over) for e in bounds + [sample_p] if e is not None):
        index = "i" if over == "i" else "j"
        raise ValueError(f"the {spec.iterator}() arguments in {where} may depend only on "
                         f"'{index}' (not on the loop variable, the other index or rand())")
    element = names.resolve(spec.element, f"the element of {where}", "number")
    if result_names(element, over):
        raise ValueError(f"the element of {where} cannot depend on the index it defines")
    cond = names.resolve(spec.condition, f"the condition of {where}", "condition")
    draw, draw_value = _draw(spec, sample_p, bounds, p, names, sites, generator)
    number = _number_or_string(n, "n")
    if number is None:
        n_expr = parse_expression(n, context=f"n='{n}'", call_sites=sites)
        count = names.resolve(n_expr, f"n='{n}'", "integer")
    else:
        if number != int(number) or number < 0:
            raise ValueError(f"n must be a non-negative integer, not {n!r}")
        count, names.values["_n_value"] = N_VALUE, int(number)
    row = sympy.And(*[c for c in _conjuncts(cond) if _row_level(c, over)])
    inner = sympy.And(*[c for c in _conjuncts(cond) if not _row_level(c, over)])
    check_first = bool(result_names(inner, over)
                       or draw == "p" and result_names(draw_value, over))
    rule = ConnectRule(over, row, spec.iterator, *bounds[:3], element, inner, count, draw,
                       draw_value, 0, check_first, where)
    rule = _number_sites(rule)
    if record is not None:
        record.update(loop_variable=names.loop_variable, found=dict(names.found))
    return rule, names.values


def _draw(spec, sample_p, bounds, p, names, sites, generator):
    """(generator spec, p) -> what the per-candidate uniform decides, and its value."""
    if spec.iterator == "sample":
        if spec.size is not None:
            return "sample_size", bounds[3]
        return "sample_p", sample_p
    number = _number_or_string(p, "p")
    if generator is not None and (number is None or number != 1):
        raise ValueError("generator syntax cannot be combined with p; use sample(..., p=...)")
    if number is None:
        expr = parse_expression(p, context=f"p='{p}'", call_sites=sites)
        return "p", names.resolve(expr, f"p='{p}'", "number")
    if not 0 <= number <= 1:
        raise ValueError(f"p must be a probability between 0 and 1, not {p!r}")
    if number == 1:
        return None, None
    names.values["_p_value"] = float(number)
    return "p", P_VALUE


def _number_sites(rule: ConnectRule) -> ConnectRule:
    """Replace each ``rand(k)`` call by a per-candidate uniform ``_u1``, ``_u2``, ...

    ``_u0`` is the draw for ``p``/``sample``; a rule with ``rand()`` calls but no draw
    still reserves it, so site ``s`` is always ``_u{s}``.
    """
    calls: dict = {}
    for expr in (rule.element, rule.condition, rule.draw_value, rule.n):
        if expr is not None:
            for call in sorted(expr.atoms(rand), key=sympy.default_sort_key):
                calls.setdefault(call, symbol(f"_u{len(calls) + 1}"))
    fields = dict(vars(rule))
    for key in ("element", "condition", "draw_value", "n"):
        if fields[key] is not None:
            fields[key] = fields[key].xreplace(calls)
    fields["sites"] = 1 + len(calls) if (calls or rule.draw) else 0
    return ConnectRule(**fields)
