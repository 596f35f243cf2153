"""model text -> a tuple of SingleEquation, one per line of the model.

The three line forms of Brian2::

    dv/dt = expr : unit (flags)     a differential equation
    name = expr : unit (flags)      a subexpression
    name : unit (flags)             a parameter

with ``#`` comments. As in Brian2, an equation runs until the line holding its ``:``, so
long right-hand sides may be broken over several lines anywhere (the Hodgkin-Huxley
models break them after an operator). Expressions go through the whitelist parser; unit
specifications through :mod:`labkit.equations.unitspec`. Every error names the line.
"""

from __future__ import annotations

import itertools
import keyword
import re
from dataclasses import dataclass

from labkit.equations.expressions import as_number, parse_expression
from labkit.equations.functions import FUNCTIONS
from labkit.equations.model import FLAGS, SingleEquation
from labkit.equations.symbols import is_noise
from labkit.equations.unitspec import _unit_tables, parse_unit
from labkit.errors import EquationError, UnitError

#: Names with a fixed meaning that a model may use but never define.
RESERVED = frozenset(
    {"t", "dt", "t_in_timesteps", "xi", "i", "N", "not_refractory", "lastspike"}
)
#: Brian2's default constants; they cannot be redefined either.
CONSTANTS = frozenset({"pi", "e", "inf"})

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DIFF = re.compile(rf"^d\s*(?P<name>{_NAME})\s*/\s*dt\s*=(?!=)(?P<expr>.*)$", re.S)
_SUB = re.compile(rf"^(?P<name>{_NAME})\s*=(?!=)(?P<expr>.*)$", re.S)
_PARAM = re.compile(rf"^(?P<name>{_NAME})$")
_FLAGS = re.compile(r"^(?P<unit>.*?)\s*\((?P<flags>[A-Za-z_\- ,]*)\)$", re.S)


@dataclass(frozen=True)
class _Chunk:
    """One equation's text, joined onto a single line, and where it started."""

    text: str
    lineno: int


def parse_equations(text: str) -> tuple[SingleEquation, ...]:
    """Parse a Brian2 model string into its equations, in order.

    Parameters
    ----------
    text : str
        The model, one equation per line (an equation may continue over several lines
        until the line with its ``: unit``).

    Returns
    -------
    tuple of SingleEquation

    Raises
    ------
    EquationError
        For lines that follow none of the forms, bad units or flags, reserved or
        duplicated names; ``ExpressionError`` (with a caret) for bad expressions.

    Examples
    --------
    >>> for eq in parse_equations('''
    ...     dv/dt = (-v + I)/tau : volt (unless refractory)   # membrane
    ...     I = g*(E - v) : volt
    ...     g : 1
    ... '''):
    ...     print(eq.kind, eq.name, eq.expr, sorted(eq.flags))
    diff v (I - v)/tau ['unless refractory']
    sub I g*(E - v) []
    param g None []
    """
    if not isinstance(text, str):
        raise EquationError(f"equations must be a string, not {type(text).__name__}")
    call_sites = itertools.count()
    equations: list[SingleEquation] = []
    seen: dict[str, _Chunk] = {}
    for chunk in _chunks(text):
        equation = _parse_chunk(chunk, call_sites)
        if equation.name in seen:
            first = seen[equation.name]
            raise EquationError(
                f"line {chunk.lineno} ({chunk.text!r}): '{equation.name}' is already "
                f"defined on line {first.lineno} ({first.text!r})"
            )
        seen[equation.name] = chunk
        equations.append(equation)
    return tuple(equations)


def _chunks(text: str) -> list[_Chunk]:
    """Comment-free equations, each joined onto one line."""
    chunks, pending, start = [], [], 0
    for lineno, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not pending:
            start = lineno
        pending.append(line)
        if ":" in line:
            chunks.append(_Chunk(" ".join(pending), start))
            pending = []
    if pending:
        joined = " ".join(pending)
        raise EquationError(
            f"line {start} ({joined!r}): an equation needs ': unit' at its end, "
            "e.g. 'dv/dt = -v/tau : volt' or 'g : siemens'"
        )
    return chunks


