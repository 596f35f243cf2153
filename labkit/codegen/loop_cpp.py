"""KernelSpec -> CppCode: the same loop as ``loop_numba``, as C++ functions and a main loop.

One source of truth, three printers: every operation goes through the same
:func:`~labkit.codegen.loop_common.prepare` (random call sites, TimedArray lookups,
per-step hoisting) as the Numba and numpy kernels, and its expressions through
:class:`~labkit.codegen.printers.CppPrinter`. Each operation becomes one function
``int op<p>(const Step&)`` (0: carry on, 1: stop, the status says why), written by the
emitter registered for its class in :data:`EMITTERS`; ``main_loop`` is the schedule as a
readable loop over time steps that calls them, with the same resumable status protocol as
the Numba kernel (``loop_common.DONE`` ... ``PYTHON_CALL``), so the device can hand the
same arguments to a compiled binary that it hands to a Numba function. One difference: a
full SpikeMonitor buffer or synaptic queue does not stop the loop, the program enlarges
it (results/ then holds the larger arrays, which their objects adopt), so a run needs one
process.

The text here does not depend on the arguments' dtypes: ``labkit.devices.cpp.files``
adds the typed declarations once the values are known.

>>> from labkit.codegen.spec import KernelSpec
>>> code = cpp_code(KernelSpec((), 1))
>>> code.arg_names[:3], code.main_loop[0]
(('_lk_s0', '_lk_pos0', '_lk_s1'), 'for (int64_t _lk_s = _lk_s0; _lk_s < _lk_s1; ++_lk_s) {')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy

from labkit.codegen import spec as S
from labkit.codegen.loop_common import (
    FIXED_ARGS,
    NOT_FINITE,
    THRESHOLD_BLOCK,
    Writer,
    is_scalar_expr,
    prepare,
    rename_for,
    symbol_texts,
)
from labkit.codegen.printers import print_expr
from labkit.errors import DeviceError

__all__ = ["CppCode", "CppFunction", "EMITTERS", "cpp_code"]

LANG = "cpp"


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


def _expr(expr, rename) -> str:
    return print_expr(expr, LANG, rename)


def _timed(op, lookup, rename) -> str:
    """``values[row]`` of a TimedArray lookup, with Brian2's rounding (as ``timed_index``)."""
    arg = op.roles()[lookup.timed].arg
    args = [_expr(a, rename) for a in lookup.args]
    row = f"_lk_row({args[0]}, {arg}_eps, {arg}_K, {arg}_n)"
    if len(args) > 1:
        row = f"{row}*{arg}_ncols + (int64_t)({args[1]})"
    return f"{arg}_values[{row}]"


def _head(op, w, d, prepared, rename) -> None:
    """Per-step scalars of an operation: TimedArray lookups and hoisted terms."""
    for lookup in prepared.hoisted_lookups:
        w(d, f"const double {rename[lookup.symbol]} = {_timed(op, lookup, rename)};")
    for name, expr in prepared.hoisted:
        w(d, f"const double {rename[name]} = {_expr(expr, rename)};")


def _draws(p, w, d, prepared, size: str, scratch: list, rename=None) -> None:
    """Random numbers for ``size`` elements, call site by call site, before the loop.

    Drawing serially into buffers keeps the element loops free of RNG state, so they can
    run on several threads and still give the one-thread numbers.
    """
    for j, kind in enumerate(prepared.randoms):
        name = f"_lkr{p}_{j}"
        scratch.append(name)
        if isinstance(kind, tuple):  # ('binomial', n, p)
            call = f"_binomial({_expr(kind[1], rename)}, {_expr(kind[2], rename)})"
        else:
            call = "_rand()" if kind == "rand" else "_randn()"
        w(d, f"double* const __restrict {name} = {name}_buf.get({size});")
        w(d, f"for (int64_t _k = 0; _k < {size}; ++_k) {name}[_k] = {call};")


def _lookups(op, w, d, lookups, rename) -> None:
    for lookup in lookups:
        w(d, f"const double {rename[lookup.symbol]} = {_timed(op, lookup, rename)};")


