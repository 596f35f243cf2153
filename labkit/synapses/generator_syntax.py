"""Brian2's generator string -> :class:`GeneratorSpec` (sympy pieces), never ``eval``-ed.

``connect(j='k for k in range(i-3, i+4) if k != i')`` names, for each source ``i``, the
targets ``j`` to connect. The grammar is Brian2's (``synapses/parse_synaptic_generator_syntax``)::

    element for variable in range(stop) | range(start, stop[, step])
                            | sample(stop | start, stop[, step], p=expr | size=expr)
                            [if condition]

and the shorthands ``'i'`` (one-to-one) and ``'element if condition'`` (one candidate).
Python's ``ast`` reads the outer shape through a strict whitelist (one comprehension over a
plain name, iterating ``range``/``sample``, at most one ``if``); every piece -- element,
bounds, ``p``/``size``, condition -- goes through labkit's expression whitelist
(:class:`~labkit.equations.expressions.SympyBuilder`), so attribute access, lambdas,
``__import__`` and the like are :class:`~labkit.errors.ExpressionError` with a caret under
the offending part of the user's text.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import sympy

from labkit.equations.expressions import SympyBuilder
from labkit.equations.printing import expression_str
from labkit.equations.source import error_at
from labkit.errors import ExpressionError

__all__ = ["GeneratorSpec", "parse_generator"]

_HINT = "write it as 'k for k in range(i-3, i+4) if k != i'"
_ITERATORS = ("range", "sample")


@dataclass(frozen=True)
class GeneratorSpec:
    """A parsed generator: what to iterate, what each item gives, which items to keep.

    ``element``, ``low``, ``high``, ``step``, ``p``, ``size`` and ``condition`` are sympy
    expressions over the user's names (``variable`` is the loop variable); ``p`` is set
    only for ``sample(..., p=...)``, ``size`` only for ``sample(..., size=...)``.
    """

    text: str
    element: sympy.Expr
    variable: str
    iterator: str
    low: sympy.Expr
    high: sympy.Expr
    step: sympy.Expr
    p: sympy.Expr | None = None
    size: sympy.Expr | None = None
    condition: sympy.Basic = sympy.true

    def __str__(self) -> str:
        show = expression_str
        args = f"{show(self.low)}, {show(self.high)}, {show(self.step)}"
        if self.p is not None:
            args += f", p={show(self.p)}"
        if self.size is not None:
            args += f", size={show(self.size)}"
        cond = "" if self.condition == sympy.true else f" if {show(self.condition)}"
        return f"{show(self.element)} for {self.variable} in {self.iterator}({args}){cond}"


def _expand_shorthand(text: str) -> str:
    """'i' -> 'i for _ in range(1)'; 'x if c' -> 'x for _ in range(1) if c' (as Brian2)."""
    if re.search(r"\bfor\b", text):
        return text
    parts = text.split(" if ")
    if len(parts) == 1:
        return f"{text} for _ in range(1)"
    if len(parts) == 2:
        return f"{parts[0]} for _ in range(1) if {parts[1]}"
    raise ExpressionError(f"cannot read the generator {text!r}; {_HINT}")


def _shift_columns(tree: ast.AST, by: int) -> None:
    """Move every node's columns left by ``by`` (the text was parsed inside parentheses)."""
    for node in ast.walk(tree):
        for attr in ("col_offset", "end_col_offset"):
            value = getattr(node, attr, None)
            if value is not None:
                setattr(node, attr, max(value - by, 0))


