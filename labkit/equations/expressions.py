"""expression text -> sympy expression, through a whitelist of Python syntax.

Model strings are parsed, never ``eval``-ed: Python's ``ast`` reads the text, and only the
node types in this module's whitelist become sympy (numbers, names, arithmetic,
comparisons, ``and``/``or``/``not``, calls of whitelisted or registered functions).
Everything else -- attribute access, subscripts, strings, lambdas, ... -- is an
:class:`~labkit.errors.ExpressionError` that quotes the text with a caret under the
offending part.

Representation decisions (every later stage relies on them):

- ``int`` literals become ``sympy.Integer``, ``float`` literals ``sympy.Float``. Division is
  true division as in Python 3 and Brian2: ``1/2`` is the exact ``Rational(1, 2)``, which is
  numerically 0.5 (printers print rationals as float divisions). ``a // b`` is
  ``floor(a/b)`` and ``a % b`` is ``Mod(a, b)`` (Python's floored semantics).
- A product with a literal zero (``0*mV``) is kept unevaluated, so it keeps its units.
- Constants are folded as they are built: integers and rationals stay exact, anything
  else (``sqrt(2)``, ``exp(1.5)``) becomes a float64-range ``Float``; a constant outside
  the float64 range is an error. Powers of two numbers are evaluated exactly only when
  small (integer exponent <= 64), so ``9**9**9`` is an error instead of a hang.
- ``True``/``False`` are ``sympy.true``/``sympy.false``; comparisons are sympy relationals
  (chains become ``And``); ``and``/``or``/``not`` are ``And``/``Or``/``Not``. A condition
  used as a number -- in arithmetic, as a function's argument, compared with a number --
  is 1 where it holds and 0 elsewhere (Brian2's rule, ``int(v > 1)``, ``w*(rand() < p)``):
  ``Piecewise((1, c), (0, True))``, which prints as ``int(c)``.
- Each ``rand()``/``randn()`` call site is ``rand(k)`` with a distinct integer ``k``, counted
  per parse (or per ``call_sites`` counter shared by a caller), so ``rand() - rand()`` does
  not cancel and parsing the same text twice gives equal expressions.
- A registered user function (e.g. a TimedArray ``I(t)``) is ``sympy.Function('I')(t)``.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import math
import warnings
from collections.abc import Iterator, Mapping

import sympy
from sympy.logic.boolalg import Boolean

from labkit.equations.budget import time_limit
from labkit.equations.folding import (
    NOT_A_NUMBER,
    Unrepresentable,
    fold_constants,
    foreign_functions,
    is_zero,
    keep_zero,
    power,
    settle_node,
)
from labkit.equations.functions import FUNCTIONS, rand, randn, random_call
from labkit.equations.printing import expression_str
from labkit.equations.source import error_at, from_syntax_error
from labkit.equations.stored import remembered
from labkit.equations.symbols import symbol
from labkit.errors import ExpressionError, shorten

#: A user function's allowed argument counts: one int, several, or None for any.
ArgCount = int | tuple[int, ...] | None

_NOT_ALLOWED: dict[type, str] = {
    ast.Attribute: "attribute access is not allowed in expressions",
    ast.Subscript: "indexing (subscripts) is not allowed in expressions",
    ast.Slice: "slices are not allowed in expressions",
    ast.Lambda: "lambda functions are not allowed in expressions",
    ast.ListComp: "comprehensions are not allowed in expressions",
    ast.SetComp: "comprehensions are not allowed in expressions",
    ast.DictComp: "comprehensions are not allowed in expressions",
    ast.GeneratorExp: "generator expressions are not allowed in expressions",
    ast.List: "lists are not allowed in expressions",
    ast.Tuple: "tuples are not allowed in expressions",
    ast.Set: "sets are not allowed in expressions",
    ast.Dict: "dicts are not allowed in expressions",
    ast.JoinedStr: "f-strings are not allowed in expressions",
    ast.FormattedValue: "f-strings are not allowed in expressions",
    ast.NamedExpr: "assignment expressions (:=) are not allowed in expressions",
    ast.Starred: "starred arguments are not allowed in expressions",
    ast.IfExp: "conditional expressions (a if c else b) are not allowed in expressions",
    ast.Await: "'await' is not allowed in expressions",
    ast.Yield: "'yield' is not allowed in expressions",
    ast.YieldFrom: "'yield' is not allowed in expressions",
}

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    # Symbolic remainders stay as written: sympy's rewriting (Mod(2*x, 4) -> 2*Mod(x, 2))
    # is not always float-safe, and would not survive printing.
    ast.Mod: lambda a, b: sympy.Mod(a, b, evaluate=a.is_number and b.is_number),
    # The quotient is checked on its own: floor() would hide an overflowing coefficient.
    ast.FloorDiv: lambda a, b: sympy.floor(settle_node(a / b)),
}

_BAD_BINARY = {
    ast.BitXor: "'^' is not allowed in expressions; use '**' for powers",
    ast.BitAnd: "'&' is not allowed in expressions; use 'and'",
    ast.BitOr: "'|' is not allowed in expressions; use 'or'",
    ast.LShift: "bit shifts are not allowed in expressions",
    ast.RShift: "bit shifts are not allowed in expressions",
    ast.MatMult: "'@' is not allowed in expressions",
}

_COMPARE = {
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
    ast.Eq: sympy.Eq,
    ast.NotEq: sympy.Ne,
}


def parse_expression(
    text: str,
    *,
    context: str | None = None,
    user_functions: Mapping[str, ArgCount] | None = None,
    call_sites: Iterator[int] | None = None,
    allow_undefined_functions: bool = False,
) -> sympy.Expr:
    """Parse one expression string into sympy through the whitelist.

    Parameters
    ----------
    text : str
        The expression, e.g. ``'(-v + I)/tau'`` or ``'v > V_t and not_refractory'``.
    context : str, optional
        What the string is (``"threshold"``, ``'equation "dv/dt = ..."'``), shown in errors.
    user_functions : mapping, optional
        Extra callable names (e.g. TimedArrays) -> allowed number of arguments
        (an int, a tuple of ints, or None for any).
    call_sites : iterator of int, optional
        Numbers for ``rand()``/``randn()`` call sites; share one to keep the call sites of
        several strings distinct. Default: a fresh count from 0.
    allow_undefined_functions : bool
        If True, a call of any other plain name ``f(x)`` becomes ``sympy.Function('f')(x)``,
        to be resolved later (equations name TimedArrays before a namespace exists).
        If False (default), it is an error suggesting the closest known function.

    Returns
    -------
    sympy.Expr
        Names are ``symbol(name)`` (real symbols); see the module docstring for numbers,
        booleans and random numbers.

    Raises
    ------
    ExpressionError
        For syntax outside the whitelist or invalid Python, quoting ``text`` with a caret.

    Examples
    --------
    >>> parse_expression("(-v + I)/tau")
    (I - v)/tau
    >>> parse_expression("1/2 + 0.25")
    0.750000000000000
    >>> parse_expression("0 < v <= 1 and not b")
    ~b & (v <= 1) & (0 < v)
    >>> print(parse_expression("v.__class__ > 0"))
    Traceback (most recent call last):
    ...
    labkit.errors.ExpressionError: attribute access is not allowed in expressions:
        v.__class__ > 0
         ^^^^^^^^^^
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be a string, not {type(text).__name__}")
    if user_functions:
        return _parse(text, context, user_functions, call_sites, allow_undefined_functions)
    # The text alone decides the result, up to how rand() call sites are numbered: store
    # it parsed with sites 0, 1, ... and how many numbers the parse took, then renumber.
    expr, taken = remembered(f"expressions-{int(allow_undefined_functions)}", text,
                             lambda text: _counted_parse(text, context,
                                                         allow_undefined_functions),
                             lambda found: isinstance(found, tuple) and len(found) == 2)
    if call_sites is None or not taken:
        return expr
    numbers = [next(call_sites) for _ in range(taken)]
    calls = expr.atoms(rand, randn)
    with sympy.evaluate(False):  # only the sites change: sympy must not rewrite the rest
        return expr.xreplace({c: c.func(sympy.Integer(numbers[int(c.args[0])]))
                              for c in calls})