def _statements(op, w, d, prepared, rename, held=frozenset(), nr="") -> None:
    roles = op.roles()
    declared: set[str] = set()
    for k, stmt in enumerate(prepared.statements):
        _lookups(op, w, d, prepared.lookups.get(k, ()), rename)
        value = _expr(stmt.expr, rename)
        target = rename[stmt.target]
        if stmt.target in roles:
            guard = f"if ({nr}) " if stmt.target in held else ""
            w(d, f"{guard}{target} = {value};")
        elif stmt.target in declared:
            w(d, f"{target} = {value};")
        else:  # a temporary of the integration method
            declared.add(stmt.target)
            kind = "bool" if isinstance(stmt.expr, sympy.logic.boolalg.Boolean) else "double"
            w(d, f"{kind} {target} = {value};")


def _stop(w, d, code: int, p: int, extra: str = "") -> None:
    w(d, f"_lk_status[0] = {code}; _lk_status[1] = _lk_s; _lk_status[2] = {p};{extra}")
    w(d, "return 1;")


def _state_update(op: S.StateUpdate, p, w, d, scratch) -> None:
    exprs = (op.ref_expr,) if op.ref_expr is not None else ()
    prepared = prepare(op, op.statements, exprs)
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_i]")
    rename = rename_for(prepared, texts, p)
    w.use(op.size)
    _head(op, w, d, prepared, rename)
    _draws(p, w, d, prepared, op.size, scratch, rename=rename)
    dt = f"_lk_dt{op.clock}"
    ref_time = ""
    if op.refractory == "time" and is_scalar_expr(op, prepared.expressions[0]):
        # Brian2's timestep(refractory, dt) (times dt), once per step when the same for all
        w(d, f"const double _lk_reft = (double)(int64_t)((("
             f"{_expr(prepared.expressions[0], rename)}) + 1e-3*{dt})/{dt})*{dt};")
        ref_time = "_lk_reft"
    w(d, "int _lk_bad = 0;")
    # the element loop is independent per element: the only place threads help, and
    # `simd` says so to the vectoriser too (g++ does not trust `__restrict` on the local
    # pointer copies and gives up on the 27 alias checks a Hodgkin-Huxley update needs)
    w(d, f"#pragma omp parallel for simd if(parallel: _lk_parallel({op.size})) "
         "reduction(|:_lk_bad) schedule(static)")
    w(d, f"for (int64_t _i = 0; _i < {op.size}; ++_i) {{")
    nr = rename.get("not_refractory", "")
    if op.refractory is not None:
        _lookups(op, w, d + 1, prepared.lookups.get(-1, ()), rename)
        ref = _expr(prepared.expressions[0], rename)
        if op.refractory == "time":
            # the test of loop_numba._state_update, multiplied by dt (no division)
            ref_time = ref_time or f"(double)(int64_t)((({ref}) + 1e-3*{dt})/{dt})*{dt}"
            w(d + 1, f"{nr} = _lk_t{op.clock} - {rename['lastspike']} + 1e-3*{dt} >= "
                     f"{ref_time};")
        else:
            w(d + 1, f"{nr} = {nr} || !({ref});")
    _statements(op, w, d + 1, prepared, rename, op.held, nr)
    if op.checked:
        # `&`, not `&&`: no branch in the loop body, so it stays vectorisable
        test = " & ".join(f"std::isfinite({rename[name]})" for name in op.checked)
        w(d + 1, f"_lk_bad |= !({test});")
    w(d, "}")
    if op.checked:  # a flag in the loop keeps it vectorisable; the search runs only on error
        w(d, "if (_lk_bad) {")
        for k, name in enumerate(op.checked):
            w(d + 1, f"for (int64_t _i = 0; _i < {op.size}; ++_i) {{")
            w(d + 2, f"if (!std::isfinite({rename[name]})) {{")
            _stop(w, d + 3, NOT_FINITE, p, f" _lk_status[3] = _i; _lk_status[4] = {k};")
            w(d + 2, "}")
            w(d + 1, "}")
        w(d, "}")


