"""Synaptic operations -> C++ functions: spike push, per-synapse code, summed variables.

The C++ twins of ``synapse_numba``'s emitters, statement for statement (queue layout in
``spec``); ``loop_cpp`` merges :data:`EMITTERS` into its table. The loops stay serial, in
synapse (or queue) order, which is Brian2's order: several events hitting one target
element in one step add up exactly as in Brian2 and on the other devices. That is also
why they carry no OpenMP pragma: synapses of one step may write the same element.

``qdata`` is a 2-D (slots x capacity) array passed flat: row ``r`` starts at
``r*<q>_qdata_n1``, the row stride the project's prelude declares. One difference from
the other devices: the push never returns BUFFER_FULL, it widens a full queue in place
(``_lk_grow_columns``); results/ then holds the wider ``qdata``, which the pathway adopts.
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.cpp_parts import _draws, _expr, _head, _lookups, _statements
from labkit.codegen.loop_common import prepare, rename_for
from labkit.codegen.synapse_common import SYN, element_indices, synaptic_texts

__all__ = ["EMITTERS"]



def _spike_push(op: S.SpikePush, p, w, d, scratch) -> None:
    q, src = op.owner, op.source
    w.use(f"{src}_spikes", f"{src}_nspikes", f"{q}_start", f"{q}_stop", f"{q}_ptr",
          f"{q}_syn", f"{q}_delay", f"{q}_qdata", f"{q}_qn", f"{q}_qoff")
    w(d, f"const int64_t _lk_D = {q}_qn_n0;")
    w(d, f"const int64_t _lk_off = {q}_qoff[0];")
    # the globals, not the prelude's copies: a full slot moves qdata and changes its
    # stride, and the restrict copy would promise that nothing else (the copying) reads it
    w(d, f"auto* _lk_qdata = lk::{q}_qdata;")
    w(d, f"int64_t _lk_cap = lk::{q}_qdata_n1;")
    w(d, f"for (int64_t _k = 0; _k < {src}_nspikes[0]; ++_k) {{")
    w(d + 1, f"const int64_t _lk_e = {src}_spikes[_k] - {q}_start;")
    w(d + 1, f"if (_lk_e < 0 || _lk_e >= {q}_stop - {q}_start) continue;")
    w(d + 1, f"for (int64_t _m = {q}_ptr[_lk_e]; _m < {q}_ptr[_lk_e + 1]; ++_m) {{")
    _push_one(q, w, d + 2)
    w(d + 1, "}")
    w(d, "}")


def _push_one(q: str, w, d) -> None:
    """Queue synapse ``q_syn[_m]`` in the slot of its delay, widening a full queue first.

    The runtime devices return BUFFER_FULL, undo the push and resume it after doubling the
    capacity; a return here would be a new process. Doubling at the event that does not
    fit keeps the events written so far (they move with their rows) and ends at the
    capacity those devices reach, so ``qdata`` comes back with the same shape.
    """
    w(d, f"const int64_t {SYN} = {q}_syn[_m];")
    w(d, f"int64_t _lk_slot = _lk_off + {q}_delay[{SYN}];")
    w(d, "if (_lk_slot >= _lk_D) _lk_slot -= _lk_D;")
    w(d, f"const int64_t _lk_c = {q}_qn[_lk_slot];")
    w(d, "if (_lk_c >= _lk_cap) {")
    w(d + 1, f"_lk_grow_columns(lk::{q}_qdata, _lk_D, lk::{q}_qdata_n1, 2*_lk_cap);")
    w(d + 1, f"_lk_qdata = lk::{q}_qdata;")
    w(d + 1, f"_lk_cap = lk::{q}_qdata_n1;")
    w(d, "}")
    w(d, f"_lk_qdata[_lk_slot*_lk_cap + _lk_c] = {SYN};")
    w(d, f"{q}_qn[_lk_slot] = _lk_c + 1;")


def _synaptic_code(op: S.SynapticCode, p, w, d, scratch) -> None:
    q = op.queue
    prepared = prepare(op, op.statements)
    texts = synaptic_texts(op, p, w, rindex="[_k]" if q else f"[{SYN}]")
    rename = rename_for(prepared, texts, p)
    _head(op, w, d, prepared, rename)
    if q:
        w.use(f"{q}_qdata", f"{q}_qn", f"{q}_qoff")
        w(d, f"const int64_t _lk_off = {q}_qoff[0];")
        w(d, f"const int64_t _lk_n = {q}_qn[_lk_off];")
        _draws(p, w, d, prepared, "_lk_n", scratch)
        w(d, "for (int64_t _k = 0; _k < _lk_n; ++_k) {")
        w(d + 1, f"const int64_t {SYN} = {q}_qdata[_lk_off*{q}_qdata_n1 + _k];")
    else:
        w.use(op.size)
        _draws(p, w, d, prepared, op.size, scratch)
        w(d, f"for (int64_t {SYN} = 0; {SYN} < {op.size}; ++{SYN}) {{")
    element_indices(op, w, d + 1, "cpp")
    _statements(op, w, d + 1, prepared, rename)
    w(d, "}")
    if q:  # the slot is delivered: empty it and move the ring on by one step
        w(d, f"{q}_qn[_lk_off] = 0;")
        w(d, f"{q}_qoff[0] = _lk_off + 1 >= {q}_qn_n0 ? 0 : _lk_off + 1;")


def _summed_variable(op: S.SummedVariable, p, w, d, scratch) -> None:
    prepared = prepare(op, (), (op.expr,))
    texts = synaptic_texts(op, p, w, rindex=f"[{SYN}]")
    rename = rename_for(prepared, texts, p)
    w.use(op.size, op.target, op.index, op.start, op.stop)
    _head(op, w, d, prepared, rename)
    _draws(p, w, d, prepared, op.size, scratch)
    w(d, f"for (int64_t _k = {op.start}; _k < {op.stop}; ++_k) {op.target}[_k] = 0.0;")
    w(d, f"for (int64_t {SYN} = 0; {SYN} < {op.size}; ++{SYN}) {{")
    element_indices(op, w, d + 1, "cpp")
    _lookups(op, w, d + 1, prepared.lookups.get(-1, ()), rename)
    value = _expr(prepared.expressions[0], rename)
    w(d + 1, f"{op.target}[{op.index}[{SYN}]] += {value};")
    w(d, "}")


#: Operation class -> emitter; merged into ``loop_cpp.EMITTERS``.
EMITTERS = {
    S.SpikePush: _spike_push,
    S.SynapticCode: _synaptic_code,
    S.SummedVariable: _summed_variable,
}
