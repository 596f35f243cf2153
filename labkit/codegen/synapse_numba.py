"""Synaptic operations -> Numba loop code: spike push, per-synapse code, summed variables.

Emitters for the operation classes of ``spec`` that synapses add (see the queue layout
there); ``loop_numba`` merges :data:`EMITTERS` into its table. Everything runs serially
in synapse (or queue) order, which is Brian2's order, so several events hitting one
target element in one step add up exactly as in Brian2.
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.loop_common import prepare, rename_for
from labkit.codegen.numba_parts import _draws, _expr, _head, _lookups, _statements
from labkit.codegen.spec import BUFFER_FULL
from labkit.codegen.synapse_common import SYN, element_indices, synaptic_texts

__all__ = ["EMITTERS"]



def _spike_push(op: S.SpikePush, p, w, d, scratch) -> None:
    q, src = op.owner, op.source
    w.use(f"{src}_spikes", f"{src}_nspikes", f"{q}_start", f"{q}_stop", f"{q}_ptr",
          f"{q}_syn", f"{q}_delay", f"{q}_qdata", f"{q}_qn", f"{q}_qn0", f"{q}_qoff")
    w(d, f"_lk_D = {q}_qn.shape[0]")
    w(d, f"_lk_cap = {q}_qdata.shape[1]")
    w(d, f"_lk_off = {q}_qoff[0]")
    w(d, "for _k in range(_lk_D):")
    w(d + 1, f"{q}_qn0[_k] = {q}_qn[_k]")  # to undo a push that does not fit
    w(d, "_lk_over = False")
    w(d, f"for _k in range({src}_nspikes[0]):")
    w(d + 1, f"_lk_e = {src}_spikes[_k] - {q}_start")
    w(d + 1, f"if _lk_e >= 0 and _lk_e < {q}_stop - {q}_start:")
    w(d + 2, f"for _m in range({q}_ptr[_lk_e], {q}_ptr[_lk_e + 1]):")
    w(d + 3, f"{SYN} = {q}_syn[_m]")
    w(d + 3, f"_lk_slot = _lk_off + {q}_delay[{SYN}]")
    w(d + 3, "if _lk_slot >= _lk_D:")
    w(d + 4, "_lk_slot -= _lk_D")
    w(d + 3, f"_lk_c = {q}_qn[_lk_slot]")
    w(d + 3, "if _lk_c >= _lk_cap:")
    w(d + 4, "_lk_over = True")
    w(d + 4, "break")
    w(d + 3, f"{q}_qdata[_lk_slot, _lk_c] = {SYN}")
    w(d + 3, f"{q}_qn[_lk_slot] = _lk_c + 1")
    w(d + 1, "if _lk_over:")
    w(d + 2, "break")
    w(d, "if _lk_over:")
    w(d + 1, "for _k in range(_lk_D):")
    w(d + 2, f"{q}_qn[_k] = {q}_qn0[_k]")
    w(d + 1, f"_lk_status[0] = {BUFFER_FULL}; _lk_status[1] = _lk_s; _lk_status[2] = {p}; "
             f"_lk_status[3] = {w.growth[q]}")
    w(d + 1, "return")


def _synaptic_code(op: S.SynapticCode, p, w, d, scratch) -> None:
    q = op.queue
    prepared = prepare(op, op.statements)
    texts = synaptic_texts(op, p, w, rindex="[_k]" if q else f"[{SYN}]")
    rename = rename_for(prepared, texts, p)
    _head(op, p, w, d, prepared, rename)
    if q:
        w.use(f"{q}_qdata", f"{q}_qn", f"{q}_qoff")
        scratch.extend((f"_lkr{p}_{j}", f"{q}_qdata.shape[1]")
                       for j in range(len(prepared.randoms)))
        w(d, f"_lk_off = {q}_qoff[0]")
        w(d, f"_lk_n = {q}_qn[_lk_off]")
        _draws(p, w, d, prepared, "_lk_n")
        w(d, "for _k in range(_lk_n):")
        w(d + 1, f"{SYN} = {q}_qdata[_lk_off, _k]")
    else:
        w.use(op.size)
        scratch.extend((f"_lkr{p}_{j}", op.size) for j in range(len(prepared.randoms)))
        _draws(p, w, d, prepared, op.size)
        w(d, f"for {SYN} in range({op.size}):")
    element_indices(op, w, d + 1)
    _statements(op, w, d + 1, prepared, rename)
    if q:
        w(d, f"{q}_qn[_lk_off] = 0")
        w(d, "_lk_off += 1")
        w(d, f"{q}_qoff[0] = 0 if _lk_off >= {q}_qn.shape[0] else _lk_off")


def _summed_variable(op: S.SummedVariable, p, w, d, scratch) -> None:
    prepared = prepare(op, (), (op.expr,))
    texts = synaptic_texts(op, p, w, rindex=f"[{SYN}]")
    rename = rename_for(prepared, texts, p)
    w.use(op.size, op.target, op.index, op.start, op.stop)
    scratch.extend((f"_lkr{p}_{j}", op.size) for j in range(len(prepared.randoms)))
    _head(op, p, w, d, prepared, rename)
    _draws(p, w, d, prepared, op.size)
    w(d, f"for _k in range({op.start}, {op.stop}):")
    w(d + 1, f"{op.target}[_k] = 0.0")
    w(d, f"for {SYN} in range({op.size}):")
    element_indices(op, w, d + 1)
    _lookups(op, w, d + 1, prepared.lookups.get(-1, ()), rename)
    value = _expr(prepared.expressions[0], rename)
    w(d + 1, f"{op.target}[{op.index}[{SYN}]] += {value}")


#: Operation class -> emitter; merged into ``loop_numba.EMITTERS``.
EMITTERS = {
    S.SpikePush: _spike_push,
    S.SynapticCode: _synaptic_code,
    S.SummedVariable: _summed_variable,
}