def _threshold(op: S.Threshold, p, w, d, scratch) -> None:
    prepared = prepare(op, (), (op.condition,))
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_i]")
    rename = rename_for(prepared, texts, p)
    spikes, count = f"{op.owner}_spikes", f"{op.owner}_nspikes"
    w.use(op.size, spikes, count)
    _head(op, w, d, prepared, rename)
    _draws(p, w, d, prepared, op.size, scratch, rename=rename)
    crossed = _expr(prepared.expressions[0], rename)
    cond = f"({crossed}) && {rename['not_refractory']}" if op.refractory else crossed
    lookups = prepared.lookups.get(-1, ())
    w(d, "int64_t _lk_n = 0;")
    # Spikes are rare: a SIMD pass tells whether a block of elements has any candidate,
    # and only such blocks get the serial pass that appends spikes in index order
    # (Brian2's). The pass tests the condition alone: with the not_refractory bools g++
    # does not vectorise it (CUBA's loop: 106 ms with them, 74 ms without).
    w(d, f"for (int64_t _lk_b = 0; _lk_b < {op.size}; _lk_b += {THRESHOLD_BLOCK}) {{")
    w(d + 1, f"const int64_t _lk_e = std::min(_lk_b + {THRESHOLD_BLOCK}, (int64_t){op.size});")
    w(d + 1, "int _lk_any = 0;")
    w(d + 1, "#pragma omp simd reduction(|:_lk_any)")
    w(d + 1, "for (int64_t _i = _lk_b; _i < _lk_e; ++_i) {")
    _lookups(op, w, d + 2, lookups, rename)
    w(d + 2, f"_lk_any |= (int)({crossed});")
    w(d + 1, "}")
    w(d + 1, "if (!_lk_any) continue;")
    w(d + 1, "for (int64_t _i = _lk_b; _i < _lk_e; ++_i) {")
    _lookups(op, w, d + 2, lookups, rename)
    w(d + 2, f"if ({cond}) {{")
    w(d + 3, f"{spikes}[_lk_n++] = _i;")
    if op.refractory:
        w(d + 3, f"{rename['lastspike']} = _lk_t{op.clock};")
        w(d + 3, f"{rename['not_refractory']} = false;")
    w(d + 2, "}")
    w(d + 1, "}")
    w(d, "}")
    w(d, f"{count}[0] = _lk_n;")


def _reset(op: S.Reset, p, w, d, scratch) -> None:
    prepared = prepare(op, op.statements)
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_k]")
    rename = rename_for(prepared, texts, p)
    spikes, count = f"{op.owner}_spikes", f"{op.owner}_nspikes"
    w.use(spikes, count, f"{op.owner}_N")
    _head(op, w, d, prepared, rename)
    w(d, f"const int64_t _lk_n = {count}[0];")
    _draws(p, w, d, prepared, "_lk_n", scratch, rename=rename)
    w(d, "for (int64_t _k = 0; _k < _lk_n; ++_k) {")
    w(d + 1, f"const int64_t _i = {spikes}[_k];")
    _statements(op, w, d + 1, prepared, rename)
    w(d, "}")


def _scalar_code(op: S.ScalarCode, p, w, d, scratch) -> None:
    prepared = prepare(op, op.statements)
    texts = symbol_texts(op, p, w, index="0", arrays="[0]", rindex="[0]")
    rename = rename_for(prepared, texts, p)
    _head(op, w, d, prepared, rename)
    _draws(p, w, d, prepared, "1", scratch, rename=rename)
    _statements(op, w, d, prepared, rename)


def _state_record(op: S.StateRecord, p, w, d, scratch) -> None:
    prepared = prepare(op, (), tuple(e for _, e in op.variables))
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_k]")
    rename = rename_for(prepared, texts, p)
    o = op.owner
    w.use(f"{o}_n", f"{o}_t", f"{o}_rec", *(f"{o}_v_{name}" for name, _ in op.variables))
    w(d, f"const int64_t _lk_j = {o}_n[0];")
    w(d, f"{o}_t[_lk_j] = _lk_t{op.clock};")
    _head(op, w, d, prepared, rename)
    if op.variables:
        w(d, f"for (int64_t _k = 0; _k < {o}_rec_n0; ++_k) {{")
        w(d + 1, f"const int64_t _i = {o}_rec[_k];")
        _lookups(op, w, d + 1, prepared.lookups.get(-1, ()), rename)
        for (name, _), expr in zip(op.variables, prepared.expressions, strict=True):
            # row-major (elements x steps), as the numpy array the monitor holds
            w(d + 1, f"{o}_v_{name}[_k*{o}_v_{name}_n1 + _lk_j] = {_expr(expr, rename)};")
        w(d, "}")
    w(d, f"{o}_n[0] = _lk_j + 1;")


def _spike_record_arrays(op: S.SpikeRecord) -> tuple[str, ...]:
    """The arrays with one entry per recorded spike: what a full buffer enlarges."""
    o = op.owner
    return (f"{o}_i", f"{o}_t", *(f"{o}_v_{name}" for name, _ in op.variables))


