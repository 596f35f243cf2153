"""Operations of a kernel -> a loop description: what runs, once, for every language.

A kernel's code is described here as data -- assignments, loops, conditions, early stops
-- and printed by one printer per language (:mod:`labkit.codegen.print_python` for Numba
and numpy, :mod:`labkit.codegen.print_cpp` for C++). A loop is written once, in
:mod:`labkit.codegen.operations` and :mod:`labkit.codegen.synaptic`; a printer only knows
its language's syntax.

Expressions are small trees: :class:`Name` (a local or an argument), :class:`Const`,
:class:`At` (``a[i]``, ``a[i, j]``), :class:`Op` (arithmetic, comparisons, ``and``/``or``/
``not``), :class:`Call` (``min``, ``max``, ``isfinite``, ``int``, ``row``, ...),
:class:`Length` (``a.shape[k]``) and :class:`Model`: a model expression (sympy), printed
by the language's sympy printer with each model name replaced by what
:class:`Scope` says it is (``v`` -> ``At('_o0_v', Name('_i'))``).

A ``For`` is ``serial`` (runs in order: the only kind a scalar printer needs),
``elements`` (each iteration independent: numpy runs it on whole arrays, C++ may ask for
SIMD and threads) or ``ordered`` (independent except that iterations with the same
``keys`` must keep their order: synapses that share a target). Nodes for patterns that
numpy computes with another algorithm (:class:`Append`, :class:`ScatterAdd`,
:class:`Draws`, :class:`Push`) say what they compute; scalar printers print their
:meth:`expand` -ed serial loop, numpy its vectorised equivalent.

>>> from labkit.codegen.print_cpp import CppLoops
>>> from labkit.codegen.print_python import NumbaLoops, NumpyLoops
>>> zero = For("_i", Const(0), Name("_o0_N"), (Assign(Name("_o0_v")[Name("_i")], Const(0.0)),),
...            kind="elements")
>>> for printer in (NumbaLoops(), NumpyLoops(), CppLoops()):
...     printer.block((zero,), 0)
...     print(*printer.lines, sep=chr(10))
for _i in range(0, _o0_N):
    _o0_v[_i] = 0.0
_o0_v[:_o0_N] = 0.0
for (int64_t _i = 0; _i < _o0_N; ++_i) {
    _o0_v[_i] = 0.0;
}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from labkit.codegen.spec import BUFFER_FULL

__all__ = [
    "E", "Name", "Const", "At", "Op", "Call", "Length", "Model", "Scope",
    "Assign", "Update", "For", "While", "If", "Break", "Continue", "Stop", "Comment",
    "Alias", "Draws", "Lookup", "Append", "ScatterAdd", "Push", "GrowColumns",
    "PythonCallStop", "BLOCK",
    "as_expr", "land", "lor", "lnot",
]


# -- expressions -----------------------------------------------------------------------------


class E:
    """Base of expressions, with Python operators for writing them briefly."""

    def __add__(self, other):
        return Op("+", (self, as_expr(other)))

    def __radd__(self, other):
        return Op("+", (as_expr(other), self))

    def __sub__(self, other):
        return Op("-", (self, as_expr(other)))

    def __rsub__(self, other):
        return Op("-", (as_expr(other), self))

    def __mul__(self, other):
        return Op("*", (self, as_expr(other)))

    def __rmul__(self, other):
        return Op("*", (as_expr(other), self))

    def __truediv__(self, other):
        return Op("/", (self, as_expr(other)))

    def __mod__(self, other):
        return Op("%", (self, as_expr(other)))

    def __neg__(self):
        return Op("neg", (self,))

    def lt(self, other):
        return Op("<", (self, as_expr(other)))

    def le(self, other):
        return Op("<=", (self, as_expr(other)))

    def gt(self, other):
        return Op(">", (self, as_expr(other)))

    def ge(self, other):
        return Op(">=", (self, as_expr(other)))

    def eq(self, other):
        return Op("==", (self, as_expr(other)))

    def __getitem__(self, index):
        if not isinstance(self, Name):
            raise TypeError("only a Name can be indexed")
        index = index if isinstance(index, tuple) else (index,)
        return At(self.name, tuple(as_expr(k) for k in index))


def as_expr(value) -> E:
    """Numbers and booleans -> Const; expressions stay."""
    return value if isinstance(value, E) else Const(value)


def land(*args) -> Op:
    """``a and b and ...`` (``&&`` in C++)."""
    return Op("and", tuple(as_expr(a) for a in args))


def lor(*args) -> Op:
    return Op("or", tuple(as_expr(a) for a in args))


def lnot(arg) -> Op:
    return Op("not", (as_expr(arg),))


@dataclass(frozen=True)
class Name(E):
    """A local variable or a kernel argument (arguments start with their owner, ``_o3``)."""

    name: str


@dataclass(frozen=True)
class Const(E):
    value: Any


@dataclass(frozen=True)
class At(E):
    """``array[index]`` or, with two indices, ``array[row, column]`` (row-major; C++
    computes ``row*stride + column`` with ``stride`` the array's second length, or the
    expression given)."""

    array: str
    index: tuple
    stride: Any = None


@dataclass(frozen=True)
class Op(E):
    """``op`` applied to ``args``: + - * / % neg, < <= > >= == !=, and, or, not, and
    ``bitand`` (``a & b`` in C++: no branch, so a loop testing several flags vectorises)."""

    op: str
    args: tuple


@dataclass(frozen=True)
class Call(E):
    """A helper every language has: min, max, isfinite, int (truncate to an integer),
    rand/randn (one draw), row (a TimedArray's row for a time: Brian2's rounding)."""

    func: str
    args: tuple


@dataclass(frozen=True)
class Length(E):
    """The length of an argument array along ``axis``."""

    array: str
    axis: int = 0


@dataclass(frozen=True)
class Model(E):
    """A model expression (sympy) of the operation described by ``scope``."""

    expr: Any
    scope: Scope = field(compare=False, repr=False)


@dataclass(eq=False)
class Scope:
    """What each name of one operation's model expressions is, in the loop description.

    ``names`` maps model names (and the temporaries ``prepare`` made) to expressions:
    ``At('_o0_v', (Name('_i'),))`` for a per-element variable, ``Name('_o0__c_tau')`` for a
    constant, ``Name('_lk_t0')`` for the clock's time. A printer prints those instead of
    the names.
    """

    names: dict


# -- statements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assign:
    """``target = value``; ``declare`` is the C++ type of a new local (``'double'``,
    ``'int64_t'``, ``'bool'``, ``'const double'``), empty when the target exists."""

    target: E
    value: E
    declare: str = ""


@dataclass(frozen=True)
class Update:
    """``target op= value`` (``+``, ``-``, ``|``)."""

    target: E
    op: str
    value: E


@dataclass(frozen=True)
class For:
    """``for var in range(start, stop)``; ``kind``: serial, elements or ordered (see the
    module doc); ``reduce``: (op, name) of flags an elements loop combines (``|``);
    ``keys``: what ordered iterations must not share; ``simd``/``threads``: C++ may
    vectorise / run the iterations on several threads (``threads``: the argument holding
    the count that decides, see ``_lk_parallel``)."""

    var: str
    start: E
    stop: E
    body: tuple
    kind: str = "serial"
    reduce: tuple = ()
    keys: tuple = ()
    simd: bool = False
    threads: str = ""
    step: int = 1
    arange: str = ""  # an argument holding 0, 1, 2, ...: numpy reads the values from it


@dataclass(frozen=True)
class While:
    cond: E
    body: tuple


@dataclass(frozen=True)
class If:
    cond: E
    body: tuple
    orelse: tuple = ()


@dataclass(frozen=True)
class Break:
    pass


@dataclass(frozen=True)
class Continue:
    pass


@dataclass(frozen=True)
class Stop:
    """Leave the kernel: ``_lk_status[0] = code``, ``[1]`` = this step, ``[2]`` = ``pos``
    (where to resume: an operation's position, or an expression), then ``extra`` (index,
    value) entries."""

    code: int
    pos: Any
    extra: tuple = ()


@dataclass(frozen=True)
class Comment:
    text: str


@dataclass(frozen=True)
class Alias:
    """``local`` names the argument ``array`` (in C++ the program's own copy, which a
    buffer that grows replaces: an operation that enlarges it reads it afresh)."""

    local: str
    array: str


# -- patterns numpy computes with another algorithm -------------------------------------------


@dataclass(frozen=True)
class Draws:
    """Random numbers for ``size`` iterations, call site by call site, into the buffers
    ``_lkr<p>_<j>`` (``kinds[j]``: rand or randn): before a loop, so that the loop itself
    holds no generator state and every device draws in the same order. ``capacity``: the
    most iterations there can be (a buffer Numba allocates once per kernel call)."""

    p: int
    kinds: tuple
    size: E
    capacity: E


@dataclass(frozen=True)
class Lookup:
    """``target = values[row]``: a TimedArray's value at time ``t`` (and column ``column``);
    ``timed`` is the argument prefix of its values, eps, K, n, ncols."""

    target: Name
    timed: str
    t: E
    column: E | None = None
    declare: str = ""


@dataclass(frozen=True)
class Append:
    """For ``var`` over ``start .. stop`` in order: ``bind`` (e.g. ``_i = spikes[_k]``),
    then, where ``cond`` holds, ``body`` (which may read ``counter``, the number of
    earlier hits) and ``counter += 1``. ``blocked``: scalar printers first test blocks of
    elements with a vectorised pass (spikes are rare), then the sub-blocks of a block
    where it held; numpy computes all at once."""

    var: str
    start: E
    stop: E
    bind: tuple
    cond: E
    body: tuple
    counter: Name
    blocked: bool = False
    check: E | None = None  # what the vectorised pass tests, if not ``cond``

    def expand(self) -> tuple:
        count = Update(self.counter, "+", Const(1))
        hit = If(self.cond, (*self.body, count))
        if not self.blocked:
            return (For(self.var, self.start, self.stop, (*self.bind, hit)),)
        return (self._blocks(("_lk_b", "_lk_e", "_lk_any"), self.start, self.stop, BLOCK, (
            self._blocks(("_lk_sb", "_lk_se", "_lk_sany"), Name("_lk_b"), Name("_lk_e"),
                         SUB_BLOCK, (For(self.var, Name("_lk_sb"), Name("_lk_se"),
                                         (*self.bind, hit)),)),)),)

    def _blocks(self, names, start, stop, size, then):
        """For blocks of ``size`` elements of ``start .. stop``: a vectorised pass tests
        the block, ``then`` runs on a block where the test held for some element."""
        b, e, any_ = (Name(n) for n in names)
        return For(names[0], start, stop, (
            Assign(e, Call("min", (b + Const(size), stop)), "const int64_t"),
            Assign(any_, Const(False), "int"),
            For(self.var, b, e, (*self.bind, Update(any_, "|", self.check or self.cond)),
                kind="elements", reduce=(("|", names[2]),), simd=True),
            If(lnot(any_), (Continue(),)),
            *then,
        ), step=size)


#: Elements per block of an :class:`Append`'s vectorised pre-pass: small enough that a
#: spike costs a serial pass over few elements, large enough to amortise the test.
BLOCK = 256
#: Elements per sub-block, tested again within a block that holds a spike. Why: the
#: serial pass over a whole block cost each spike ~0.165 us (CUBA 4000, 2 spikes a step:
#: a quarter of the threshold's time); sub-blocks of 32 cost 0.085 (16: 0.10, 64: 0.09;
#: blocks of 64 or 128 alone made the test of every block cost more than that saved).
SUB_BLOCK = 32


@dataclass(frozen=True)
class ScatterAdd:
    """For ``var`` over ``0 .. size``: ``bind``, then ``target[key] += value`` (in order:
    several iterations may share a key); every key lies in ``start .. stop``."""

    var: str
    size: E
    bind: tuple
    target: str
    key: E
    value: E
    start: E
    stop: E

    def expand(self) -> tuple:
        return (For(self.var, Const(0), self.size,
                    (*self.bind, Update(At(self.target, (self.key,)), "+", self.value))),)


@dataclass(frozen=True)
class Push:
    """Queue this step's spikes of a source for a synaptic pathway (layout: ``spec``).

    ``args`` maps the queue's parts (start, stop, ptr, syn, delay, hom, qdata, qn, qn0, qoff)
    and the source's spikes/nspikes to arguments; ``growth`` is the queue's index in
    ``KernelSpec.growable``; ``p`` the operation's position (where a full queue resumes).
    """

    args: dict
    growth: int
    p: int
    grows_in_place: bool = False

    def expand(self) -> tuple:
        """The serial push, Brian2's order. A full slot: the runtime devices undo this
        step's push and stop (BUFFER_FULL; the runner doubles the queue and the push runs
        again); a program that enlarges buffers itself doubles the queue in place.

        An event is the synapse's position ``m`` in ``syn`` (see ``spec``). One delay for
        every synapse of the pathway (``hom >= 0``, its steps; the usual case): every
        event of the step goes to one slot, and each spike's positions are written there
        as one run, with no per-event delay read or slot count (at 10^4..10^6 neurons the
        per-event delay read was a cache or TLB miss)."""
        a = {k: Name(v) for k, v in self.args.items()}
        D, off, cap = Name("_lk_D"), Name("_lk_off"), Name("_lk_cap")
        e, s, slot, c = Name("_lk_e"), Name("_s"), Name("_lk_slot"), Name("_lk_c")
        lo, hi = Name("_lk_lo"), Name("_lk_hi")
        over = Name("_lk_over")
        stride = None if not self.grows_in_place else cap
        grow = GrowColumns(self.args["qdata"], "_lk_qdata", "_lk_D", "_lk_cap")
        full = (grow,) if self.grows_in_place else (Assign(over, Const(True)), Break())
        in_source = land(e.ge(0), e.lt(a["stop"] - a["start"]))
        spike = Assign(e, a["spikes"][Name("_k")] - a["start"], "const int64_t")
        inner = (
            Assign(s, a["syn"][Name("_m")], "const int64_t"),
            Assign(slot, off + a["delay"][s], "int64_t"),
            If(slot.ge(D), (Update(slot, "-", D),)),
            Assign(c, a["qn"][slot], "const int64_t"),
            If(c.ge(cap), full),
            Assign(At("_lk_qdata", (slot, c), stride), Name("_m")),
            Assign(a["qn"][slot], c + 1),
        )
        loop = For("_k", Const(0), a["nspikes"][Const(0)], (
            spike,
            If(in_source, (For("_m", a["ptr"][e], a["ptr"][e + 1], inner),)),
            *(() if self.grows_in_place else (If(over, (Break(),)),)),
        ))
        # one slot: the slot's count is written back once, after the step's spikes, so a
        # push that does not fit leaves the queue as it was (nothing to undo)
        room = (While((c + (hi - lo)).gt(cap), (grow,)),) if self.grows_in_place else \
            (If((c + (hi - lo)).gt(cap),
                (Stop(BUFFER_FULL, self.p, ((3, Const(self.growth)),)),)),)
        one_slot = (
            Assign(slot, off + a["hom"], "int64_t"),
            If(slot.ge(D), (Update(slot, "-", D),)),
            Assign(c, a["qn"][slot], "int64_t"),
            For("_k", Const(0), a["nspikes"][Const(0)], (
                spike,
                If(in_source, (
                    Assign(lo, a["ptr"][e], "const int64_t"),
                    Assign(hi, a["ptr"][e + 1], "const int64_t"),
                    *room,
                    For("_m", lo, hi, (
                        Assign(At("_lk_qdata", (slot, c), stride), Name("_m")),
                        Update(c, "+", Const(1)))),
                )),
            )),
            Assign(a["qn"][slot], c),
        )
        head = (Assign(D, Length(self.args["qn"]), "const int64_t"),
                Assign(off, a["qoff"][Const(0)], "const int64_t"),
                Alias("_lk_qdata", self.args["qdata"]),
                Assign(cap, Length(self.args["qdata"], 1), "int64_t"))
        if self.grows_in_place:
            return (*head, If(a["hom"].ge(0), one_slot, (loop,)))
        save = For("_k", Const(0), D, (Assign(a["qn0"][Name("_k")], a["qn"][Name("_k")]),))
        undo = If(over, (For("_k", Const(0), D, (Assign(a["qn"][Name("_k")],
                                                          a["qn0"][Name("_k")]),)),
                         Stop(BUFFER_FULL, self.p, ((3, Const(self.growth)),))))
        return (*head, If(a["hom"].ge(0), one_slot,
                          (save, Assign(over, Const(False), "bool"), loop, undo)))


@dataclass(frozen=True)
class GrowColumns:
    """Double the columns of the 2-D argument ``array`` in place, then refresh the local
    alias and its column count (C++ only: a program that enlarges its own buffers)."""

    array: str
    alias: str
    rows: str
    columns: str


@dataclass(frozen=True)
class PythonCallStop:
    """Hand control to Python (a network_operation) and resume at position ``p + 1``."""

    p: int
    label: str