def _parse_tree(text: str, context: str | None) -> ast.GeneratorExp:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(f"({text})", mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ExpressionError(
            f"cannot read the generator {text!r} (in {context or 'connect'}); {_HINT}"
        ) from None
    _shift_columns(tree, 1)
    body = tree.body
    if not isinstance(body, ast.GeneratorExp):
        raise error_at(text, f"this is not a generator expression; {_HINT}", body, context)
    return body


def _iterator_args(text, call: ast.AST, context) -> tuple[str, list, dict]:
    """The ``range(...)``/``sample(...)`` call -> (name, positional nodes, keyword nodes)."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id in _ITERATORS):
        raise error_at(text, "a generator must iterate over range(...) or sample(...)",
                       call, context)
    name = call.func.id
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            raise error_at(text, "starred arguments are not allowed", arg, context)
    if not 1 <= len(call.args) <= 3:
        raise error_at(text, f"{name}() takes 1 to 3 positional arguments", call, context)
    keywords = {}
    for keyword in call.keywords:
        if name == "range" or keyword.arg not in ("p", "size"):
            what = "range() takes no keyword arguments" if name == "range" else (
                "sample() takes one keyword argument, p= or size=")
            raise error_at(text, what, keyword, context)
        keywords[keyword.arg] = keyword.value
    if name == "sample" and len(keywords) != 1:
        raise error_at(text, "sample() needs exactly one of p= or size=", call, context)
    return name, list(call.args), keywords


def parse_generator(
    text: str, *, context: str | None = None, call_sites: Iterator[int] | None = None
) -> GeneratorSpec:
    """Generator string -> :class:`GeneratorSpec`, through the expression whitelist.

    Parameters
    ----------
    text : str
        Brian2's generator syntax, e.g. ``'k for k in range(i-3, i+4) if k != i'``,
        ``'k for k in sample(N_post, p=0.1)'`` or the shorthand ``'i'``.
    context : str, optional
        What the string is, for messages (default ``"connect"``).
    call_sites : iterator of int, optional
        Shared numbering of ``rand()`` call sites (see :func:`parse_expression`).

    Raises
    ------
    ExpressionError
        Anything outside the grammar or the expression whitelist, with a caret.

    Examples
    --------
    >>> print(parse_generator("k for k in range(i-3, i+4) if k != i"))
    k for k in range(i - 3, i + 4, 1) if k != i
    >>> print(parse_generator("i"))
    i for _ in range(0, 1, 1)
    >>> spec = parse_generator("k for k in sample(N_post, p=0.1)")
    >>> spec.iterator, spec.p
    ('sample', 0.100000000000000)
    >>> parse_generator("k for k in range(__import__('os').getpid())")
    Traceback (most recent call last):
    ...
    labkit.errors.ExpressionError: attribute access is not allowed in expressions (in connect):
        k for k in range(__import__('os').getpid())
                                         ^^^^^^^
    """
    if not isinstance(text, str):
        raise ExpressionError(f"a generator must be a string, not {type(text).__name__}")
    context = context or "connect"
    text = _expand_shorthand(" ".join(text.split()))
    node = _parse_tree(text, context)
    if len(node.generators) != 1:
        raise error_at(text, "a generator may have only one 'for'", node, context)
    gen = node.generators[0]
    if gen.is_async:
        raise error_at(text, "'async for' is not allowed", node, context)
    if not isinstance(gen.target, ast.Name) or gen.target.id.startswith("__"):
        raise error_at(text, "the loop variable must be a single plain name", gen.target,
                       context)
    if gen.target.id in ("i", "j"):
        raise error_at(text, "the loop variable cannot be called 'i' or 'j'", gen.target,
                       context)
    if len(gen.ifs) > 1:
        raise error_at(text, "a generator may have at most one 'if'", gen.ifs[1], context)
    name, args, keywords = _iterator_args(text, gen.iter, context)
    builder = SympyBuilder(text, context, call_sites=call_sites)
    element = builder.build(node.elt)
    built = [builder.build(arg) for arg in args]
    if len(built) == 1:
        built = [sympy.Integer(0), built[0]]
    low, high, step = (built + [sympy.Integer(1)])[:3]
    extra = {key: builder.build(value) for key, value in keywords.items()}
    condition = builder.build(gen.ifs[0]) if gen.ifs else sympy.true
    return GeneratorSpec(
        text=text, element=element, variable=gen.target.id, iterator=name,
        low=low, high=high, step=step, p=extra.get("p"), size=extra.get("size"),
        condition=condition,
    )
