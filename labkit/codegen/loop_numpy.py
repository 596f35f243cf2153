"""KernelSpec -> KernelSource: the same loop as ``loop_numba``, each operation vectorised.

The numpy device runs this plain-Python function: the loop over time steps is Python,
each operation a few whole-array numpy statements. It takes the same arguments, leaves
the same statuses and draws random numbers in the same order as the Numba kernel, so the
two devices give the same results. Per-step scalars (hoisted terms, TimedArray lookups
of ``t``) are computed with Python's ``math``, as in the Numba kernel, so that they agree
to the last bit; element-wise functions use numpy's (which may differ in the last place).
"""

from __future__ import annotations

import functools

from labkit.codegen import spec as S
from labkit.codegen.loop_common import (
    BUFFER_FULL,
    FIXED_ARGS,
    NOT_FINITE,
    PYTHON_CALL,
    Writer,
    prepare,
    rename_for,
    symbol_texts,
    timed_index,
)
from labkit.codegen.printers import PRELUDES, print_expr

__all__ = ["numpy_source", "EMITTERS"]

LANG = "numpy"


def _expr(expr, rename) -> str:
    return print_expr(expr, LANG, rename)


#: The kernel module's imports: numpy's, plus the plain-Python exp/exprel under the names
#: the Numba printer gives them, for the per-step scalars (no Numba on this device).
_PRELUDE = ("import math\n\n" + PRELUDES[LANG]
            + "from labkit.codegen.support import exp_scalar as _lk_exp\n"
            + "from labkit.codegen.support import exprel_scalar as _exprel\n")


def _scalar(expr, rename) -> str:
    """A per-step scalar, printed and computed as Numba does (``math``, and labkit's own
    ``exp``/``exprel`` in plain Python, see ``_PRELUDE``): the same bits on both devices."""
    return print_expr(expr, "numba", rename)


def _head(op, w, d, prepared, rename) -> None:
    roles = op.roles()
    for lookup in prepared.hoisted_lookups:
        args = [_scalar(a, rename) for a in lookup.args]
        arg = roles[lookup.timed].arg
        w(d, f"{rename[lookup.symbol]} = {arg}_values[{timed_index(lookup, roles, args, False)}]")
    for name, expr in prepared.hoisted:
        w(d, f"{rename[name]} = {_scalar(expr, rename)}")


def _draws(p, w, d, prepared, size: str, rename=None) -> None:
    for j, kind in enumerate(prepared.randoms):
        if isinstance(kind, tuple):  # ('binomial', n, p): the same stream as Numba's
            n, prob = (_scalar(x, rename) for x in kind[1:])
            w(d, f"_lkr{p}_{j} = _rng.binomial({n}, {prob}, {size})")
            continue
        call = "random" if kind == "rand" else "standard_normal"
        w(d, f"_lkr{p}_{j} = _rng.{call}({size})")


def _lookups(op, w, d, lookups, rename) -> None:
    roles = op.roles()
    for lookup in lookups:
        args = [_expr(a, rename) for a in lookup.args]
        arg = roles[lookup.timed].arg
        w(d, f"{rename[lookup.symbol]} = {arg}_values[{timed_index(lookup, roles, args, True)}]")


def _whole(arg_text: str) -> str:
    """``_g0_v[_lk_idx]`` stays; a whole array ``_g0_v`` is assigned through ``[:]``."""
    return arg_text if arg_text.endswith("]") else f"{arg_text}[:]"


def _statements(op, w, d, prepared, rename, held=frozenset(), nr="") -> None:
    roles = op.roles()
    for k, stmt in enumerate(prepared.statements):
        _lookups(op, w, d, prepared.lookups.get(k, ()), rename)
        value = _expr(stmt.expr, rename)
        target = rename[stmt.target]
        if stmt.target in roles and roles[stmt.target].role == "array":
            if stmt.target in held:
                w(d, f"{target}[:] = np.where({nr}, {value}, {target})")
            else:
                w(d, f"{_whole(target)} = {value}")
        else:
            w(d, f"{target} = {value}")