def _counted_parse(text, context, allow_undefined_functions):
    """-> (expression parsed with call sites 0, 1, ..., how many site numbers it took)."""
    counter = itertools.count()
    expr = _parse(text, context, None, counter, allow_undefined_functions)
    return expr, next(counter)


def _parse(text, context, user_functions, call_sites, allow_undefined_functions):
    stripped = " ".join(text.split())
    if not stripped:
        where = f" (in {context})" if context else ""
        raise ExpressionError(f"empty expression{where}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "invalid decimal literal": we raise instead
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        raise from_syntax_error(stripped, exc, context) from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise error_at(stripped, f"cannot parse this expression ({exc})", None, context) from None
    builder = SympyBuilder(
        stripped, context, user_functions, call_sites, allow_undefined_functions
    )
    where = f" ({context})" if context else ""
    with time_limit(f"the expression '{shorten(stripped)}'{where}"):
        return builder.build(tree.body)


class SympyBuilder:
    """Walks an ``ast`` tree, whitelisted node by node, into a sympy expression.

    Shared by :func:`parse_expression` and the statement parser; ``text`` is the source
    the nodes' positions refer to.
    """

    def __init__(
        self,
        text: str,
        context: str | None = None,
        user_functions: Mapping[str, ArgCount] | None = None,
        call_sites: Iterator[int] | None = None,
        allow_undefined_functions: bool = False,
    ):
        self.allow_undefined_functions = allow_undefined_functions
        self.text = text
        self.context = context
        self.user_functions = dict(user_functions or {})
        self.call_sites = call_sites if call_sites is not None else itertools.count()

    def build(self, node: ast.AST) -> sympy.Expr:
        """The sympy expression for ``node``, in the form its printed text parses to."""
        return self._settled(self._build(node))

    def _settled(self, result: sympy.Expr) -> sympy.Expr:
        """Re-parse the printed form until printing is stable (at most a few rounds).

        sympy's evaluation is not idempotent (``abs(-abs(v))`` builds ``Abs(Abs(v))``,
        whose text then builds ``Abs(v)``); settling here makes ``str`` round-trip.
        """
        for _ in range(3):
            printed = expression_str(result)
            try:
                tree = ast.parse(printed, mode="eval")
                again = SympyBuilder(
                    printed, self.context, self.user_functions, self.call_sites, True
                )._build(tree.body)
            except (ExpressionError, SyntaxError, RecursionError, ValueError):
                return result
            if expression_str(again) == printed:
                return result
            result = again
        return result

    def _build(self, node: ast.AST) -> sympy.Expr:
        try:
            result = self.visit(node)
        except RecursionError:
            raise self.error("this expression is nested too deeply", None) from None
        # an interval (AccumBounds: arctan(log(0)) when a condition is a number) is no
        # number a kernel can compute either
        if result.has(*NOT_A_NUMBER, sympy.AccumBounds):
            raise self.error("this expression is not a finite real number", node)
        foreign = foreign_functions(result)
        if foreign:
            names = ", ".join(sorted(f.__name__ for f in foreign))
            raise self.error(f"sympy rewrote this expression using {names}; please simplify "
                             "it by hand", node)
        # sympy may split constants off as it simplifies (sqrt(2/tau) -> sqrt(2)*...): fold
        # them too, so that an expression and its printed form parse to the same tree.
        try:
            return fold_constants(result)
        except Unrepresentable as exc:
            raise self.error(str(exc), node) from None

    def error(self, message: str, node: ast.AST | None) -> ExpressionError:
        return error_at(self.text, message, node, self.context)

    def visit(self, node: ast.AST) -> sympy.Expr:
        method = getattr(self, f"_visit_{type(node).__name__}", None)
        if method is None:
            message = _NOT_ALLOWED.get(type(node))
            if message is None:
                message = f"{type(node).__name__} syntax is not allowed in expressions"
            if isinstance(node, ast.Attribute):
                raise self.error(message, _attribute_span(node))
            raise self.error(message, node)
        return method(node)

    # -- leaves ------------------------------------------------------------------------

    def _visit_Constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool):
            return sympy.true if value else sympy.false
        if isinstance(value, int):
            return sympy.Integer(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.error("this number is too large", node)
            return sympy.Float(value)
        kinds = {str: "strings", bytes: "bytes", complex: "complex numbers"}
        kind = kinds.get(type(value), f"the constant {value!r}")
        verb = "is" if kind.startswith("the ") else "are"
        raise self.error(f"{kind} {verb} not allowed in expressions", node)

    def _visit_Name(self, node: ast.Name) -> sympy.Expr:
        name = node.id
        if name.startswith("__"):
            raise self.error(f"the name {name!r} is not allowed in expressions", node)
        # A bare function name is just a name (Brian2 lets a namespace value shadow it, and
        # the course uses a constant called ``sign``); resolution decides later.
        return symbol(name)

    # -- operators -----------------------------------------------------------------------

    def _visit_UnaryOp(self, node: ast.UnaryOp) -> sympy.Expr:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return self._checked(node, lambda: -operand, operand)
        if isinstance(node.op, ast.UAdd):
            return self._checked(node, lambda: +operand, operand)
        if isinstance(node.op, ast.Not):
            return self._checked(node, lambda: sympy.Not(operand))
        raise self.error("'~' is not allowed in expressions; use 'not'", node)

    def _visit_BinOp(self, node: ast.BinOp) -> sympy.Expr:
        bad = _BAD_BINARY.get(type(node.op))
        if bad is not None:
            raise self.error(bad, node)
        left, right = self.visit(node.left), self.visit(node.right)
        # Brian2: a condition inside arithmetic counts as 1 or 0 ('w * (rand() < p)')
        left, right = self._number(left, node), self._number(right, node)
        if isinstance(node.op, ast.Pow):
            return self._checked(node, lambda: power(left, right), left, right)
        if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)) and is_zero(right):
            raise self.error("division by zero", node)
        if isinstance(node.op, (ast.Mult, ast.Div)) and (is_zero(left) or is_zero(right)):
            divide = isinstance(node.op, ast.Div)
            return self._checked(node, lambda: keep_zero(left, right, divide=divide), left, right)
        operation = _BINARY[type(node.op)]
        return self._checked(node, lambda: operation(left, right), left, right)

    def _visit_BoolOp(self, node: ast.BoolOp) -> sympy.Expr:
        values = [self.visit(value) for value in node.values]
        combine = sympy.And if isinstance(node.op, ast.And) else sympy.Or
        return self._checked(node, lambda: combine(*values))

    def _visit_Compare(self, node: ast.Compare) -> sympy.Expr:
        operands = [self.visit(node.left)] + [self.visit(c) for c in node.comparators]
        parts = []
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            relation = _COMPARE.get(type(op))
            if relation is None:
                names = {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}
                raise self.error(f"'{names[type(op)]}' is not allowed in expressions", node)
            a, b = (self._number(left, node), self._number(right, node)) \
                if _is_condition(left) or _is_condition(right) else (left, right)
            build = lambda r=relation, a=a, b=b: r(a, b)  # noqa: E731
            parts.append(self._checked(node, build, left, right))
        if len(parts) == 1:
            return parts[0]
        return self._checked(node, lambda: sympy.And(*parts))

    # -- function calls ------------------------------------------------------------------

    def _visit_Call(self, node: ast.Call) -> sympy.Expr:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                return self.visit(node.func)  # raises: attribute access
            raise self.error("only named functions can be called", node.func)
        name = node.func.id
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error(_NOT_ALLOWED[ast.Starred], arg)
        if node.keywords:
            keyword = node.keywords[0]
            raise self.error("keyword arguments are not allowed in function calls", keyword)
        if name in FUNCTIONS:
            return self._builtin_call(node, name)
        if name in self.user_functions:
            return self._user_call(node, name)
        if self.allow_undefined_functions and not name.startswith("__"):
            args = [self.visit(arg) for arg in node.args]
            return self._checked(node, lambda: sympy.Function(name)(*args), *args)
        raise self.error(self._unknown_function_message(name), node.func)

    def _builtin_call(self, node: ast.Call, name: str) -> sympy.Expr:
        spec = FUNCTIONS[name]
        self._check_arg_count(node, name, (spec.nargs,))
        if spec.nargs == 0 and name in ("rand", "randn"):
            kind = rand if name == "rand" else randn
            return random_call(kind, site=next(self.call_sites))
        # A condition as a function's argument counts as 1 or 0: int(v > 1) is the idiom.
        args = [self._number(self.visit(arg), node) for arg in node.args]
        if name == "int" and isinstance(args[0], sympy.Piecewise):
            return args[0]  # already the 1-or-0 form that int(condition) prints as
        result = self._checked(node, lambda: spec.build(*args), *args)
        draws = sum(_count_draws(arg) for arg in args)
        rewritten = foreign_functions(result) or _count_draws(result) > draws
        if rewritten and isinstance(spec.build, type):
            # Keep the call as written when sympy rewrote it for complex numbers
            # (abs(exp(x)) -> exp(re(x))) or copied a random draw (sin(arctan(r)) ->
            # r/sqrt(r**2 + 1) would print as two draws).
            result = self._checked(node, lambda: spec.build(*args, evaluate=False), *args)
        return result

    def _user_call(self, node: ast.Call, name: str) -> sympy.Expr:
        allowed = self.user_functions[name]
        if allowed is not None:
            counts = (allowed,) if isinstance(allowed, int) else tuple(allowed)
            self._check_arg_count(node, name, counts)
        args = [self._number(self.visit(arg), node) for arg in node.args]
        return self._checked(node, lambda: sympy.Function(name)(*args), *args)

    def _check_arg_count(self, node: ast.Call, name: str, counts: tuple[int, ...]) -> None:
        if len(node.args) in counts:
            return
        wanted = " or ".join(str(c) for c in counts)
        plural = "" if counts == (1,) else "s"
        raise self.error(
            f"{name}() takes {wanted} argument{plural}, but {len(node.args)} were given", node
        )

    def _unknown_function_message(self, name: str) -> str:
        known = sorted(set(FUNCTIONS) | set(self.user_functions))
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown function '{name}'{hint}; allowed functions: {', '.join(known)}"

    # -- helpers -------------------------------------------------------------------------

    def _number(self, operand: sympy.Basic, node: ast.AST) -> sympy.Basic:
        """:func:`as_number`, refusing a rewriting that would copy a random draw."""
        try:
            number = as_number(operand, atoms=True)
        except (ValueError, ArithmeticError, TypeError) as exc:  # e.g. x % 0 once unfolded
            raise self.error(f"cannot evaluate this ({exc})", node) from None
        if _count_draws(number) > _count_draws(operand):
            raise self.error("this condition, used as a number, compares a random number "
                             "with another condition; compute that condition in a "
                             "subexpression first", node)
        return number

    def _checked(self, node: ast.AST, make, *operands: sympy.Basic) -> sympy.Expr:
        """Build one node with sympy, turning sympy's refusals into located errors."""
        try:
            result = make()
            if _count_draws(result) > sum(_count_draws(arg) for arg in operands) or \
                    _rewrote_a_condition(result):
                # sympy copied a random draw (sqrt(r**10) -> Abs(r)*r**4), which would print
                # as two independent draws, or turned a condition-as-number into another
                # Piecewise the dialect cannot write: keep this node as written instead.
                with sympy.evaluate(False):
                    result = make()
        except TypeError as exc:
            if any(isinstance(arg, Boolean) for arg in operands):
                message = "a condition (comparison, 'and', 'or', 'not') cannot be used as a number"
            else:
                message = f"this combination is not allowed ({exc})"
            raise self.error(message, node) from None
        except Unrepresentable as exc:
            raise self.error(str(exc), node) from None
        except (ValueError, ArithmeticError) as exc:
            raise self.error(f"cannot evaluate this ({exc})", node) from None
        try:
            return settle_node(result)
        except Unrepresentable as exc:
            raise self.error(str(exc), node) from None


