"""Loop descriptions -> Python source: scalar loops for Numba, whole-array code for numpy.

:class:`NumbaLoops` prints every node as written: loops stay loops, so Numba (LLVM)
compiles them. :class:`NumpyLoops` prints the same description for the numpy device: an
``elements`` loop becomes straight-line code on whole arrays (its variable stands for the
range ``start:stop``; a local bound inside it for the array of its values), an
``ordered`` loop runs in rounds of iterations that share no key, and the patterns of
:mod:`labkit.codegen.loops` (appending hits, adding into elements, drawing numbers,
pushing spikes) get numpy's algorithms. Per-step values outside loops are printed as
Numba's, in plain Python, so both devices compute them to the same bit.
"""

from __future__ import annotations

from labkit.codegen import loops as L
from labkit.codegen.print_loops import LoopPrinter
from labkit.codegen.spec import BUFFER_FULL, PYTHON_CALL

__all__ = ["NumbaLoops", "NumpyLoops"]


_BINARY = {"+": "+", "-": "-", "*": "*", "/": "/", "%": "%", "<": "<", "<=": "<=",
           ">": ">", ">=": ">=", "==": "==", "!=": "!="}


class PythonLoops(LoopPrinter):
    """What Numba and numpy code share: Python's statements."""

    model_language = "numba"

    def body(self, nodes, depth: int) -> None:
        """The body of a ``for``, ``while`` or ``if``: never empty in Python."""
        before = len(self.lines)
        self.block(nodes, depth)
        if len(self.lines) == before:
            self.write(depth, "pass")

    def _draw(self, kind, size: str) -> str:
        """One call of numpy's generator for a draw of ``kind`` (``size`` values, or one
        value when ``size`` is empty): Numba and numpy read the same stream."""
        more = f", {size}" if size else ""
        if kind == "rand":
            return f"_rng.random({size})"
        if kind == "randn":
            return f"_rng.standard_normal({size})"
        _, n, p = kind  # ('binomial', n, p)
        return f"_rng.binomial({self.expr(n)}, {self.expr(p)}{more})"

    # -- expressions -------------------------------------------------------------------------
    def _e_Const(self, e) -> str:
        if isinstance(e.value, bool):
            return "True" if e.value else "False"
        return repr(e.value) if isinstance(e.value, float) else str(int(e.value))

    def _e_At(self, e) -> str:
        return f"{self.use(e.array)}[{', '.join(self.expr(k) for k in e.index)}]"

    def _e_Length(self, e) -> str:
        return f"{self.use(e.array)}.shape[{e.axis}]"

    def _e_Op(self, e) -> str:
        a = [self.expr(x) for x in e.args]
        if e.op in ("and", "bitand", "or"):
            return "(" + f" {'or' if e.op == 'or' else 'and'} ".join(a) + ")"
        if e.op == "not":
            return f"(not {a[0]})"
        if e.op == "neg":
            return f"(-{a[0]})"
        return f"({a[0]} {_BINARY[e.op]} {a[1]})"

    def _e_Call(self, e) -> str:
        a = [self.expr(x) for x in e.args]
        if e.func == "isfinite":
            return f"math.isfinite({a[0]})"
        if e.func == "float":
            # numpy's float64, not Python's (the same to Numba): run as Python (the numpy
            # device, the first engine), x/0.0 in scalar code (euler's dt/t at t = 0) is
            # then inf, as compiled, not a raw ZeroDivisionError
            return f"np.float64({a[0]})"
        return f"{e.func}({', '.join(a)})"  # min, max, int

    def row(self, timed: str, t: str, column: str | None) -> str:
        """A TimedArray's index for time ``t``: Brian2's rounding, clipped to the array."""
        row = (f"min(max(int((({t})/{timed}_eps + 0.5)/{timed}_K), 0), {timed}_n - 1)")
        return f"{row}*{timed}_ncols + int({column})" if column is not None else row

    # -- statements --------------------------------------------------------------------------
    def _Assign(self, s, depth) -> None:
        self.write(depth, f"{self.expr(s.target)} = {self.expr(s.value)}")

    def _Update(self, s, depth) -> None:
        self.write(depth, f"{self.expr(s.target)} {s.op}= {self.expr(s.value)}")

    def _For(self, s, depth) -> None:
        step = f", {s.step}" if s.step != 1 else ""
        self.write(depth, f"for {s.var} in range({self.expr(s.start)}, "
                          f"{self.expr(s.stop)}{step}):")
        self.body(s.body, depth + 1)

    def _While(self, s, depth) -> None:
        self.write(depth, f"while {self.expr(s.cond)}:")
        self.body(s.body, depth + 1)

    def _If(self, s, depth) -> None:
        self.write(depth, f"if {self.expr(s.cond)}:")
        self.body(s.body, depth + 1)
        if s.orelse:
            self.write(depth, "else:")
            self.body(s.orelse, depth + 1)

    def _Break(self, s, depth) -> None:
        self.write(depth, "break")

    def _Continue(self, s, depth) -> None:
        self.write(depth, "continue")

    def _Stop(self, s, depth) -> None:
        extra = "".join(f"; _lk_status[{k}] = {self.expr(v)}" for k, v in s.extra)
        self.write(depth, f"_lk_status[0] = {s.code}; _lk_status[1] = _lk_s; "
                          f"_lk_status[2] = {self.expr(L.as_expr(s.pos))}{extra}")
        self.write(depth, "return")

    def _Comment(self, s, depth) -> None:
        self.write(depth, f"# {s.text}")

    def _Alias(self, s, depth) -> None:
        self.write(depth, f"{s.local} = {self.use(s.array)}")

    def _Lookup(self, s, depth) -> None:
        column = self.expr(s.column) if s.column is not None else None
        row = self.row(s.timed, self.expr(s.t), column)
        self.write(depth, f"{self.expr(s.target)} = {s.timed}_values[{row}]")
        for part in ("values", "eps", "K", "n", "ncols"):
            self.use(f"{s.timed}_{part}")

    def _PythonCallStop(self, s, depth) -> None:
        self._Stop(L.Stop(PYTHON_CALL, s.p + 1), depth)


