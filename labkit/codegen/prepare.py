"""An operation's sympy expressions -> expressions ready to print inside a loop.

Every operation's statements pass through :func:`prepare` before they are described as a
loop (:mod:`labkit.codegen.modelcode`), so that every device computes the same numbers in
the same order:

- every ``rand()``/``randn()`` call site becomes a symbol ``_lkrand<j>`` whose values are
  drawn beforehand, call site by call site, for all elements in index order: the
  vectorised numpy draw and the Numba loop of scalar draws then read the same stream;
- every call of a TimedArray becomes a temporary computed just before the statement that
  uses it (an index into the values array: Brian2's rounding rule);
- every maximal term that is the same for every element (``exp(-dt/tau)``,
  ``El*(1 - exp(-dt/taum))``, the scalar factors of a product) is *hoisted*: computed
  once per step, with Python's ``math``, on both devices, as Brian2's loop-invariant
  optimisation does. This saves work in the loop, and it makes the numpy device agree
  with Numba to the last bit on such terms (numpy's SIMD ``exp`` differs from libm's in
  the last place for some arguments). Names the operation assigns are never hoisted;
- every function call (``exp``, ``exprel``, ``sqrt``, ``n**4``) that occurs more than once
  with the same arguments becomes a temporary ``_lkc<j>`` computed once, before the
  first statement that needs it. Exponential Euler writes each gating rate of a
  Hodgkin-Huxley model twice; Numba cannot merge the two calls itself (``expm1`` is an
  opaque external function to LLVM), and sharing them cut the COBAHH update by a third.
  A call's value is the same whether computed once or twice, so this changes no result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy
from sympy.core.function import AppliedUndef

from labkit.codegen.ir import Statement
from labkit.codegen.spec import Operation
from labkit.equations.functions import RANDOM_DRAWS

__all__ = ["Prepared", "prepare", "SCALAR_ROLES", "TIMED_PARTS", "temp_name", "is_internal",
           "is_scalar_expr"]

#: Roles whose value is the same for every element of an operation.
SCALAR_ROLES = frozenset({"shared", "scalar", "int", "t", "dt", "timestep"})


def temp_name(name: str) -> str:
    """A statement temporary (``_v``) -> its name in generated code (``_tmp__v``)."""
    return f"_tmp_{name}"


def is_internal(name: str) -> bool:
    """Names :func:`prepare` introduces (random draws, hoisted values, TimedArray lookups)."""
    return name.startswith(("_lkrand", "_lkh", "_lkta", "_lkc"))


@dataclass
class TimedLookup:
    """``symbol = timed_array(args)``: where and how to compute one TimedArray value."""

    symbol: str
    timed: str  # the model name of the TimedArray (its role is 'timed')
    args: tuple[sympy.Expr, ...]


@dataclass
class Prepared:
    """An operation's expressions after :func:`prepare`.

    ``statements``/``expressions`` have random calls, TimedArray calls and hoisted terms
    replaced by symbols; ``randoms`` lists each draw's kind (``'rand'``/``'randn'``, or
    ``('binomial', n, p)`` with the expressions of its parameters) in draw order;
    ``hoisted`` the per-step scalars (name, expression) in order; ``lookups[k]`` the
    per-element TimedArray lookups needed before statement ``k`` (``lookups[-1]`` for
    the expressions).
    """

    statements: tuple[Statement, ...] = ()
    expressions: tuple[sympy.Expr, ...] = ()
    randoms: tuple = ()
    hoisted: list[tuple[str, sympy.Expr]] = field(default_factory=list)
    hoisted_lookups: list[TimedLookup] = field(default_factory=list)
    lookups: dict[int, list[TimedLookup]] = field(default_factory=dict)


class _Preparer:
    def __init__(self, op: Operation):
        self.roles = op.roles()
        self.randoms: list[str] = []
        self.random_symbols: dict[sympy.Expr, sympy.Symbol] = {}
        self.hoisted: dict[sympy.Expr, sympy.Symbol] = {}
        self.hoisted_list: list[tuple[str, sympy.Expr]] = []
        self.hoisted_lookups: list[TimedLookup] = []
        self.n_lookups = 0
        self.written: frozenset[str] = frozenset()  # names the operation assigns

    def is_scalar(self, expr: sympy.Expr) -> bool:
        for s in expr.free_symbols:
            if s.name in self.written:  # may change within the operation: never hoisted
                return False
            role = self.roles.get(s.name)
            if role is not None:
                if role.role not in SCALAR_ROLES:
                    return False
            elif not s.name.startswith("_lkh"):
                return False
        return not expr.has(*RANDOM_DRAWS) and not any(
            s.name.startswith("_lkrand") for s in expr.free_symbols)

    def replace_random(self, expr: sympy.Expr) -> sympy.Expr:
        calls = sorted(expr.atoms(*RANDOM_DRAWS),
                       key=lambda c: (c.func.__name__, int(c.args[-1])))
        mapping = {}
        for call in calls:
            if call not in self.random_symbols:
                j = len(self.randoms)
                # 'rand', 'randn', or ('binomial', n, p) with the expressions of n and p
                self.randoms.append(call.func.__name__ if len(call.args) == 1
                                    else (call.func.__name__, *call.args[:-1]))
                self.random_symbols[call] = sympy.Symbol(f"_lkrand{j}", real=True)
            mapping[call] = self.random_symbols[call]
        return _replaced(expr, mapping) if mapping else expr

    def replace_timed(self, expr: sympy.Expr, lookups: list[TimedLookup]) -> sympy.Expr:
        calls = [a for a in expr.atoms(AppliedUndef)
                 if a.func.__name__ in self.roles
                 and self.roles[a.func.__name__].role == "timed"]
        if not calls:
            return expr
        # innermost first, so an argument that itself calls a TimedArray is ready
        calls.sort(key=lambda c: sympy.count_ops(c))
        mapping = {}
        for call in calls:
            args = tuple(_replaced(a, mapping) for a in call.args)
            n = self.n_lookups
            self.n_lookups += 1
            if all(self.is_scalar(a) for a in args):  # same for all elements: once per step
                symbol = sympy.Symbol(f"_lkh_ta{n}", real=True)
                self.hoisted_lookups.append(TimedLookup(symbol.name, call.func.__name__, args))
            else:
                symbol = sympy.Symbol(f"_lkta{n}", real=True)
                lookups.append(TimedLookup(symbol.name, call.func.__name__, args))
            mapping[call] = symbol
        return _replaced(expr, mapping)

    def hoist(self, expr: sympy.Expr) -> sympy.Expr:
        """Replace every maximal subexpression that is the same for all elements.

        A compound term whose names are all per-step scalars becomes one hoisted symbol;
        inside a sum or product, the scalar operands are gathered into one hoisted term
        (``-El*exp(-dt/taum) + El + v*exp(-dt/taum)`` -> ``_lkh1 + v*_lkh0``), as Brian2's
        loop-invariant optimisation does. Both devices then compute the same terms once.
        """
        if expr.is_Atom:
            return expr
        if self._hoistable(expr) and self.is_scalar(expr):
            return self._symbol_for(expr)
        if isinstance(expr, (sympy.Add, sympy.Mul)):
            movable = [self.is_scalar(a) and (a.is_Atom or self._hoistable(a))
                       for a in expr.args]
            scalars = [a for a, m in zip(expr.args, movable, strict=True) if m]
            if len(scalars) > 1 or (scalars and not scalars[0].is_Atom):
                rest = [self.hoist(a) for a, m in zip(expr.args, movable, strict=True)
                        if not m]
                group = scalars[0] if len(scalars) == 1 else expr.func(*scalars)
                return expr.func(self._symbol_for(group), *rest, evaluate=False)
        args = [self.hoist(a) for a in expr.args]
        if all(a is b for a, b in zip(args, expr.args, strict=True)):
            return expr
        return expr.func(*args, evaluate=False) if isinstance(expr, sympy.Expr) \
            else expr.func(*args)

    def _symbol_for(self, expr: sympy.Expr) -> sympy.Symbol:
        """The hoisted symbol of a scalar term; its function calls get their own first."""
        expr = self._calls_first(expr)
        if expr not in self.hoisted:
            symbol = sympy.Symbol(f"_lkh{len(self.hoisted_list)}", real=True)
            self.hoisted[expr] = symbol
            self.hoisted_list.append((symbol.name, expr))
        return self.hoisted[expr]

    def _calls_first(self, expr: sympy.Expr) -> sympy.Expr:
        """Inside a scalar term, hoist calls (``exp(-dt/taum)``) so that terms share them."""
        args = []
        for a in expr.args:
            if not a.is_Atom and isinstance(a, sympy.Expr) and self._hoistable(a) and (
                    isinstance(a, sympy.Function)
                    or (isinstance(a, sympy.Pow) and not a.exp.is_Integer)):
                args.append(self._symbol_for(a))
            elif a.args:
                args.append(self._calls_first(a))
            else:
                args.append(a)
        if all(a is b for a, b in zip(args, expr.args, strict=True)):
            return expr
        return expr.func(*args, evaluate=False) if isinstance(expr, sympy.Expr) \
            else expr.func(*args)

    @staticmethod
    def _hoistable(expr) -> bool:
        """Compound numeric terms (not booleans, conditions, calls of user functions)."""
        if expr.is_Atom or not isinstance(expr, sympy.Expr) or isinstance(
                expr, (sympy.logic.boolalg.Boolean, sympy.Piecewise)):
            return False
        return not any(isinstance(a, (*RANDOM_DRAWS, AppliedUndef))
                       for a in sympy.preorder_traversal(expr))

    def one(self, expr: sympy.Expr, lookups: list[TimedLookup]) -> sympy.Expr:
        expr = self.replace_random(expr)
        expr = self.replace_timed(expr, lookups)
        return self.hoist(expr)


def is_scalar_expr(op: Operation, expr: sympy.Expr) -> bool:
    """True when ``expr`` (after :func:`prepare`) is the same for every element."""
    return _Preparer(op).is_scalar(expr)


def prepare(op: Operation, statements=(), expressions=()) -> Prepared:
    """Replace random calls, TimedArray calls and per-step scalars; see the module doc.

    Parameters
    ----------
    op : Operation
        Gives the roles of the names (which ones are the same for all elements).
    statements : sequence of Statement
        Executed in order, per element.
    expressions : sequence of sympy.Expr
        Evaluated per element after the statements (conditions, recorded values).
    """
    worker = _Preparer(op)
    worker.written = frozenset(stmt.target for stmt in statements)
    result = Prepared()
    new_statements = []
    for k, stmt in enumerate(statements):
        lookups: list[TimedLookup] = []
        new_statements.append(Statement(stmt.target, worker.one(stmt.expr, lookups)))
        if lookups:
            result.lookups[k] = lookups
    lookups = []
    new_expressions = tuple(worker.one(sympy.sympify(e), lookups) for e in expressions)
    if lookups:
        result.lookups[-1] = lookups
    result.statements, result.lookups = share_calls(new_statements, result.lookups)
    result.expressions = new_expressions
    result.randoms = tuple(worker.randoms)
    result.hoisted = worker.hoisted_list
    result.hoisted_lookups = worker.hoisted_lookups
    return result


def _is_call(expr) -> bool:
    """A node worth computing once: a function call or a power (``n**4`` calls ``pow``).

    Squares and reciprocals are left alone: they compile to one multiplication or division.
    """
    if isinstance(expr, sympy.Pow):
        return expr.exp not in (sympy.S.NegativeOne, sympy.S(2))
    return isinstance(expr, sympy.Function) and not isinstance(
        expr, (AppliedUndef, sympy.Piecewise, sympy.logic.boolalg.Boolean))


def share_calls(statements, lookups: dict) -> tuple[tuple[Statement, ...], dict]:
    """Compute each repeated call once: ``(statements, lookups)`` with ``_lkc`` temporaries.

    Two occurrences are the same call only if no statement between them assigned one of
    its names, so a key is the call together with the *version* of each of its names.
    As in sympy's ``tree_cse``, the arguments of a call seen before are not counted again:
    a repeated ``exprel(f(exp(v)))`` yields one temporary, not two. ``lookups`` (per
    statement index, see :class:`Prepared`) moves with its statement; the temporaries
    inserted before statement ``k`` come after ``k``'s TimedArray lookups.
    """
    versions: dict[str, int] = {}
    keyed: list[dict] = []  # per statement: call -> key at that point
    seen, repeated = set(), set()

    def key(node):
        return node, tuple(sorted((s.name, versions.get(s.name, 0))
                                  for s in node.free_symbols))

    def count(node, keys):
        if node.is_Atom:
            return
        if _is_call(node):
            k = key(node)
            keys[node] = k
            if k in seen:
                repeated.add(k)
                return
            seen.add(k)
        for a in node.args:
            count(a, keys)

    for stmt in statements:
        keys: dict = {}
        count(stmt.expr, keys)
        keyed.append(keys)
        versions[stmt.target] = versions.get(stmt.target, 0) + 1
    if not repeated:
        return tuple(statements), lookups
    temps: dict = {}  # key -> symbol
    out: list[Statement] = []
    moved: dict[int, list] = {k: v for k, v in lookups.items() if k < 0}

    def replace(node, keys, before):
        if node.is_Atom:
            return node
        k = keys.get(node) if _is_call(node) else None
        if k is not None and k in temps:
            return temps[k]
        args = [replace(a, keys, before) for a in node.args]
        new = node if all(a is b for a, b in zip(args, node.args, strict=True)) else (
            node.func(*args, evaluate=False) if isinstance(node, sympy.Expr)
            else node.func(*args))
        if k is not None and k in repeated:
            symbol = sympy.Symbol(f"_lkc{len(temps)}", real=True)
            temps[k] = symbol
            before.append(Statement(symbol.name, new))
            return symbol
        return new

    for k, (stmt, keys) in enumerate(zip(statements, keyed, strict=True)):
        before: list[Statement] = []
        expr = replace(stmt.expr, keys, before)
        if k in lookups:
            moved[len(out)] = lookups[k]
        out.extend(before)
        out.append(Statement(stmt.target, expr))
    return tuple(out), moved


#: The arguments behind a TimedArray used by an operation: values (flat), the rounding
#: step eps and factor K (Brian2's rule), number of time points, number of columns.
TIMED_PARTS = ("values", "eps", "K", "n", "ncols")


_UNDEFINED = (sympy.zoo, sympy.nan)


def _replaced(expr: sympy.Expr, mapping: dict) -> sympy.Expr:
    """``expr.xreplace(mapping)``, but the rest of the tree kept as parsed where sympy's
    re-evaluation would fold it into ``zoo`` or ``nan``: a draw over a condition-as-number
    (``rand()/(v < x)``, ``1/Piecewise(...)``) becomes ``zoo`` when its Mul is rebuilt,
    which no language can print, while the compiled division gives inf as written."""
    result = expr.xreplace(mapping)
    if result.has(*_UNDEFINED) and not expr.has(*_UNDEFINED):
        with sympy.evaluate(False):
            result = expr.xreplace(mapping)
    return result