def _parse_chunk(chunk: _Chunk, call_sites) -> SingleEquation:
    where = f"line {chunk.lineno} ({chunk.text!r})"
    left, _, right = chunk.text.partition(":")
    kind, name, expr_text = _left_side(left.strip(), where)
    _check_name(name, where)
    unit_text, flags = _split_flags(right.strip())
    try:
        dim, var_type = parse_unit(unit_text)
    except UnitError as exc:
        raise EquationError(f"{where}: {exc}") from None
    _check_flags(flags, kind, where)
    if kind == "diff" and var_type != "float":
        raise EquationError(f"{where}: a differential equation needs a float variable, "
                            f"not {var_type}")
    expr = None
    if expr_text is not None:
        expr = parse_expression(
            expr_text,
            context=f'line {chunk.lineno}, equation "{chunk.text}"',
            call_sites=call_sites,
            allow_undefined_functions=True,
        )
        if var_type != "boolean":
            # u = v < w : 1 is the condition as a number, as anywhere else in arithmetic;
            # left a condition, it would break the expressions it is substituted into
            expr = as_number(expr, atoms=True)
    return SingleEquation(kind, name, dim, var_type, expr, frozenset(flags), chunk.text)


def _left_side(left: str, where: str) -> tuple[str, str, str | None]:
    """(kind, name, expression text or None) from the part before the ``:``."""
    for kind, pattern in (("diff", _DIFF), ("sub", _SUB), ("param", _PARAM)):
        match = pattern.match(left)
        if match:
            expr = match.groupdict().get("expr")
            if expr is not None and not expr.strip():
                raise EquationError(f"{where}: the right-hand side is missing")
            return kind, match["name"], expr
    raise EquationError(
        f"{where}: cannot read this line; an equation has one of the forms "
        "'dv/dt = expr : unit', 'name = expr : unit' or 'name : unit', "
        "optionally followed by '(flags)'"
    )


def _split_flags(right: str) -> tuple[str, list[str]]:
    """The unit text and the flags of ``unit (flag, flag)``."""
    match = _FLAGS.match(right)
    if match is None or re.search(r"(\*|/|\*\*)\s*$", match["unit"]):
        return right, []
    flags = [" ".join(flag.split()) for flag in match["flags"].split(",")]
    return match["unit"], flags


def _check_flags(flags: list[str], kind: str, where: str) -> None:
    kinds = {"diff": "differential equations", "sub": "subexpressions", "param": "parameters"}
    allowed = sorted(flag for flag, ok in FLAGS.items() if kind in ok)
    for flag in flags:
        if flag not in FLAGS:
            raise EquationError(
                f"{where}: unknown flag '{flag}'; flags allowed for {kinds[kind]}: "
                f"{', '.join(allowed)}"
            )
        if kind not in FLAGS[flag]:
            raise EquationError(
                f"{where}: the flag '{flag}' is not allowed for {kinds[kind]}; allowed: "
                f"{', '.join(allowed)}"
            )
    if len(set(flags)) != len(flags):
        raise EquationError(f"{where}: a flag is given twice")


def check_name(name: str, where: str = "") -> None:
    """Raise EquationError if ``name`` cannot be a model variable (reserved, ...).

    >>> check_name("t", "line 1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    labkit.errors.EquationError: line 1: 't' has a special meaning in equations and cannot ...
    """
    _check_name(name, where)


def _check_name(name: str, where: str) -> None:
    prefix = f"{where}: " if where else ""
    problem = None
    if keyword.iskeyword(name):
        problem = "is a Python keyword"
    elif name.startswith("_"):
        problem = "starts with an underscore (reserved for internal names)"
    elif name in RESERVED or is_noise(name):
        problem = "has a special meaning in equations"
    elif name in FUNCTIONS:
        problem = "is the name of a function"
    elif name in CONSTANTS:
        problem = "is the name of a constant"
    elif name in _unit_tables()[1]:
        problem = "is the name of a unit"
    if problem:
        raise EquationError(
            f"{prefix}'{name}' {problem} and cannot be used as a variable name"
        )