def _state_update(op: S.StateUpdate, p, w, d) -> None:
    exprs = (op.ref_expr,) if op.ref_expr is not None else ()
    prepared = prepare(op, op.statements, exprs)
    texts = symbol_texts(op, p, w, index=f"{op.owner}_i", arrays="", rindex="")
    rename = rename_for(prepared, texts, p)
    w.use(op.size, f"{op.owner}_i")
    _head(op, w, d, prepared, rename)
    _draws(p, w, d, prepared, op.size, rename=rename)
    nr = rename.get("not_refractory", "")
    if op.refractory is not None:
        _lookups(op, w, d, prepared.lookups.get(-1, ()), rename)
        ref = _expr(prepared.expressions[0], rename)
        if op.refractory == "time":
            dt, t = f"_lk_dt{op.clock}", f"_lk_t{op.clock}"
            # the test of loop_numba._state_update, multiplied by dt (no division)
            w(d, f"{nr}[:] = (({t} - {rename['lastspike']}) + 1e-3*{dt})"
                 f" >= (np.asarray(({ref}) + 1e-3*{dt})/{dt}).astype(np.int64)*{dt}")
        else:
            w(d, f"{nr}[:] = np.logical_or({nr}, np.logical_not({ref}))")
    _statements(op, w, d, prepared, rename, op.held, nr)
    for k, name in enumerate(op.checked):
        arr = rename[name]
        w(d, f"if not np.isfinite({arr}).all():")
        w(d + 1, f"_lk_status[0] = {NOT_FINITE}; _lk_status[1] = _lk_s; _lk_status[2] = {p}")
        w(d + 1, f"_lk_status[3] = np.flatnonzero(~np.isfinite({arr}))[0]; _lk_status[4] = {k}")
        w(d + 1, "return")


def _threshold(op: S.Threshold, p, w, d) -> None:
    prepared = prepare(op, (), (op.condition,))
    texts = symbol_texts(op, p, w, index=f"{op.owner}_i", arrays="", rindex="")
    rename = rename_for(prepared, texts, p)
    spikes, count = f"{op.owner}_spikes", f"{op.owner}_nspikes"
    w.use(op.size, spikes, count, f"{op.owner}_i")
    _head(op, w, d, prepared, rename)
    _draws(p, w, d, prepared, op.size, rename=rename)
    _lookups(op, w, d, prepared.lookups.get(-1, ()), rename)
    cond = _expr(prepared.expressions[0], rename)
    if op.refractory:
        cond = f"np.logical_and({cond}, {rename['not_refractory']})"
    w(d, f"_lk_idx = np.flatnonzero(np.broadcast_to({cond}, ({op.size},)))")
    w(d, "_lk_n = _lk_idx.shape[0]")
    w(d, f"{spikes}[:_lk_n] = _lk_idx")
    w(d, f"{count}[0] = _lk_n")
    if op.refractory:
        w(d, f"{rename['lastspike']}[_lk_idx] = _lk_t{op.clock}")
        w(d, f"{rename['not_refractory']}[_lk_idx] = False")


def _reset(op: S.Reset, p, w, d) -> None:
    prepared = prepare(op, op.statements)
    texts = symbol_texts(op, p, w, index="_lk_idx", arrays="[_lk_idx]", rindex="")
    rename = rename_for(prepared, texts, p)
    spikes, count = f"{op.owner}_spikes", f"{op.owner}_nspikes"
    w.use(spikes, count)
    w(d, f"_lk_idx = {spikes}[:{count}[0]]")
    _head(op, w, d, prepared, rename)
    _draws(p, w, d, prepared, "_lk_idx.shape[0]", rename=rename)
    _statements(op, w, d, prepared, rename)


