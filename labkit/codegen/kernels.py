"""KernelSpec -> the kernel's source: a Numba function, a numpy function, or C++ code.

The schedule is described once, like each operation (:mod:`labkit.codegen.loops`): loop
over the base time steps ``_lk_s0 .. _lk_s1``; at each step work out which clocks are
due, make room in spike buffers, run the operations in schedule order (each inside ``if
<its clock is due>``), advance the clocks. The kernel returns early, leaving a status
(``spec.DONE`` ... ``PYTHON_CALL``), when a buffer is full, a state variable is not
finite or a Python call is due; the caller resumes it at the step and position the status
holds. Every number is an argument, so the text depends on the model's structure only.

Numba and numpy kernels are one Python function each; C++ is one function per operation
(``int op<p>(const Step&)``, 0: carry on, 1: stop) and the schedule loop calling them,
which :mod:`labkit.codegen.cpp_project` writes into a project. The C++ text does not
depend on the arguments' dtypes: the project adds the typed declarations.

>>> from labkit.codegen.spec import KernelSpec
>>> source = numba_source(KernelSpec((), 1))
>>> source.arg_names[:3], "def _lk_run(_lk_s0, _lk_pos0, _lk_s1" in source.text
(('_lk_s0', '_lk_pos0', '_lk_s1'), True)
>>> code = cpp_code(KernelSpec((), 1))
>>> code.arg_names[:3], code.main_loop[0]
(('_lk_s0', '_lk_pos0', '_lk_s1'), 'for (int64_t _lk_s = _lk_s0; _lk_s < _lk_s1; ++_lk_s) {')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from labkit.codegen import loops as L
from labkit.codegen import spec as S
from labkit.codegen.compile import KernelSource
from labkit.codegen.modelcode import clock_names
from labkit.codegen.operations import describe
from labkit.codegen.print_cpp import CppLoops
from labkit.codegen.print_python import NumbaLoops, NumpyLoops
from labkit.codegen.printers import PRELUDES
from labkit.codegen.spec import BUFFER_FULL, FIXED_ARGS, argument
from labkit.codegen.stored_expr import materialised

__all__ = ["numba_source", "numpy_source", "exact_numpy_source", "exact_python_source",
           "cpp_code", "CppCode", "CppFunction"]


@dataclass(frozen=True)
class RunOp:
    """Operation ``p`` of the schedule: its statements inline (Python), or a call of its
    function (C++), which returns 1 when the kernel must stop."""

    p: int
    body: tuple


@dataclass(frozen=True)
class StepState:
    """C++ only: the clocks' values of this step, handed to every operation function."""

    n_clocks: int


@dataclass(frozen=True)
class CheckBuffer:
    """Before a step: room for one more step of ``size`` spikes in a SpikeMonitor's
    ``arrays`` (``n``: spikes held). Python kernels stop (BUFFER_FULL, ``growth``); the
    C++ program doubles the arrays itself, as the runner would."""

    n: str
    size: str
    arrays: tuple
    growth: int


