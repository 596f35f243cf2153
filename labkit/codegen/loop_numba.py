"""KernelSpec -> KernelSource: one Python function, for Numba, that runs every time step.

The generated function loops over the base time steps ``_lk_s0 .. _lk_s1``; at each step
it works out which clocks are due, then runs the operations in schedule order, each inside
``if <its clock is due>``, each element loop written out (``for _i in range(N)``). It
returns early, leaving a status (see ``loop_common``), when a spike buffer is full, a
state variable is not finite, or a Python call is due; the caller resumes it at the step
and position stored in the status. Every number is an argument.

>>> from labkit.codegen.spec import KernelSpec
>>> print(numba_source(KernelSpec((), 1)).text.splitlines()[6][:40])
def _lk_run(_lk_s0, _lk_pos0, _lk_s1, _lk
"""

from __future__ import annotations

import functools

from labkit.codegen import spec as S
from labkit.codegen.loop_common import (
    BUFFER_FULL,
    FIXED_ARGS,
    NOT_FINITE,
    PYTHON_CALL,
    THRESHOLD_BLOCK,
    Writer,
    is_scalar_expr,
    prepare,
    rename_for,
    symbol_texts,
    timed_index,
)
from labkit.codegen.printers import PRELUDES, print_expr

__all__ = ["numba_source", "EMITTERS"]

LANG = "numba"


def _expr(expr, rename) -> str:
    return print_expr(expr, LANG, rename)


def _head(op, p, w, d, prepared, rename) -> None:
    """Per-step scalars of an operation: TimedArray lookups and hoisted terms."""
    roles = op.roles()
    for lookup in prepared.hoisted_lookups:
        args = [_expr(a, rename) for a in lookup.args]
        arg = roles[lookup.timed].arg
        w(d, f"{rename[lookup.symbol]} = {arg}_values[{timed_index(lookup, roles, args, False)}]")
    for name, expr in prepared.hoisted:
        w(d, f"{rename[name]} = {_expr(expr, rename)}")


def _draws(p, w, d, prepared, size: str, rename=None) -> None:
    """Random numbers for ``size`` elements, call site by call site (numpy's order)."""
    for j, kind in enumerate(prepared.randoms):
        w(d, f"for _k in range({size}):")
        w(d + 1, f"_lkr{p}_{j}[_k] = {random_call(kind, rename)}")


def random_call(kind, rename) -> str:
    """One draw of ``kind`` (see ``loop_common.Prepared.randoms``) from the generator."""
    if kind == "rand":
        return "_rng.random()"
    if kind == "randn":
        return "_rng.standard_normal()"
    _, n, p = kind
    return f"_rng.binomial({_expr(n, rename)}, {_expr(p, rename)})"


def _lookups(op, w, d, lookups, rename) -> None:
    roles = op.roles()
    for lookup in lookups:
        args = [_expr(a, rename) for a in lookup.args]
        arg = roles[lookup.timed].arg
        w(d, f"{rename[lookup.symbol]} = {arg}_values[{timed_index(lookup, roles, args, False)}]")


def _statements(op, w, d, prepared, rename, held=frozenset(), nr="") -> None:
    roles = op.roles()
    for k, stmt in enumerate(prepared.statements):
        _lookups(op, w, d, prepared.lookups.get(k, ()), rename)
        value = _expr(stmt.expr, rename)
        target = rename[stmt.target]
        if stmt.target in held and stmt.target in roles:
            w(d, f"if {nr}:")
            w(d + 1, f"{target} = {value}")
        else:
            w(d, f"{target} = {value}")


