"""Synaptic operations -> their loop descriptions: spike push, per-synapse code, summed.

Synaptic statements index each name by the synapse (``w``), its source element (``v_pre``)
or its target element (``v_post``) (``SynapticCode.indices``). Everything runs in synapse
(or queue) order, Brian2's order, so several events hitting one target element in one
step add up exactly as in Brian2: the loops over events are ``ordered`` (numpy runs them
in rounds of events that do not share a written element), the summed variables a
:class:`~labkit.codegen.loops.ScatterAdd`. The queue layout is described in ``spec``.
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.loops import (
    Assign,
    At,
    Const,
    For,
    If,
    Length,
    Model,
    Name,
    Push,
    ScatterAdd,
)
from labkit.codegen.modelcode import draws, head, lookups, scope, statements
from labkit.codegen.prepare import prepare
from labkit.codegen.spec import argument

__all__ = ["BUILDERS", "PRE", "POST", "elements"]

#: Loop-local names holding the current synapse and its source and target elements.
SYN, PRE, POST = Name("_s"), Name("_lk_pre"), Name("_lk_post")
_BY_KIND = {"syn": SYN, "pre": PRE, "post": POST}

#: A queue's arguments (its prefix, then ``_qdata``, ...; see ``spec``).
QUEUE_PARTS = ("start", "stop", "ptr", "syn", "delay", "hom", "qdata", "qn", "qn0", "qoff")


def elements(op, syn: Name = SYN, reach: tuple = ("", None)) -> tuple:
    """Bind the source and target element of synapse ``syn``, where the code uses them;
    ``reach``: (kind, its value) for the side a queue provides in its own order."""
    kinds = {kind for _, kind in op.indices}
    return tuple(Assign(local, reach[1] if kind == reach[0] else Name(arg)[syn],
                        "const int64_t")
                 for kind, local, arg in (("pre", PRE, op.pre), ("post", POST, op.post))
                 if kind in kinds)


def _queue(q: str, part: str) -> Name:
    return Name(argument(q, part, "internal"))


def _spike_push(op: S.SpikePush, p: int, spec) -> tuple:
    args = {part: argument(op.owner, part, "internal") for part in QUEUE_PARTS}
    args["spikes"] = argument(op.source, "spikes", "internal")
    args["nspikes"] = argument(op.source, "nspikes", "internal")
    return (Push(args, spec.growth_of(op.owner), p),)


def _synaptic_code(op: S.SynapticCode, p: int, spec) -> tuple:
    """Statements per synapse: all of them (clock-driven), or the events due now."""
    q = op.queue
    prepared = prepare(op, op.statements)
    k = Name("_k")
    sc = scope(op, prepared, p, element=SYN, draw=k if q else SYN, by_kind=_BY_KIND)
    if not q:
        size = Name(op.size)
        return (*head(op, sc, prepared), *draws(p, prepared, sc, size, size),
                For("_s", Const(0), size, (*elements(op), *statements(op, sc, prepared)),
                    kind="elements"))
    off, n, m = Name("_lk_off"), Name("_lk_n"), Name("_lk_qm")
    qn, qoff = _queue(q, "qn"), _queue(q, "qoff")
    # an event is a position m in the queue's order: its synapse is syn[m], the element it
    # reaches reach[m] (read in order along a spike's synapses, see spec)
    # (a queue whose code does not read syn holds a placeholder there: reads_synapse)
    code = (Assign(m, At(argument(q, "qdata", "internal"), (off, k)), "const int64_t"),
            *((Assign(SYN, _queue(q, "syn")[m], "const int64_t"),) if op.reads_synapse
              else ()),
            *elements(op, reach=(op.reach, _queue(q, "reach")[m])),
            *statements(op, sc, prepared))
    # the elements written are bound above (a conflict is a side the statements use)
    keys = tuple(_BY_KIND[space] for space in op.conflicts)
    return (*head(op, sc, prepared),
            Assign(off, qoff[Const(0)], "const int64_t"),
            Assign(n, qn[off], "const int64_t"),
            *draws(p, prepared, sc, n, Length(argument(q, "qdata", "internal"), 1)),
            For("_k", Const(0), n, code, kind="ordered", keys=keys),
            # the slot is delivered: empty it and move the ring on by one step
            Assign(qn[off], Const(0)),
            If((off + 1).ge(Length(qn.name)), (Assign(qoff[Const(0)], Const(0)),),
               (Assign(qoff[Const(0)], off + 1),)))


def _summed_variable(op: S.SummedVariable, p: int, spec) -> tuple:
    """``target[start:stop] = 0``, then each synapse adds its value at its element."""
    prepared = prepare(op, (), (op.expr,))
    sc = scope(op, prepared, p, element=SYN, draw=SYN, by_kind=_BY_KIND)
    size, k = Name(op.size), Name("_k")
    return (*head(op, sc, prepared), *draws(p, prepared, sc, size, size),
            For("_k", Name(op.start), Name(op.stop), (Assign(At(op.target, (k,)), Const(0.0)),),
                kind="elements"),
            ScatterAdd("_s", size, (*elements(op), *lookups(op, sc, prepared, -1)),
                       op.target, Name(op.index)[SYN], Model(prepared.expressions[0], sc),
                       Name(op.start), Name(op.stop)))


#: Operation class -> the function describing its loop (see ``operations.BUILDERS``).
BUILDERS = {
    S.SpikePush: _spike_push,
    S.SynapticCode: _synaptic_code,
    S.SummedVariable: _summed_variable,
}