def _schedule(spec: S.KernelSpec, bodies) -> tuple:
    s, s0 = L.Name("_lk_s"), L.Name("_lk_s0")
    step = []
    for c in range(spec.n_clocks):
        names, at = clock_names(c), (L.Const(c),)
        step += [L.Assign(names["timestep"], L.Call("int", (L.At("_lk_clock_ts", at),)),
                          "const int64_t"),
                 L.Assign(L.Name(f"_lk_on{c}"), L.land(
                     names["timestep"].lt(L.At("_lk_clock_end", at)),
                     (names["timestep"] * L.At("_lk_clock_k", at)).eq(s)), "const bool"),
                 L.Assign(names["dt"], L.Call("float", (L.At("_lk_clock_dt", at),)),
                          "const double"),
                 L.Assign(names["t"], names["timestep"] * names["dt"], "const double")]
    step.append(StepState(spec.n_clocks))
    records = {op.owner: op for op in spec.operations if isinstance(op, S.SpikeRecord)}
    for monitor, size in spec.buffers:
        step.append(CheckBuffer(argument(monitor, "n", "internal"), size,
                                _per_spike(records[monitor]), spec.growth_of(monitor)))
    for p, (op, body) in enumerate(zip(spec.operations, bodies, strict=True)):
        step.append(L.Comment(f"{p}: {type(op).__name__}"))  # no names: structure only
        resume = L.lor(L.Op("!=", (s, s0)), L.Name("_lk_pos0").le(p))
        step.append(L.If(L.land(L.Name(f"_lk_on{op.clock}"), resume), (RunOp(p, body),)))
    for c in range(spec.n_clocks):
        step.append(L.If(L.Name(f"_lk_on{c}"), (L.Assign(
            L.At("_lk_clock_ts", (L.Const(c),)), clock_names(c)["timestep"] + 1),)))
    return (L.For("_lk_s", s0, L.Name("_lk_s1"), tuple(step)),
            L.Assign(L.At("_lk_status", (L.Const(0),)), L.Const(0)),
            L.Assign(L.At("_lk_status", (L.Const(1),)), L.Name("_lk_s1")))


def _per_spike(op: S.SpikeRecord) -> tuple[str, ...]:
    """The arrays of a SpikeMonitor with one entry per recorded spike."""
    return tuple(argument(op.owner, part, "internal")
                 for part in ("i", "t", *(f"v_{name}" for name, _ in op.variables)))


class _Python:
    """What the Numba and numpy printers do with the schedule's own nodes."""

    def _RunOp(self, s, depth) -> None:
        self.block(s.body, depth)

    def _StepState(self, s, depth) -> None:
        pass

    def _CheckBuffer(self, s, depth) -> None:
        # The check comes first in every step, also in the step a call resumes (after a
        # network_operation or a full spike queue), whose operations before _lk_pos0 ran
        # already: it must resume there again, not at 0 (which ran them twice: the state
        # updated twice, a StateMonitor's column written past its end, Izhikevich_2003)
        n = L.At(s.n, (L.Const(0),))
        full = (n + L.Name(s.size)).gt(L.Length(s.arrays[0]))
        extra = ((3, L.Const(s.growth)),)
        resumed = L.Op("==", (L.Name("_lk_s"), L.Name("_lk_s0")))
        stop = L.If(resumed, (L.Stop(BUFFER_FULL, L.Name("_lk_pos0"), extra),),
                    (L.Stop(BUFFER_FULL, 0, extra),))
        self.block((L.If(full, (stop,)),), depth)


class _NumbaSchedule(_Python, NumbaLoops):
    pass


class _NumpySchedule(_Python, NumpyLoops):
    pass


def _python_source(spec: S.KernelSpec, printer, prelude: str) -> KernelSource:
    bodies = [describe(op, p, spec) for p, op in enumerate(spec.operations)]
    printer.block(_schedule(spec, bodies), 1)
    args = FIXED_ARGS + tuple(sorted(printer.args))
    lines = [prelude, "", f"def _lk_run({', '.join(args)}):"]
    lines += [f"    {name} = np.empty({size})" for name, size in printer.scratch]
    return KernelSource("\n".join(lines + printer.lines) + "\n", "_lk_run", args)


@functools.lru_cache(maxsize=256)
def numba_source(spec: S.KernelSpec, parallel: bool = False) -> KernelSource:
    """KernelSpec -> KernelSource of ``_lk_run(<FIXED_ARGS>, <arguments, sorted>)``.

    ``parallel``: state updates loop with ``prange`` (compile with ``parallel=True``); the
    text differs, so the two kernels have their own cache entries, and the same arguments.
    A spec read back from the plan store has its expressions made again first.
    """
    spec = materialised(spec)
    if not parallel:
        return _python_source(spec, _NumbaSchedule(), PRELUDES["numba"])
    return _python_source(spec, _NumbaSchedule(parallel=True),
                          PRELUDES["numba"] + PARALLEL_PRELUDE)