#: A ``prange`` loop's variable as an unsigned index (see :class:`NumbaLoops`).
UNSIGNED = "_lk_u"


class NumbaLoops(PythonLoops):
    """Every node as written; the patterns as their serial loops (:meth:`expand`).

    ``parallel``: an ``elements`` loop that may use threads (``For.threads``: a state
    update) becomes ``prange``, for a kernel compiled with ``parallel=True``. Its
    iterations are independent and read their random numbers from buffers drawn serially
    before it, so they compute what one thread computes. Everything whose order matters
    (collecting spikes, adding synaptic events onto shared targets, pushing spikes) stays
    serial. Numba reduces no ``|=`` in a ``prange``: a flag such a loop combines is
    counted instead.

    Inside a ``prange`` loop, arrays are indexed by the loop variable as an unsigned
    integer: Numba compiles the loop body into a function whose range starts at a thread's
    first element, a signed index that may be negative as far as LLVM knows, so every
    array access kept Numba's wraparound branch and the loop was not vectorised (COBAHH's
    state update took 3-4x the CPU of the serial kernel's on one thread). So is any other
    vectorisable ``elements`` loop that does not start at 0, for the same reason: the
    threshold's pre-pass over a block of 256 (``Append``) took about a third of CUBA's
    serial step (4000 neurons: 5.8 us of CPU a step signed, 4.5 unsigned).
    """

    def __init__(self, parallel: bool = False):
        super().__init__()
        self.parallel = parallel
        self.counted: set[str] = set()  # flags counted in the current prange loop
        self.unsigned: str | None = None  # the current prange loop's variable

    def _threaded(self, s) -> bool:
        """Whether loop ``s`` runs on threads (its elements indexed unsigned)."""
        return self.parallel and s.kind == "elements" and bool(s.threads) and s.step == 1

    def _unsigned(self, s) -> bool:
        """Whether loop ``s``'s elements are indexed unsigned: on threads, or vectorisable
        from a start that LLVM cannot prove non-negative."""
        return self._threaded(s) or (s.kind == "elements" and s.simd and s.step == 1
                                     and s.start != L.Const(0))

    def _threaded_range(self, s) -> str:
        self.use(s.threads)
        return f"prange({self.expr(s.start)}, {self.expr(s.stop)})"

    def _For(self, s, depth) -> None:
        if not self._unsigned(s):
            return super()._For(s, depth)
        range_ = (self._threaded_range(s) if self._threaded(s)
                  else f"range({self.expr(s.start)}, {self.expr(s.stop)})")
        self._ranges(s, depth, ((None, (range_,)),))

    def _ranges(self, s, depth, branches) -> None:
        """Loop ``s``'s body over each range of each branch (``(line or None, ranges)``: a
        line such as ``if ...:`` heading its ranges, or none), indexed unsigned; in a
        ``prange``, its flags counted (Numba reduces no ``|=`` there). A plain loop keeps
        its ``|=`` (the team kernel's two ranges over a chunk too): counting cost CUBA's
        state update on a team thread 10 % (4000 neurons on one thread: 1.63 against 1.49
        us a step, the serial kernel's ``|=`` loop 1.45; ``benchmarks/team_steps.py
        --phases``)."""
        parallel = any(r.startswith("prange") for _, ranges in branches for r in ranges)
        flags = [name for op, name in s.reduce if op == "|"] if parallel else []
        for name in flags:
            self.write(depth, f"_lk_n{name} = 0")
        self.counted = set(flags)
        for line, ranges in branches:
            inner = depth if line is None else depth + 1
            if line is not None:
                self.write(depth, line)
            for range_ in ranges:
                self.write(inner, f"for {s.var} in {range_}:")
                self.write(inner + 1, f"{UNSIGNED} = np.uint64({s.var})")
                self.unsigned = s.var
                self.body(s.body, inner + 1)
                self.unsigned = None
        self.counted = set()
        for name in flags:
            self.write(depth, f"{name} = {name} or _lk_n{name} > 0")

    def _e_At(self, e) -> str:
        if self.unsigned is None:
            return super()._e_At(e)
        index = (UNSIGNED if isinstance(k, L.Name) and k.name == self.unsigned
                 else self.expr(k) for k in e.index)
        return f"{self.use(e.array)}[{', '.join(index)}]"

    def _Update(self, s, depth) -> None:
        if isinstance(s.target, L.Name) and s.target.name in self.counted:
            self.write(depth, f"_lk_n{s.target.name} += 1 if {self.expr(s.value)} else 0")
            return
        super()._Update(s, depth)

    def _Draws(self, s, depth) -> None:
        for j, kind in enumerate(s.kinds):
            name = f"_lkr{s.p}_{j}"
            self.scratch.append((name, self.expr(s.capacity)))  # allocated once per call
            call = self._draw(kind, "")
            self.write(depth, f"for _k in range({self.expr(s.size)}):")
            self.write(depth + 1, f"{name}[_k] = {call}")

    def _Push(self, s, depth) -> None:
        self.block(s.expand(), depth)


