"""Loop descriptions -> C++17: the body of one function per operation.

The same serial loops Numba compiles, in C's syntax: locals are declared where the
description says (``declare``), 2-D arrays are flat (row ``r`` starts at
``r*<array>_n1``), ``elements`` loops may carry OpenMP pragmas (``simd``, and threads when
the element count is large, see ``_lk_parallel``), random numbers are drawn serially into
per-call buffers before a loop so that its iterations hold no generator state. One
difference in what a description means: a buffer that fills up (a synaptic queue, a
SpikeMonitor's arrays) is enlarged by the program itself, since returning to Python would
be a new process.
"""

from __future__ import annotations

from labkit.codegen import loops as L
from labkit.codegen.print_loops import LoopPrinter
from labkit.errors import DeviceError

__all__ = ["CppLoops"]

_BINARY = {"+": "+", "-": "-", "*": "*", "/": "/", "%": "%", "<": "<", "<=": "<=",
           ">": ">", ">=": ">=", "==": "==", "!=": "!=", "and": "&&", "or": "||",
           "bitand": "&"}


class CppLoops(LoopPrinter):
    """One operation's description -> the lines of its function body."""

    model_language = "cpp"

    # -- expressions -------------------------------------------------------------------------
    def _e_Const(self, e) -> str:
        if isinstance(e.value, bool):
            return "true" if e.value else "false"
        return repr(e.value) if isinstance(e.value, float) else str(int(e.value))

    def _e_At(self, e) -> str:
        array = self.use(e.array)
        if len(e.index) == 1:
            return f"{array}[{self.expr(e.index[0])}]"
        stride = self.expr(e.stride) if e.stride is not None else f"{array}_n1"
        row, column = (self.expr(k) for k in e.index)
        return f"{array}[({row})*{stride} + {column}]"

    def _e_Length(self, e) -> str:
        return f"{self.use(e.array)}_n{e.axis}"

    def _e_Op(self, e) -> str:
        a = [self.expr(x) for x in e.args]
        if e.op == "not":
            return f"(!{a[0]})"
        if e.op == "neg":
            return f"(-{a[0]})"
        return "(" + f" {_BINARY[e.op]} ".join(a) + ")"

    def _e_Call(self, e) -> str:
        a = [self.expr(x) for x in e.args]
        if e.func in ("int", "float"):
            return f"({'int64_t' if e.func == 'int' else 'double'})({a[0]})"
        if e.func in ("min", "max"):
            return f"std::{e.func}<int64_t>({a[0]}, {a[1]})"
        return f"std::{e.func}({', '.join(a)})"  # isfinite

    # -- statements --------------------------------------------------------------------------
    def _Assign(self, s, depth) -> None:
        declare = f"{s.declare} " if s.declare else ""
        self.write(depth, f"{declare}{self.expr(s.target)} = {self.expr(s.value)};")

    def _Update(self, s, depth) -> None:
        self.write(depth, f"{self.expr(s.target)} {s.op}= {self.expr(s.value)};")

    def _For(self, s, depth) -> None:
        if s.simd and s.threads:
            reduce = "".join(f" reduction({op}:{name})" for op, name in s.reduce)
            self.write(depth, f"#pragma omp parallel for simd if(parallel: "
                              f"_lk_parallel({self.use(s.threads)})){reduce} schedule(static)")
        elif s.simd:
            reduce = "".join(f" reduction({op}:{name})" for op, name in s.reduce)
            self.write(depth, f"#pragma omp simd{reduce}")
        step = f"{s.var} += {s.step}" if s.step != 1 else f"++{s.var}"
        until = "<" if s.step > 0 else ">"   # Python's range(start, stop, step)
        self.write(depth, f"for (int64_t {s.var} = {self.expr(s.start)}; "
                          f"{s.var} {until} {self.expr(s.stop)}; {step}) {{")
        self.block(s.body, depth + 1)
        self.write(depth, "}")

    def _While(self, s, depth) -> None:
        self.write(depth, f"while ({self.expr(s.cond)}) {{")
        self.block(s.body, depth + 1)
        self.write(depth, "}")

    def _If(self, s, depth) -> None:
        self.write(depth, f"if ({self.expr(s.cond)}) {{")
        self.block(s.body, depth + 1)
        if s.orelse:
            self.write(depth, "} else {")
            self.block(s.orelse, depth + 1)
        self.write(depth, "}")

    def _Break(self, s, depth) -> None:
        self.write(depth, "break;")

    def _Continue(self, s, depth) -> None:
        self.write(depth, "continue;")

    def _Stop(self, s, depth) -> None:
        extra = "".join(f" _lk_status[{k}] = {self.expr(v)};" for k, v in s.extra)
        self.write(depth, f"_lk_status[0] = {s.code}; _lk_status[1] = _lk_s; "
                          f"_lk_status[2] = {s.pos};{extra}")
        self.write(depth, "return 1;")

    def _Comment(self, s, depth) -> None:
        self.write(depth, f"// {s.text}")

    def _Alias(self, s, depth) -> None:
        # the program's own pointer (lk::), not the function's copy: growing replaces it
        self.write(depth, f"auto* {s.local} = lk::{self.use(s.array)};")

    def _GrowColumns(self, s, depth) -> None:
        self.write(depth, f"_lk_grow_columns(lk::{s.array}, {s.rows}, lk::{s.array}_n1, "
                          f"2*{s.columns});")
        self.write(depth, f"{s.alias} = lk::{s.array};")
        self.write(depth, f"{s.columns} = lk::{s.array}_n1;")

    def _Lookup(self, s, depth) -> None:
        t = s.timed
        for part in ("values", "eps", "K", "n", "ncols"):
            self.use(f"{t}_{part}")
        row = f"_lk_row({self.expr(s.t)}, {t}_eps, {t}_K, {t}_n)"
        if s.column is not None:
            row = f"{row}*{t}_ncols + (int64_t)({self.expr(s.column)})"
        declare = f"{s.declare} " if s.declare else ""
        self.write(depth, f"{declare}{self.expr(s.target)} = {t}_values[{row}];")

    def _Draws(self, s, depth) -> None:
        """Serially, before the loop: the loop may then run on several threads."""
        size = self.expr(s.size)
        for j, kind in enumerate(s.kinds):
            name = f"_lkr{s.p}_{j}"
            self.scratch.append(name)  # a file-static Scratch buffer
            call = ("_rand()" if kind == "rand" else "_randn()" if kind == "randn" else
                    f"_binomial({self.expr(kind[1])}, {self.expr(kind[2])})")
            self.write(depth, f"double* const __restrict {name} = {name}_buf.get({size});")
            self.write(depth, f"for (int64_t _k = 0; _k < {size}; ++_k) {name}[_k] = {call};")

    def _Push(self, s, depth) -> None:
        self.block(L.Push(s.args, s.growth, s.p, grows_in_place=True).expand(), depth)

    def _PythonCallStop(self, s, depth) -> None:
        raise DeviceError(
            f"network_operation {s.label!r} cannot run on the cpp_standalone device: the "
            "compiled program runs the whole simulation without Python. Run this script on "
            "the default device (set_device('runtime')), or express the operation in the "
            "model (e.g. a TimedArray for a changing input).")