#: What a parallel Numba kernel imports besides the serial one's.
PARALLEL_PRELUDE = "from numba import prange\n"


#: The numpy kernel's imports: numpy's, labkit's helpers for rounds of synaptic events,
#: and the plain-Python exp/exprel under the names the Numba printer gives them, for the
#: per-step values (printed as Numba's: the same bits on both devices, and no Numba).
#: Scalar code printed for Numba (``math.log``) runs as plain Python in numpy kernels and
#: fast start: with libm's IEEE results, not math's ValueError (labkit.codegen.ieee_math).
_IEEE_MATH = "from labkit.codegen import ieee_math as math\n\n"
NUMPY_PRELUDE = (_IEEE_MATH + PRELUDES["numpy"]
                 + "from labkit.codegen.support import exp_scalar as _lk_exp\n"
                 + "from labkit.codegen.support import exprel_scalar as _exprel\n"
                 + "from labkit.codegen.support import rank_of_equal as _lk_rank_of_equal\n"
                 + "from labkit.codegen.support import rounds as _lk_rounds\n")


@functools.lru_cache(maxsize=256)
def numpy_source(spec: S.KernelSpec) -> KernelSource:
    """KernelSpec -> KernelSource of the vectorised ``_lk_run`` (same arguments as Numba's)."""
    return _python_source(materialised(spec), _NumpySchedule(), NUMPY_PRELUDE)


#: What the exact numpy kernel calls instead of numpy's ``exp`` and ``expm1``.
EXACT_PRELUDE = ("from labkit.codegen.support_exact import exp_exact as _lk_exp_exact\n"
                 "from labkit.codegen.support_exact import exprel_exact as _lk_exprel_exact\n")
#: Calls in numpy kernels whose results may differ from the compiled kernel's in the last
#: bit: numpy has its own (SIMD) transcendental functions and power, Numba calls libm's;
#: the binomial draw is Numba's own algorithm. ``np.sqrt`` is correctly rounded in both.
INEXACT = re.compile(r"np\.(log|log10|log1p|expm1|sin|cos|tan|sinh|cosh|tanh|arcsin|arccos"
                     r"|arctan|power)\(|\*\*|\.binomial\(")


#: The same for the Numba kernel's text (scalar Python: ``math.`` functions, libm's in
#: Python, Numba's own or LLVM's compiled).
INEXACT_SCALAR = re.compile(r"math\.(log|log10|log1p|expm1|sin|cos|tan|sinh|cosh|tanh|asin"
                            r"|acos|atan|exp)\(|\*\*|\.binomial\(")
#: What the Numba kernel's text needs to run as plain Python: the plain-Python exp/exprel
#: with the Numba ones' bits (``labkit.codegen.support``), no Numba.
PYTHON_PRELUDE = (_IEEE_MATH + "import numpy as np\n\n"
                  "from labkit.codegen.support import exp_scalar as _lk_exp\n"
                  "from labkit.codegen.support import exprel_scalar as _exprel\n")


@functools.lru_cache(maxsize=256)
def exact_python_source(spec: S.KernelSpec) -> KernelSource | None:
    """KernelSpec -> the Numba kernel's own text as plain Python (scalar loops; for tiny
    models, whose numpy calls on one-element arrays cost more than the loops), or None if
    some expression may differ from the compiled kernel's (:data:`INEXACT_SCALAR`)."""
    source = numba_source(spec)
    if INEXACT_SCALAR.search(source.text) or not source.text.startswith(PRELUDES["numba"]):
        return None
    text = PYTHON_PRELUDE + source.text[len(PRELUDES["numba"]):]
    return KernelSource(text, source.name, source.arg_names)