def _is_condition(operand: sympy.Basic) -> bool:
    return isinstance(operand, (sympy.core.relational.Relational,
                                sympy.logic.boolalg.BooleanFunction))


def as_number(operand: sympy.Basic, *, atoms: bool = False) -> sympy.Basic:
    """A condition used as a number -> 1 where it holds, else 0 (Brian2's rule).

    ``atoms``: also ``True``/``False`` -> 1/0 (not beside a boolean variable in ``b ==
    True``, where a symbol may be boolean).
    """
    if _is_condition(operand):
        return sympy.Piecewise((sympy.S.One, _unfolded(operand)), (sympy.S.Zero, True))
    if atoms and isinstance(operand, sympy.logic.boolalg.BooleanAtom):
        return sympy.S.One if operand is sympy.true else sympy.S.Zero
    return operand


def substitute(expr: sympy.Basic, mapping: dict) -> sympy.Basic:
    """``expr.xreplace(mapping)``, where a comparison that now compares a substituted
    condition-as-number (``u < rand()`` with ``u = int(0 < rand())``) is written without it,
    as the parser writes one in a single string: sympy would fail or fold it into an ``ITE``.
    """
    if not any(isinstance(value, sympy.Basic) and value.has(sympy.Piecewise)
               for value in mapping.values()):
        return expr.xreplace(mapping)
    return _substituted(expr, mapping)