class NumpyLoops(PythonLoops):
    """Whole-array code: see the module docstring."""

    def __init__(self):
        super().__init__()
        self.ranges: dict[str, tuple[str, str, str]] = {}  # loop var -> (start, stop, arange)
        self.vector = 0  # > 0 inside an elements loop
        self.reduced: set[str] = set()  # the flags the current elements loop combines

    @property
    def model_language(self):
        return "numpy" if self.vector else "numba"

    # -- expressions over ranges ----------------------------------------------------------------
    def _e_Name(self, e) -> str:
        found = self.ranges.get(e.name)
        if found is None:
            return super()._e_Name(e)
        start, stop, arange = found
        if arange:
            return f"{self.use(arange)}[{self._slice(start, stop)}]"
        return f"np.arange({start}, {stop})"

    def _slice(self, start: str, stop: str) -> str:
        return f":{stop}" if start == "0" else f"{start}:{stop}"

    def _e_At(self, e) -> str:
        parts = []
        for k in e.index:
            found = self.ranges.get(k.name) if isinstance(k, L.Name) else None
            parts.append(self._slice(found[0], found[1]) if found else self.expr(k))
        return f"{self.use(e.array)}[{', '.join(parts)}]"

    def _e_Op(self, e) -> str:
        if not self.vector or e.op not in ("and", "bitand", "or", "not"):
            return super()._e_Op(e)
        a = [self.expr(x) for x in e.args]
        if e.op == "not":
            return f"np.logical_not({a[0]})"
        func = "np.logical_or" if e.op == "or" else "np.logical_and"
        text = a[-1]
        for x in reversed(a[:-1]):
            text = f"{func}({x}, {text})"
        return text

    def _e_Call(self, e) -> str:
        if not self.vector:
            return super()._e_Call(e)
        a = [self.expr(x) for x in e.args]
        if e.func == "int":  # truncation towards zero, as C's cast and Python's int()
            return f"np.asarray({a[0]}).astype(np.int64)"
        return {"isfinite": "np.isfinite", "min": "np.minimum",
                "max": "np.maximum"}.get(e.func, e.func) + f"({', '.join(a)})"

    def row(self, timed: str, t: str, column: str | None) -> str:
        if not self.vector:
            return super().row(timed, t, column)
        row = (f"np.clip((np.asarray(({t})/{timed}_eps + 0.5)/{timed}_K).astype(np.int64), "
               f"0, {timed}_n - 1)")
        if column is not None:
            return f"{row}*{timed}_ncols + np.asarray({column}).astype(np.int64)"
        return row

    # -- statements on whole arrays ----------------------------------------------------------
    def _Update(self, s, depth) -> None:
        if self.vector and isinstance(s.target, L.Name) and s.target.name in self.reduced:
            self.write(depth, f"{s.target.name} {s.op}= bool(np.any({self.expr(s.value)}))")
            return
        super()._Update(s, depth)

    def _If(self, s, depth) -> None:
        if not self.vector:
            return super()._If(s, depth)
        # inside an elements loop only assignments are conditional: np.where keeps the rest
        cond = self.expr(s.cond)
        for a in s.body:
            old = self.expr(a.target)
            self.write(depth, f"{old} = np.where({cond}, {self.expr(a.value)}, {old})")

    def _For(self, s, depth) -> None:
        if s.kind == "serial" or self.vector:
            return super()._For(s, depth)
        start, stop = self.expr(s.start), self.expr(s.stop)
        if s.kind == "ordered" and s.keys:
            return self._rounds(s, start, stop, depth)
        self._vectorised(s.var, start, stop, s.arange, s.reduce, s.body, depth)

    def _vectorised(self, var, start, stop, arange, reduce, body, depth) -> None:
        self.ranges[var] = (start, stop, arange)
        self.reduced = {name for _, name in reduce}
        self.vector += 1
        self.block(body, depth)
        self.vector -= 1
        del self.ranges[var]

    def _rounds(self, s, start, stop, depth) -> None:
        """Iterations sharing a key run in order, in rounds; the others all at once."""
        binds = [a for a in s.body if isinstance(a, L.Assign) and isinstance(a.target, L.Name)]
        self.write(depth, f"if {stop}:")
        self.ranges[s.var] = (start, stop, "")
        self.vector += 1
        self.block(binds, depth + 1)
        keys = ", ".join(self.expr(k) for k in s.keys)
        self.vector -= 1
        del self.ranges[s.var]
        self.write(depth + 1, f"_lk_rank = _lk_rounds({keys})")
        self.write(depth + 1, "for _lk_r in range(int(_lk_rank.max()) + 1):")
        self.write(depth + 2, f"{s.var} = np.flatnonzero(_lk_rank == _lk_r) + {start}")
        self.vector += 1
        self.block(s.body, depth + 2)
        self.vector -= 1

    # -- the patterns -------------------------------------------------------------------------
    def _Draws(self, s, depth) -> None:
        for j, kind in enumerate(s.kinds):
            self.write(depth, f"_lkr{s.p}_{j} = {self._draw(kind, self.expr(s.size))}")

    def _Append(self, s, depth) -> None:
        """All hits at once: their positions, then the body for all of them."""
        start, stop = self.expr(s.start), self.expr(s.stop)
        self.ranges[s.var] = (start, stop, "")
        self.vector += 1
        self.block(s.bind, depth)
        self.write(depth, f"_lk_hit = np.flatnonzero(np.broadcast_to({self.expr(s.cond)}, "
                          f"(({stop}) - ({start}),)))")
        del self.ranges[s.var]
        counter = self.expr(s.counter)
        self.write(depth, f"{s.var} = _lk_hit + {start}")
        for a in s.bind:  # what the binds computed for every element, kept for the hits
            self.write(depth, f"{self.expr(a.target)} = {self.expr(a.target)}[_lk_hit]")
        self.write(depth, f"_lk_m = {counter} + _lk_hit.shape[0]")
        self.ranges[s.counter.name] = (counter, "_lk_m", "")
        self.block(s.body, depth)
        del self.ranges[s.counter.name]
        self.vector -= 1
        self.write(depth, f"{counter} = _lk_m")

    def _ScatterAdd(self, s, depth) -> None:
        size, start, stop = self.expr(s.size), self.expr(s.start), self.expr(s.stop)
        self.ranges[s.var] = ("0", size, "")
        self.vector += 1
        self.block(s.bind, depth)
        value, key = self.expr(s.value), self.expr(s.key)
        self.vector -= 1
        del self.ranges[s.var]
        self.write(depth, f"{self.use(s.target)}[{start}:{stop}] += np.bincount("
                          f"{key} - {start}, weights=np.broadcast_to(np.asarray({value}, "
                          f"dtype=np.float64), ({size},)), minlength={stop} - {start})")

    def _Push(self, s, depth) -> None:
        """Every event of this step's spikes at once: each lands after those before it."""
        a = {k: self.use(v) for k, v in s.args.items()}
        w = self.write
        w(depth, f"_lk_idx = {a['spikes']}[:{a['nspikes']}[0]]")
        w(depth, f"_lk_idx = _lk_idx[(_lk_idx >= {a['start']}) & (_lk_idx < {a['stop']})] "
                 f"- {a['start']}")
        w(depth, f"_lk_a = {a['ptr']}[_lk_idx]")
        w(depth, f"_lk_c = {a['ptr']}[_lk_idx + 1] - _lk_a")
        w(depth, "_lk_tot = int(_lk_c.sum())")
        w(depth, "if _lk_tot:")
        e = depth + 1
        w(e, "_lk_pos = np.repeat(_lk_a - (np.cumsum(_lk_c) - _lk_c), _lk_c) + "
             "np.arange(_lk_tot)")
        w(e, f"_lk_D = {a['qn']}.shape[0]")
        w(e, f"_lk_dl = {a['hom']} if {a['hom']} >= 0 else {a['delay']}[{a['syn']}[_lk_pos]]")
        w(e, f"_lk_slot = ({a['qoff']}[0] + _lk_dl) % _lk_D")
        w(e, "_lk_slot = np.broadcast_to(_lk_slot, _lk_pos.shape)")
        w(e, f"_lk_col = {a['qn']}[_lk_slot] + _lk_rank_of_equal(_lk_slot)")
        w(e, f"if _lk_col.max() >= {a['qdata']}.shape[1]:")
        self._Stop(L.Stop(BUFFER_FULL, s.p, ((3, L.Const(s.growth)),)), e + 1)
        w(e, f"{a['qdata']}[_lk_slot, _lk_col] = _lk_pos")
        w(e, f"{a['qn']}[:] += np.bincount(_lk_slot, minlength=_lk_D)")