def _spike_record(op: S.SpikeRecord, p, w, d, scratch) -> None:
    prepared = prepare(op, (), tuple(e for _, e in op.variables))
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_k]")
    rename = rename_for(prepared, texts, p)
    o, src = op.owner, op.source
    w.use(f"{o}_n", f"{o}_count", f"{o}_start", f"{o}_stop", f"{src}_spikes",
          f"{src}_nspikes", *_spike_record_arrays(op))
    _head(op, w, d, prepared, rename)
    w(d, f"int64_t _lk_j = {o}_n[0];")
    w(d, f"for (int64_t _k = 0; _k < {src}_nspikes[0]; ++_k) {{")
    w(d + 1, f"const int64_t _i = {src}_spikes[_k];")
    w(d + 1, f"if (_i >= {o}_start && _i < {o}_stop) {{")
    w(d + 2, f"{o}_i[_lk_j] = _i - {o}_start;")
    w(d + 2, f"{o}_t[_lk_j] = _lk_t{op.clock};")
    w(d + 2, f"{o}_count[_i - {o}_start] += 1;")
    _lookups(op, w, d + 2, prepared.lookups.get(-1, ()), rename)
    for (name, _), expr in zip(op.variables, prepared.expressions, strict=True):
        w(d + 2, f"{o}_v_{name}[_lk_j] = {_expr(expr, rename)};")
    w(d + 2, "_lk_j += 1;")
    w(d + 1, "}")
    w(d, "}")
    w(d, f"{o}_n[0] = _lk_j;")


def _rate_record(op: S.RateRecord, p, w, d, scratch) -> None:
    o, src = op.owner, op.source
    w.use(f"{o}_n", f"{o}_t", f"{o}_rate", f"{o}_start", f"{o}_stop",
          f"{src}_spikes", f"{src}_nspikes")
    w(d, "int64_t _lk_c = 0;")
    w(d, f"for (int64_t _k = 0; _k < {src}_nspikes[0]; ++_k) {{")
    w(d + 1, f"const int64_t _i = {src}_spikes[_k];")
    w(d + 1, f"if (_i >= {o}_start && _i < {o}_stop) _lk_c += 1;")
    w(d, "}")
    w(d, f"const int64_t _lk_j = {o}_n[0];")
    w(d, f"{o}_rate[_lk_j] = (double)_lk_c / (({o}_stop - {o}_start) * _lk_dt{op.clock});")
    w(d, f"{o}_t[_lk_j] = _lk_t{op.clock};")
    w(d, f"{o}_n[0] = _lk_j + 1;")


def _spike_generator(op: S.SpikeGenerator, p, w, d, scratch) -> None:
    o = op.owner
    w.use(f"{o}_bins", f"{o}_indices", f"{o}_last", f"{o}_period",
          f"{o}_spikes", f"{o}_nspikes")
    w(d, f"int64_t _lk_tb = _lk_ts{op.clock};")
    w(d, f"int64_t _lk_last = {o}_last[0];")
    w(d, f"if ({o}_period > 0) {{")
    w(d + 1, f"_lk_tb = _lk_tb % {o}_period;")
    w(d + 1, f"if (_lk_last > 0 && {o}_bins[_lk_last - 1] >= _lk_tb) _lk_last = 0;")
    w(d, "}")
    w(d, "int64_t _lk_n = 0;")
    w(d, f"while (_lk_last + _lk_n < {o}_bins_n0 && {o}_bins[_lk_last + _lk_n] <= _lk_tb) {{")
    w(d + 1, f"{o}_spikes[_lk_n] = {o}_indices[_lk_last + _lk_n];")
    w(d + 1, "_lk_n += 1;")
    w(d, "}")
    w(d, f"{o}_last[0] = _lk_last + _lk_n;")
    w(d, f"{o}_nspikes[0] = _lk_n;")


def _python_call(op: S.PythonCall, p, w, d, scratch) -> None:
    raise DeviceError(
        f"network_operation {op.label!r} cannot run on the cpp_standalone device: the "
        "compiled program runs the whole simulation without Python. Run this script on the "
        "default device (set_device('runtime')), or express the operation in the model "
        "(e.g. a TimedArray for a changing input).")