def _scalar_code(op: S.ScalarCode, p, w, d) -> None:
    # one value per statement: printed as the Numba kernel prints it (the same bits)
    prepared = prepare(op, op.statements)
    texts = symbol_texts(op, p, w, index="0", arrays="[0]", rindex="[0]")
    rename = rename_for(prepared, texts, p)
    _head(op, w, d, prepared, rename)
    _draws(p, w, d, prepared, "1", rename=rename)
    for k, stmt in enumerate(prepared.statements):
        _lookups(op, w, d, prepared.lookups.get(k, ()), rename)
        w(d, f"{rename[stmt.target]} = {_scalar(stmt.expr, rename)}")


def _state_record(op: S.StateRecord, p, w, d) -> None:
    exprs = tuple(e for _, e in op.variables)
    prepared = prepare(op, (), exprs)
    o = op.owner
    texts = symbol_texts(op, p, w, index=f"{o}_rec", arrays=f"[{o}_rec]", rindex="")
    rename = rename_for(prepared, texts, p)
    w.use(f"{o}_n", f"{o}_t", f"{o}_rec", *(f"{o}_v_{name}" for name, _ in op.variables))
    w(d, f"_lk_j = {o}_n[0]")
    w(d, f"{o}_t[_lk_j] = _lk_t{op.clock}")
    _head(op, w, d, prepared, rename)
    _lookups(op, w, d, prepared.lookups.get(-1, ()), rename)
    for (name, _), expr in zip(op.variables, prepared.expressions, strict=True):
        w(d, f"{o}_v_{name}[:, _lk_j] = {_expr(expr, rename)}")
    w(d, f"{o}_n[0] = _lk_j + 1")


def _spiking_in_range(w, d, o, src) -> None:
    w(d, f"_lk_idx = {src}_spikes[:{src}_nspikes[0]]")
    w(d, f"_lk_idx = _lk_idx[(_lk_idx >= {o}_start) & (_lk_idx < {o}_stop)]")


def _spike_record(op: S.SpikeRecord, p, w, d) -> None:
    exprs = tuple(e for _, e in op.variables)
    prepared = prepare(op, (), exprs)
    texts = symbol_texts(op, p, w, index="_lk_idx", arrays="[_lk_idx]", rindex="")
    rename = rename_for(prepared, texts, p)
    o, src = op.owner, op.source
    w.use(f"{o}_n", f"{o}_t", f"{o}_i", f"{o}_count", f"{o}_start", f"{o}_stop",
          f"{src}_spikes", f"{src}_nspikes", *(f"{o}_v_{name}" for name, _ in op.variables))
    _head(op, w, d, prepared, rename)
    _spiking_in_range(w, d, o, src)
    w(d, "_lk_j = " + f"{o}_n[0]")
    w(d, "_lk_m = _lk_j + _lk_idx.shape[0]")
    w(d, f"{o}_i[_lk_j:_lk_m] = _lk_idx - {o}_start")
    w(d, f"{o}_t[_lk_j:_lk_m] = _lk_t{op.clock}")
    w(d, f"{o}_count[_lk_idx - {o}_start] += 1")
    _lookups(op, w, d, prepared.lookups.get(-1, ()), rename)
    for (name, _), expr in zip(op.variables, prepared.expressions, strict=True):
        w(d, f"{o}_v_{name}[_lk_j:_lk_m] = {_expr(expr, rename)}")
    w(d, f"{o}_n[0] = _lk_m")


def _rate_record(op: S.RateRecord, p, w, d) -> None:
    o, src = op.owner, op.source
    w.use(f"{o}_n", f"{o}_t", f"{o}_rate", f"{o}_start", f"{o}_stop",
          f"{src}_spikes", f"{src}_nspikes")
    _spiking_in_range(w, d, o, src)
    w(d, f"_lk_j = {o}_n[0]")
    w(d, f"{o}_rate[_lk_j] = _lk_idx.shape[0] / (({o}_stop - {o}_start) * _lk_dt{op.clock})")
    w(d, f"{o}_t[_lk_j] = _lk_t{op.clock}")
    w(d, f"{o}_n[0] = _lk_j + 1")


