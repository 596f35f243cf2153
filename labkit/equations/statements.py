"""statement text (reset, on_pre, ...) -> a tuple of frozen Statements.

Reset and synaptic code is a list of assignments, ``target = expr`` or ``target += expr``
(also ``-=``, ``*=``, ``/=``), one per line or separated by ``;`` as in Brian2, with ``#``
comments. Right-hand sides go through the same whitelist as every other expression.
"""

from __future__ import annotations

import ast
import itertools
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from labkit.equations.expressions import ArgCount, SympyBuilder
from labkit.equations.source import error_at, from_syntax_error
from labkit.equations.stored import remembered
from labkit.equations.symbols import symbol
from labkit.errors import ExpressionError

_AUGMENTED = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/="}


@dataclass(frozen=True)
class Statement:
    """One assignment: ``target op expr``, with ``op`` one of ``= += -= *= /=``.

    ``source`` is the statement as written, for error messages.

    >>> parse_statements("v += w")[0].value
    v + w
    """

    target: str
    op: str
    expr: sympy.Expr
    source: str = ""

    @property
    def value(self) -> sympy.Expr:
        """The target's new value as one expression (``v += w`` -> ``v + w``)."""
        if self.op == "=":
            return self.expr
        current = symbol(self.target)
        return {
            "+=": lambda: current + self.expr,
            "-=": lambda: current - self.expr,
            "*=": lambda: current * self.expr,
            "/=": lambda: current / self.expr,
        }[self.op]()

    def __str__(self) -> str:
        from labkit.equations.printing import expression_str

        return f"{self.target} {self.op} {expression_str(self.expr)}"


def parse_statements(
    text: str,
    *,
    context: str | None = None,
    user_functions: Mapping[str, ArgCount] | None = None,
) -> tuple[Statement, ...]:
    """Parse reset / ``on_pre`` code into statements.

    Parameters
    ----------
    text : str
        Lines of ``target = expr`` or ``target op= expr`` (``op`` in ``+ - * /``); ``;``
        separates statements on one line; ``#`` starts a comment; indentation is ignored.
    context : str, optional
        What the code is (``"reset"``, ``"on_pre"``), shown in errors.
    user_functions : mapping, optional
        Extra callable names -> allowed argument counts, as for ``parse_expression``.

    Returns
    -------
    tuple of Statement
        In order. ``rand()`` call sites are numbered across the whole block.

    Raises
    ------
    ExpressionError
        For anything that is not such an assignment, or a disallowed expression.

    Examples
    --------
    >>> for s in parse_statements('''
    ...     v = v_r   # reset
    ...     w += b; ge *= 2
    ... '''):
    ...     print(s)
    v = v_r
    w += b
    ge *= 2
    """
    if not isinstance(text, str):
        raise ExpressionError(f"code must be a string, not {type(text).__name__}")
    if not user_functions:  # then the text alone decides the statements
        return remembered("statements", text, lambda text: _parse(text, context, None),
                          lambda found: isinstance(found, tuple) and all(
                              isinstance(s, Statement) for s in found))
    return _parse(text, context, user_functions)


def _parse(text: str, context, user_functions) -> tuple[Statement, ...]:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    code = "\n".join(lines)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = ast.parse(code, mode="exec")
    except SyntaxError as exc:
        raise from_syntax_error(code, exc, context) from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise error_at(code, f"cannot parse this code ({exc})", None, context) from None
    builder = SympyBuilder(code, context, user_functions, itertools.count(), True)
    return tuple(_statement(node, builder, code, context) for node in module.body)


def _statement(node: ast.stmt, builder: SympyBuilder, code: str, context) -> Statement:
    source = ast.get_source_segment(code, node) or ""
    if isinstance(node, ast.Assign):
        if len(node.targets) != 1:
            raise error_at(code, "only one target per assignment is allowed", node, context)
        target, op = node.targets[0], "="
    elif isinstance(node, ast.AugAssign):
        op = _AUGMENTED.get(type(node.op))
        if op is None:
            message = "only =, +=, -=, *= and /= are allowed in statements"
            raise error_at(code, message, node, context)
        target = node.target
    elif isinstance(node, ast.Expr):
        message = "a statement must assign to a variable (e.g. 'v = 0' or 'v += w')"
        raise error_at(code, message, node, context)
    else:
        message = "only assignments (v = ..., v += ...) are allowed in statements"
        raise error_at(code, message, node, context)
    if not isinstance(target, ast.Name):
        raise error_at(code, "the target of an assignment must be a variable name", target, context)
    if target.id.startswith("__"):
        raise error_at(code, f"the name {target.id!r} is not allowed", target, context)
    if node.value is None:  # an annotation without value; defensive
        raise error_at(code, "an assignment needs a value", node, context)
    return Statement(target.id, op, builder.build(node.value), source)