@functools.lru_cache(maxsize=256)
def exact_numpy_source(spec: S.KernelSpec) -> KernelSource | None:
    """KernelSpec -> the numpy kernel computing the Numba kernel's bits, or None if some
    expression of the model has no such numpy form (:data:`INEXACT`).

    The numpy kernel, with ``exp`` and ``exprel`` of arrays computed by labkit's own
    algorithm (:func:`labkit.codegen.support_exact.exp_exact`) instead of numpy's.
    """
    text = numpy_source(spec).text
    if INEXACT.search(text):
        return None
    text = text.replace("np.exp(", "_lk_exp_exact(").replace("_exprel_vec(",
                                                           "_lk_exprel_exact(")
    return KernelSource(EXACT_PRELUDE + text, "_lk_run", numpy_source(spec).arg_names)


# -- C++ -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CppFunction:
    """The body of ``int op<p>(const Step& st)`` for one operation, and what it uses.

    ``scratch``: names of per-call random-number buffers (file-static in the object's file).
    """

    p: int
    owner: str
    label: str
    kind: str
    clock: int
    body: tuple[str, ...]
    args: frozenset[str]
    scratch: tuple[str, ...]


@dataclass(frozen=True)
class CppCode:
    """Everything dtype-independent: the operation functions and the schedule loop.

    ``arg_names`` are the kernel's arguments in the runtime device's order (FIXED_ARGS,
    then the rest sorted), so the device passes the same values to either kernel.
    """

    functions: tuple[CppFunction, ...]
    main_loop: tuple[str, ...]
    arg_names: tuple[str, ...]
    n_clocks: int


class _CppSchedule(CppLoops):
    def _RunOp(self, s, depth) -> None:
        self.write(depth, f"if (op{s.p}(st)) return;")

    def _StepState(self, s, depth) -> None:
        self.write(depth, "Step st;")
        self.write(depth, "st.s = _lk_s;")
        for c in range(s.n_clocks):
            for field, local in (("ts", "_lk_ts"), ("on", "_lk_on"), ("dt", "_lk_dt"),
                                 ("t", "_lk_t")):
                self.write(depth, f"st.{field}[{c}] = {local}{c};")

    def _CheckBuffer(self, s, depth) -> None:
        """Doubling (at least), as the runner does: a long run enlarges a buffer log(n)
        times. The arrays declared growable come back larger in results/."""
        n, size, capacity = f"{self.use(s.n)}[0]", self.use(s.size), f"{s.arrays[0]}_n0"
        self.write(depth, f"if ({n} + {size} > {capacity}) {{")
        self.write(depth + 1, f"const int64_t _lk_rows = {n} + {size} > 2*{capacity} ? "
                              f"{n} + {size} : 2*{capacity};")
        for name in s.arrays:
            self.write(depth + 1, f"_lk_grow({self.use(name)}, {name}_n0, {name}_n1, {n}, "
                                  "_lk_rows);")
        self.write(depth, "}")


def _function(op: S.Operation, p: int, spec: S.KernelSpec) -> CppFunction:
    printer = CppLoops()
    printer.block(describe(op, p, spec), 1)
    return CppFunction(p, op.owner, op.label, type(op).__name__, op.clock,
                       tuple(printer.lines), frozenset(printer.args), tuple(printer.scratch))


@functools.lru_cache(maxsize=128)
def cpp_code(spec: S.KernelSpec) -> CppCode:
    """KernelSpec -> CppCode (memoised: a re-run with new values reuses it)."""
    spec = materialised(spec)
    functions = tuple(_function(op, p, spec) for p, op in enumerate(spec.operations))
    main = _CppSchedule()
    main.block(_schedule(spec, [() for _ in spec.operations]), 0)
    args = set(main.args)
    for f in functions:
        args |= f.args
    return CppCode(functions, tuple(main.lines), FIXED_ARGS + tuple(sorted(args)),
                   spec.n_clocks)