#: Operation class -> function writing its C++ body, with the same signature as
#: ``loop_numba.EMITTERS``: (op, position, writer, depth, scratch). Synapses' are merged in
#: at the end of this module.
EMITTERS = {
    S.StateUpdate: _state_update,
    S.Threshold: _threshold,
    S.Reset: _reset,
    S.ScalarCode: _scalar_code,
    S.StateRecord: _state_record,
    S.SpikeRecord: _spike_record,
    S.RateRecord: _rate_record,
    S.SpikeGenerator: _spike_generator,
    S.PythonCall: _python_call,
}


def _function(op: S.Operation, p: int) -> CppFunction:
    try:
        emit = EMITTERS[type(op)]
    except KeyError:
        raise DeviceError(f"cpp_standalone cannot run {type(op).__name__} operations yet "
                          f"({op.label!r}); use the default device") from None
    w, scratch = Writer(), []
    emit(op, p, w, 1, scratch)
    return CppFunction(p, op.owner, op.label, type(op).__name__, op.clock,
                       tuple(w.lines), frozenset(w.args), tuple(scratch))


def _grow_spike_buffers(spec: S.KernelSpec, w: Writer) -> None:
    """Before a step, room for one more step of spikes in every spike buffer.

    The runtime device returns to Python to enlarge a full buffer (BUFFER_FULL); here the
    program does it itself, so a run is one process. The monitor declares these arrays
    growable: labkit adopts the larger ones it finds in results/.
    """
    records = {op.owner: op for op in spec.operations if isinstance(op, S.SpikeRecord)}
    for monitor, size in spec.buffers:
        n, capacity = f"{monitor}_n[0]", f"{monitor}_i_n0"
        arrays = _spike_record_arrays(records[monitor])
        w.use(f"{monitor}_n", size, *arrays)
        w(1, f"if ({n} + {size} > {capacity}) {{")
        # doubling, as SpikeMonitor._grow: a long run enlarges a buffer log(n) times
        w(2, f"const int64_t _lk_rows = {n} + {size} > 2*{capacity} ? {n} + {size} : "
             f"2*{capacity};")
        for name in arrays:
            w(2, f"_lk_grow({name}, {name}_n0, {name}_n1, {n}, _lk_rows);")
        w(1, "}")


def _main_loop(spec: S.KernelSpec, w: Writer) -> None:
    """The schedule: per step, which clocks are due, then each operation in order."""
    w(0, "for (int64_t _lk_s = _lk_s0; _lk_s < _lk_s1; ++_lk_s) {")
    w(1, "Step st;")
    w(1, "st.s = _lk_s;")
    for c in range(spec.n_clocks):
        w(1, f"st.ts[{c}] = _lk_clock_ts[{c}];")
        w(1, f"st.on[{c}] = st.ts[{c}] < _lk_clock_end[{c}] && "
             f"st.ts[{c}] * _lk_clock_k[{c}] == _lk_s;")
        w(1, f"st.dt[{c}] = _lk_clock_dt[{c}];")
        w(1, f"st.t[{c}] = st.ts[{c}] * st.dt[{c}];")
    _grow_spike_buffers(spec, w)
    for p, op in enumerate(spec.operations):
        w(1, f"// {p}: {type(op).__name__} {op.label}")
        w(1, f"if (st.on[{op.clock}] && (_lk_s != _lk_s0 || _lk_pos0 <= {p})) {{")
        w(2, f"if (op{p}(st)) return;")
        w(1, "}")
    for c in range(spec.n_clocks):
        w(1, f"if (st.on[{c}]) _lk_clock_ts[{c}] = st.ts[{c}] + 1;")
    w(0, "}")
    w(0, "_lk_status[0] = 0;")
    w(0, "_lk_status[1] = _lk_s1;")


@functools.lru_cache(maxsize=128)
def cpp_code(spec: S.KernelSpec) -> CppCode:
    """KernelSpec -> CppCode (memoised: a re-run with new values reuses it)."""
    functions = tuple(_function(op, p) for p, op in enumerate(spec.operations))
    main = Writer()
    _main_loop(spec, main)
    args = set(main.args)
    for f in functions:
        args |= f.args
    arg_names = FIXED_ARGS + tuple(sorted(args))
    return CppCode(functions, tuple(main.lines), arg_names, spec.n_clocks)


# Synapses add their operations (spike push, per-synapse code, summed variables).
from labkit.codegen.synapse_cpp import EMITTERS as _SYNAPSE_EMITTERS  # noqa: E402

EMITTERS.update(_SYNAPSE_EMITTERS)