def _state_update(op: S.StateUpdate, p, w, d, scratch) -> None:
    exprs = (op.ref_expr,) if op.ref_expr is not None else ()
    prepared = prepare(op, op.statements, exprs)
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_i]")
    rename = rename_for(prepared, texts, p)
    _head(op, p, w, d, prepared, rename)
    _draws(p, w, d, prepared, op.size, rename=rename)
    scratch.extend((f"_lkr{p}_{j}", op.size) for j in range(len(prepared.randoms)))
    w.use(op.size)
    dt = f"_lk_dt{op.clock}"
    ref_time = ""
    if op.refractory == "time" and is_scalar_expr(op, prepared.expressions[0]):
        # Brian2's timestep(refractory, dt), once per step when it is the same for all
        ref = _expr(prepared.expressions[0], rename)
        w(d, f"_lk_reft = int((({ref}) + 1e-3*{dt})/{dt})*{dt}")
        ref_time = "_lk_reft"
    if op.checked:
        w(d, "_lk_bad = False")
    w(d, f"for _i in range({op.size}):")
    arrays = _load_locals(op, w, d + 1, rename)
    nr = rename.get("not_refractory", "")
    if op.refractory is not None:
        _lookups(op, w, d + 1, prepared.lookups.get(-1, ()), rename)
        ref = _expr(prepared.expressions[0], rename)
        if op.refractory == "time":
            # Brian2: timestep(t - lastspike, dt) >= timestep(refractory, dt), i.e.
            # int((t - lastspike + 1e-3*dt)/dt) >= n. Both sides times dt: the same test
            # without a division per element (which was most of a vectorised LIF
            # update). They differ only if the quotient is within an ulp of an integer,
            # and the 1e-3*dt offset keeps it 0.001 away for spikes on the time grid.
            ref_time = ref_time or f"int((({ref}) + 1e-3*{dt})/{dt})*{dt}"
            w(d + 1, f"{nr} = _lk_t{op.clock} - {rename['lastspike']} + 1e-3*{dt} >= {ref_time}")
        else:
            w(d + 1, f"{nr} = {nr} or not ({ref})")
    _statements(op, w, d + 1, prepared, rename, op.held, nr)
    written = {stmt.target for stmt in prepared.statements}
    if op.refractory is not None:
        written.add("not_refractory")
    for name in sorted(written & set(arrays)):
        w(d + 1, f"{arrays[name]} = {rename[name]}")
    _finite_check(op, p, w, d, rename, arrays)


def _load_locals(op, w, d, rename) -> dict[str, str]:
    """Read each per-element variable once into a local (``_lk_l_v = _g0_v[_i]``).

    The statements then work on locals and the caller stores the written ones back once:
    fewer loads and stores, and no possible aliasing between the arrays for LLVM to worry
    about, so the loop vectorises (as Brian2's C++ templates do). Returns name -> array
    text; ``rename`` now maps the names to the locals.
    """
    arrays = {}
    for s in op.symbols:
        if s.role == "array" and s.name in rename:
            arrays[s.name] = rename[s.name]
            rename[s.name] = f"_lk_l_{s.name}"
            w(d, f"{rename[s.name]} = {arrays[s.name]}")
    return arrays


def _finite_check(op: S.StateUpdate, p, w, d, rename, arrays) -> None:
    """Stop when a checked variable is not finite: a flag in the loop, a search after it.

    An early ``return`` inside the element loop would keep LLVM from vectorising it, so the
    loop only accumulates a flag; when it is set, a second pass finds the first variable
    (in ``checked`` order) and its first bad element, as the numpy device reports them.
    """
    if not op.checked:
        return
    test = " and ".join(f"math.isfinite({rename[name]})" for name in op.checked)
    w(d + 1, f"_lk_bad |= not ({test})")
    w(d, "if _lk_bad:")
    for k, name in enumerate(op.checked):
        w(d + 1, f"for _i in range({op.size}):")
        w(d + 2, f"if not math.isfinite({arrays.get(name, rename[name])}):")
        w(d + 3, f"_lk_status[0] = {NOT_FINITE}; _lk_status[1] = _lk_s; _lk_status[2] = {p}")
        w(d + 3, f"_lk_status[3] = _i; _lk_status[4] = {k}")
        w(d + 3, "return")


def _threshold(op: S.Threshold, p, w, d, scratch) -> None:
    prepared = prepare(op, (), (op.condition,))
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_i]")
    rename = rename_for(prepared, texts, p)
    _head(op, p, w, d, prepared, rename)
    _draws(p, w, d, prepared, op.size, rename=rename)
    scratch.extend((f"_lkr{p}_{j}", op.size) for j in range(len(prepared.randoms)))
    spikes, count = f"{op.owner}_spikes", f"{op.owner}_nspikes"
    w.use(op.size, spikes, count)
    crossed = _expr(prepared.expressions[0], rename)
    cond = f"({crossed}) and {rename['not_refractory']}" if op.refractory else crossed
    lookups = prepared.lookups.get(-1, ())
    w(d, "_lk_n = 0")
    # as loop_cpp._threshold: a vectorised pass over each block looks for candidates,
    # the serial pass (index order) runs only where there are some
    w(d, f"for _lk_b in range(0, {op.size}, {THRESHOLD_BLOCK}):")
    w(d + 1, f"_lk_e = min(_lk_b + {THRESHOLD_BLOCK}, {op.size})")
    w(d + 1, "_lk_any = False")
    w(d + 1, "for _i in range(_lk_b, _lk_e):")
    _lookups(op, w, d + 2, lookups, rename)
    w(d + 2, f"_lk_any |= {crossed}")
    w(d + 1, "if not _lk_any:")
    w(d + 2, "continue")
    w(d + 1, "for _i in range(_lk_b, _lk_e):")
    _lookups(op, w, d + 2, lookups, rename)
    w(d + 2, f"if {cond}:")
    w(d + 3, f"{spikes}[_lk_n] = _i")
    w(d + 3, "_lk_n += 1")
    if op.refractory:
        w(d + 3, f"{rename['lastspike']} = _lk_t{op.clock}")
        w(d + 3, f"{rename['not_refractory']} = False")
    w(d, f"{count}[0] = _lk_n")


