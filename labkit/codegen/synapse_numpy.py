"""Synaptic operations -> vectorised numpy code with the Numba kernel's exact semantics.

The Numba kernel runs synaptic statements serially, synapse after synapse. Here they run
on whole index arrays, which gives the same numbers whenever no two synapses of one
vector operation touch the same written element. When the statements write a source or
target variable (``v_post += w``), the due synapses are split into *rounds*: round ``r``
holds, for each element, its ``r``-th synapse in queue order; rounds run one after the
other, so each element sees its synapses' updates in serial order (Brian2's ``ufunc.at``
gives the same). Writing both sides at once falls back to rounds computed by a loop.
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.loop_common import prepare, rename_for
from labkit.codegen.numpy_parts import _draws, _expr, _head, _lookups, _statements
from labkit.codegen.spec import BUFFER_FULL
from labkit.codegen.synapse_common import (
    SYN,
    element_indices,
    rank_lines,
    synaptic_texts,
)

__all__ = ["EMITTERS"]



def _spike_push(op: S.SpikePush, p, w, d) -> None:
    q, src = op.owner, op.source
    w.use(f"{src}_spikes", f"{src}_nspikes", f"{q}_start", f"{q}_stop", f"{q}_ptr",
          f"{q}_syn", f"{q}_delay", f"{q}_qdata", f"{q}_qn", f"{q}_qoff")
    w(d, f"_lk_idx = {src}_spikes[:{src}_nspikes[0]]")
    w(d, f"_lk_idx = _lk_idx[(_lk_idx >= {q}_start) & (_lk_idx < {q}_stop)] - {q}_start")
    w(d, f"_lk_a = {q}_ptr[_lk_idx]")
    w(d, f"_lk_c = {q}_ptr[_lk_idx + 1] - _lk_a")
    w(d, "_lk_tot = int(_lk_c.sum())")
    w(d, "if _lk_tot:")
    e = d + 1
    w(e, "_lk_pos = np.repeat(_lk_a - (np.cumsum(_lk_c) - _lk_c), _lk_c) + np.arange(_lk_tot)")
    w(e, f"_lk_sy = {q}_syn[_lk_pos]")
    w(e, f"_lk_D = {q}_qn.shape[0]")
    w(e, f"_lk_slot = ({q}_qoff[0] + {q}_delay[_lk_sy]) % _lk_D")
    rank_lines(w, e, "_lk_slot", "_lk_tot", "_lk_rank")
    w(e, f"_lk_col = {q}_qn[_lk_slot] + _lk_rank")
    w(e, f"if _lk_col.max() >= {q}_qdata.shape[1]:")
    w(e + 1, f"_lk_status[0] = {BUFFER_FULL}; _lk_status[1] = _lk_s; _lk_status[2] = {p}; "
             f"_lk_status[3] = {w.growth[q]}")
    w(e + 1, "return")
    w(e, f"{q}_qdata[_lk_slot, _lk_col] = _lk_sy")
    w(e, f"{q}_qn[:] += np.bincount(_lk_slot, minlength=_lk_D)")


def _rounds(op, w, d) -> str:
    """Lines numbering the rounds of the due events ``_lk_ev``; returns the rank array."""
    spaces = [s for s in ("pre", "post") if s in op.conflicts]
    if len(spaces) == 1:
        arg = op.pre if spaces[0] == "pre" else op.post
        w.use(arg)
        w(d, f"_lk_key = {arg}[_lk_ev]")
        rank_lines(w, d, "_lk_key", "_lk_n", "_lk_rank")
        return "_lk_rank"
    w.use(op.pre, op.post)
    w(d, "_lk_rank = np.zeros(_lk_n, dtype=np.int64)")
    w(d, "_lk_lp = {}")
    w(d, "_lk_lq = {}")
    w(d, "for _k in range(_lk_n):")
    w(d + 1, f"_lk_a = int({op.pre}[_lk_ev[_k]]); _lk_b = int({op.post}[_lk_ev[_k]])")
    w(d + 1, "_lk_r = max(_lk_lp.get(_lk_a, -1), _lk_lq.get(_lk_b, -1)) + 1")
    w(d + 1, "_lk_rank[_k] = _lk_r; _lk_lp[_lk_a] = _lk_r; _lk_lq[_lk_b] = _lk_r")
    return "_lk_rank"


def _synaptic_code(op: S.SynapticCode, p, w, d) -> None:
    q = op.queue
    prepared = prepare(op, op.statements)
    texts = synaptic_texts(op, p, w, rindex="[_lk_sel]")
    rename = rename_for(prepared, texts, p)
    _head(op, w, d, prepared, rename)
    if not q:
        w.use(op.size)
        _draws(p, w, d, prepared, op.size)
        w(d, f"_lk_sel = {SYN} = slice(None)")
        element_indices(op, w, d)
        _statements(op, w, d, prepared, rename)
        return
    w.use(f"{q}_qdata", f"{q}_qn", f"{q}_qoff")
    w(d, f"_lk_off = int({q}_qoff[0])")
    w(d, f"_lk_n = int({q}_qn[_lk_off])")
    w(d, f"_lk_ev = {q}_qdata[_lk_off, :_lk_n]")
    _draws(p, w, d, prepared, "_lk_n")
    w(d, "if _lk_n:")
    e = d + 1
    if op.conflicts:
        rank = _rounds(op, w, e)
        w(e, f"for _lk_r in range(int({rank}.max()) + 1):")
        w(e + 1, f"_lk_sel = np.flatnonzero({rank} == _lk_r)")
        e += 1
    else:
        w(e, "_lk_sel = slice(None)")
    w(e, f"{SYN} = _lk_ev[_lk_sel]")
    element_indices(op, w, e)
    _statements(op, w, e, prepared, rename)
    w(d, f"{q}_qn[_lk_off] = 0")
    w(d, f"{q}_qoff[0] = (_lk_off + 1) % {q}_qn.shape[0]")


def _summed_variable(op: S.SummedVariable, p, w, d) -> None:
    prepared = prepare(op, (), (op.expr,))
    texts = synaptic_texts(op, p, w, rindex="[_lk_sel]")
    rename = rename_for(prepared, texts, p)
    w.use(op.size, op.target, op.index, op.start, op.stop)
    _head(op, w, d, prepared, rename)
    _draws(p, w, d, prepared, op.size)
    w(d, f"_lk_sel = {SYN} = slice(None)")
    element_indices(op, w, d)
    _lookups(op, w, d, prepared.lookups.get(-1, ()), rename)
    value = _expr(prepared.expressions[0], rename)
    w(d, f"_lk_val = np.broadcast_to(np.asarray({value}, dtype=np.float64), ({op.size},))")
    w(d, f"{op.target}[{op.start}:{op.stop}] = np.bincount({op.index} - {op.start}, "
         f"weights=_lk_val, minlength={op.stop} - {op.start})")


#: Operation class -> emitter; merged into ``loop_numpy.EMITTERS``.
EMITTERS = {
    S.SpikePush: _spike_push,
    S.SynapticCode: _synaptic_code,
    S.SummedVariable: _summed_variable,
}