def _substituted(expr: sympy.Basic, mapping: dict) -> sympy.Basic:
    if expr in mapping:
        return mapping[expr]
    args = [_substituted(arg, mapping) for arg in expr.args]
    if args == list(expr.args):
        return expr
    if isinstance(expr, sympy.core.relational.Relational) and any(
            arg.has(sympy.Piecewise) for arg in args):
        # built unevaluated: sympy would fold the compared Piecewise into an ITE or fail
        return _unfolded(expr.func(*args, evaluate=False))
    return expr.func(*args)


def _unfolded(condition: sympy.Basic) -> sympy.Basic:
    """A condition that compares a condition-as-number (``v < int(w < x)``), written
    without it: sympy would fold it into an ``ITE`` as the Piecewise is built, which the
    model dialect cannot print; ``(w < x and v < 1) or (not w < x and v < 0)`` it can."""
    inner = next((p for p in sympy.preorder_traversal(condition)
                  if isinstance(p, sympy.Piecewise)), None)
    if inner is None:
        return condition
    (_, holds), _ = inner.args
    when = (_unfolded(condition.xreplace({inner: sympy.S.One})),
            _unfolded(condition.xreplace({inner: sympy.S.Zero})))
    return sympy.Or(sympy.And(holds, when[0]), sympy.And(sympy.Not(holds), when[1]))


def _rewrote_a_condition(expr: sympy.Basic) -> bool:
    """Whether ``expr`` holds a Piecewise other than a condition's ``int(c)`` form."""
    return any(isinstance(p, sympy.Piecewise) and not _is_indicator(p)
               for p in sympy.preorder_traversal(expr))


def _is_indicator(piecewise: sympy.Piecewise) -> bool:
    (one, _), (zero, otherwise) = piecewise.args if len(piecewise.args) == 2 else ((0, 0),) * 2
    return one == 1 and zero == 0 and otherwise is sympy.true


def _count_draws(expr: sympy.Basic) -> int:
    return sum(1 for node in sympy.preorder_traversal(expr) if isinstance(node, (rand, randn)))


def _attribute_span(node: ast.Attribute) -> ast.AST:
    """A position object covering ``.name`` of ``value.name`` (what the caret points at)."""
    span = ast.Constant(value=None)
    span.lineno = node.value.end_lineno
    span.col_offset = node.value.end_col_offset
    span.end_lineno = node.end_lineno
    span.end_col_offset = node.end_col_offset
    return span