def _spike_generator(op: S.SpikeGenerator, p, w, d) -> None:
    o = op.owner
    w.use(f"{o}_bins", f"{o}_indices", f"{o}_last", f"{o}_period",
          f"{o}_spikes", f"{o}_nspikes")
    w(d, f"_lk_tb = _lk_ts{op.clock}")
    w(d, f"_lk_last = {o}_last[0]")
    w(d, f"if {o}_period > 0:")
    w(d + 1, f"_lk_tb = _lk_tb % {o}_period")
    w(d + 1, f"if _lk_last > 0 and {o}_bins[_lk_last - 1] >= _lk_tb:")
    w(d + 2, "_lk_last = 0")
    w(d, f"_lk_n = int(np.searchsorted({o}_bins[_lk_last:], _lk_tb, side='right'))")
    w(d, f"{o}_spikes[:_lk_n] = {o}_indices[_lk_last:_lk_last + _lk_n]")
    w(d, f"{o}_last[0] = _lk_last + _lk_n")
    w(d, f"{o}_nspikes[0] = _lk_n")


def _python_call(op: S.PythonCall, p, w, d) -> None:
    w(d, f"_lk_status[0] = {PYTHON_CALL}; _lk_status[1] = _lk_s; _lk_status[2] = {p + 1}")
    w(d, "return")


#: Operation class -> function writing its vectorised code (the synapses' are merged in below).
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
def numpy_source(spec: S.KernelSpec):
    """KernelSpec -> KernelSource of the vectorised ``_lk_run`` (same arguments as Numba's)."""
    from labkit.codegen.compile import KernelSource

    body = Writer()
    d = 2
    for c in range(spec.n_clocks):
        body(d, f"_lk_ts{c} = int(_lk_clock_ts[{c}])")
        body(d, f"_lk_on{c} = _lk_ts{c} < _lk_clock_end[{c}] and "
                f"_lk_ts{c} * _lk_clock_k[{c}] == _lk_s")
        body(d, f"_lk_dt{c} = float(_lk_clock_dt[{c}])")
        body(d, f"_lk_t{c} = _lk_ts{c} * _lk_dt{c}")
    for monitor, size in spec.buffers:
        body.use(f"{monitor}_n", f"{monitor}_i", size)
        body(d, f"if {monitor}_n[0] + {size} > {monitor}_i.shape[0]:")
        body(d + 1, f"_lk_status[0] = {BUFFER_FULL}; _lk_status[1] = _lk_s; _lk_status[2] = 0")
        body(d + 1, "return")
    for p, op in enumerate(spec.operations):
        body(d, f"# {p}: {type(op).__name__}")  # no names: the text depends on structure only
        body(d, f"if _lk_on{op.clock} and (_lk_s != _lk_s0 or _lk_pos0 <= {p}):")
        EMITTERS[type(op)](op, p, body, d + 1)
    for c in range(spec.n_clocks):
        body(d, f"if _lk_on{c}:")
        body(d + 1, f"_lk_clock_ts[{c}] = _lk_ts{c} + 1")
    args = FIXED_ARGS + tuple(sorted(body.args))
    prelude = _PRELUDE
    lines = [prelude, "", f"def _lk_run({', '.join(args)}):"]
    lines.append("    for _lk_s in range(_lk_s0, _lk_s1):")
    lines.extend(body.lines or ["        pass"])
    lines.append("    _lk_status[0] = 0")
    lines.append("    _lk_status[1] = _lk_s1")
    return KernelSource("\n".join(lines) + "\n", "_lk_run", args)


# Synapses add their operations (spike push, per-synapse code, summed variables).
from labkit.codegen.synapse_numpy import EMITTERS as _SYNAPSE_EMITTERS  # noqa: E402

EMITTERS.update(_SYNAPSE_EMITTERS)