def _reset(op: S.Reset, p, w, d, scratch) -> None:
    prepared = prepare(op, op.statements)
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_k]")
    rename = rename_for(prepared, texts, p)
    spikes, count = f"{op.owner}_spikes", f"{op.owner}_nspikes"
    w.use(spikes, count)
    size = f"{op.owner}_N"
    w.use(size)
    scratch.extend((f"_lkr{p}_{j}", size) for j in range(len(prepared.randoms)))
    _head(op, p, w, d, prepared, rename)
    w(d, f"_lk_n = {count}[0]")
    _draws(p, w, d, prepared, "_lk_n", rename=rename)
    w(d, "for _k in range(_lk_n):")
    w(d + 1, f"_i = {spikes}[_k]")
    _statements(op, w, d + 1, prepared, rename)


def _scalar_code(op: S.ScalarCode, p, w, d, scratch) -> None:
    prepared = prepare(op, op.statements)
    texts = symbol_texts(op, p, w, index="0", arrays="[0]", rindex="[0]")
    rename = rename_for(prepared, texts, p)
    scratch.extend((f"_lkr{p}_{j}", 1) for j in range(len(prepared.randoms)))
    _head(op, p, w, d, prepared, rename)
    _draws(p, w, d, prepared, "1", rename=rename)
    _statements(op, w, d, prepared, rename)


def _state_record(op: S.StateRecord, p, w, d, scratch) -> None:
    exprs = tuple(e for _, e in op.variables)
    prepared = prepare(op, (), exprs)
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_k]")
    rename = rename_for(prepared, texts, p)
    o = op.owner
    w.use(f"{o}_n", f"{o}_t", f"{o}_rec", *(f"{o}_v_{name}" for name, _ in op.variables))
    w(d, f"_lk_j = {o}_n[0]")
    w(d, f"{o}_t[_lk_j] = _lk_t{op.clock}")
    _head(op, p, w, d, prepared, rename)
    if op.variables:
        w(d, f"for _k in range({o}_rec.shape[0]):")
        w(d + 1, f"_i = {o}_rec[_k]")
        _lookups(op, w, d + 1, prepared.lookups.get(-1, ()), rename)
        for (name, _), expr in zip(op.variables, prepared.expressions, strict=True):
            w(d + 1, f"{o}_v_{name}[_k, _lk_j] = {_expr(expr, rename)}")
    w(d, f"{o}_n[0] = _lk_j + 1")


def _spike_record(op: S.SpikeRecord, p, w, d, scratch) -> None:
    exprs = tuple(e for _, e in op.variables)
    prepared = prepare(op, (), exprs)
    texts = symbol_texts(op, p, w, index="_i", arrays="[_i]", rindex="[_k]")
    rename = rename_for(prepared, texts, p)
    o, src = op.owner, op.source
    w.use(f"{o}_n", f"{o}_t", f"{o}_i", f"{o}_count", f"{o}_start", f"{o}_stop",
          f"{src}_spikes", f"{src}_nspikes", *(f"{o}_v_{name}" for name, _ in op.variables))
    _head(op, p, w, d, prepared, rename)
    w(d, f"_lk_j = {o}_n[0]")
    w(d, f"for _k in range({src}_nspikes[0]):")
    w(d + 1, f"_i = {src}_spikes[_k]")
    w(d + 1, f"if _i >= {o}_start and _i < {o}_stop:")
    w(d + 2, f"{o}_i[_lk_j] = _i - {o}_start")
    w(d + 2, f"{o}_t[_lk_j] = _lk_t{op.clock}")
    w(d + 2, f"{o}_count[_i - {o}_start] += 1")
    _lookups(op, w, d + 2, prepared.lookups.get(-1, ()), rename)
    for (name, _), expr in zip(op.variables, prepared.expressions, strict=True):
        w(d + 2, f"{o}_v_{name}[_lk_j] = {_expr(expr, rename)}")
    w(d + 2, "_lk_j += 1")
    w(d, f"{o}_n[0] = _lk_j")


def _rate_record(op: S.RateRecord, p, w, d, scratch) -> None:
    o, src = op.owner, op.source
    w.use(f"{o}_n", f"{o}_t", f"{o}_rate", f"{o}_start", f"{o}_stop",
          f"{src}_spikes", f"{src}_nspikes")
    w(d, "_lk_c = 0")
    w(d, f"for _k in range({src}_nspikes[0]):")
    w(d + 1, f"_i = {src}_spikes[_k]")
    w(d + 1, f"if _i >= {o}_start and _i < {o}_stop:")
    w(d + 2, "_lk_c += 1")
    w(d, f"_lk_j = {o}_n[0]")
    w(d, f"{o}_rate[_lk_j] = _lk_c / (({o}_stop - {o}_start) * _lk_dt{op.clock})")
    w(d, f"{o}_t[_lk_j] = _lk_t{op.clock}")
    w(d, f"{o}_n[0] = _lk_j + 1")


def _spike_generator(op: S.SpikeGenerator, p, w, d, scratch) -> None:
    o = op.owner
    w.use(f"{o}_bins", f"{o}_indices", f"{o}_last", f"{o}_period",
          f"{o}_spikes", f"{o}_nspikes")
    w(d, f"_lk_tb = _lk_ts{op.clock}")
    w(d, f"_lk_last = {o}_last[0]")
    w(d, f"if {o}_period > 0:")
    w(d + 1, f"_lk_tb = _lk_tb % {o}_period")
    w(d + 1, f"if _lk_last > 0 and {o}_bins[_lk_last - 1] >= _lk_tb:")
    w(d + 2, "_lk_last = 0")
    w(d, "_lk_n = 0")
    w(d, f"while _lk_last + _lk_n < {o}_bins.shape[0] and {o}_bins[_lk_last + _lk_n] <= _lk_tb:")
    w(d + 1, f"{o}_spikes[_lk_n] = {o}_indices[_lk_last + _lk_n]")
    w(d + 1, "_lk_n += 1")
    w(d, f"{o}_last[0] = _lk_last + _lk_n")
    w(d, f"{o}_nspikes[0] = _lk_n")


def _python_call(op: S.PythonCall, p, w, d, scratch) -> None:
    w(d, f"_lk_status[0] = {PYTHON_CALL}; _lk_status[1] = _lk_s; _lk_status[2] = {p + 1}")
    w(d, "return")


#: Operation class -> function writing its code (the synapses' are merged in below).
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


@functools.lru_cache(maxsize=256)
def numba_source(spec: S.KernelSpec):
    """KernelSpec -> KernelSource of ``_lk_run(<FIXED_ARGS>, <arguments, sorted>)``."""
    from labkit.codegen.compile import KernelSource

    body, scratch = Writer(), []
    d = 2
    for c in range(spec.n_clocks):
        body(d, f"_lk_ts{c} = _lk_clock_ts[{c}]")
        body(d, f"_lk_on{c} = _lk_ts{c} < _lk_clock_end[{c}] and "
                f"_lk_ts{c} * _lk_clock_k[{c}] == _lk_s")
        body(d, f"_lk_dt{c} = _lk_clock_dt[{c}]")
        body(d, f"_lk_t{c} = _lk_ts{c} * _lk_dt{c}")
    for monitor, size in spec.buffers:
        body.use(f"{monitor}_n", f"{monitor}_i", size)
        body(d, f"if {monitor}_n[0] + {size} > {monitor}_i.shape[0]:")
        body(d + 1, f"_lk_status[0] = {BUFFER_FULL}; _lk_status[1] = _lk_s; _lk_status[2] = 0")
        body(d + 1, "return")
    for p, op in enumerate(spec.operations):
        body(d, f"# {p}: {type(op).__name__}")  # no names: the text depends on structure only
        body(d, f"if _lk_on{op.clock} and (_lk_s != _lk_s0 or _lk_pos0 <= {p}):")
        EMITTERS[type(op)](op, p, body, d + 1, scratch)
    for c in range(spec.n_clocks):
        body(d, f"if _lk_on{c}:")
        body(d + 1, f"_lk_clock_ts[{c}] = _lk_ts{c} + 1")
    args = FIXED_ARGS + tuple(sorted(body.args))
    lines = [PRELUDES[LANG], "", f"def _lk_run({', '.join(args)}):"]
    for name, size in scratch:
        lines.append(f"    {name} = np.empty({size})")
    lines.append("    for _lk_s in range(_lk_s0, _lk_s1):")
    lines.extend(body.lines or ["        pass"])
    lines.append("    _lk_status[0] = 0")
    lines.append("    _lk_status[1] = _lk_s1")
    text = "\n".join(lines) + "\n"
    return KernelSource(text, "_lk_run", args)


# Synapses add their operations (spike push, per-synapse code, summed variables).
from labkit.codegen.synapse_numba import EMITTERS as _SYNAPSE_EMITTERS  # noqa: E402

EMITTERS.update(_SYNAPSE_EMITTERS)
