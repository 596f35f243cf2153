"""Each operation of a KernelSpec -> its loop description, written once for every language.

:func:`describe` gives the statements (:mod:`labkit.codegen.loops`) one operation runs at
a step when its clock is due; the printers turn them into Numba, numpy or C++. Neurons,
monitors and inputs are here, synapses in :mod:`labkit.codegen.synaptic`. Arguments are
named by :func:`~labkit.codegen.spec.argument` from the operation's owner, as the plans
that bind their values name them.

>>> from labkit.codegen.spec import PythonCall
>>> describe(PythonCall("_o2", 0, (), "op"), 3, KernelSpec((), 1))
(PythonCallStop(p=3, label='op'),)
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.cable import BUILDERS as CABLE
from labkit.codegen.loops import (
    Append,
    Assign,
    At,
    Call,
    Const,
    For,
    If,
    Length,
    Model,
    Name,
    Op,
    PythonCallStop,
    Stop,
    Update,
    While,
    land,
    lnot,
    lor,
)
from labkit.codegen.modelcode import clock_names, draws, head, lookups, scope, statements
from labkit.codegen.prepare import is_scalar_expr, prepare
from labkit.codegen.spec import NOT_FINITE, KernelSpec, argument
from labkit.codegen.synaptic import BUILDERS as SYNAPTIC
from labkit.codegen.synaptic import POST, PRE, elements

__all__ = ["describe", "BUILDERS"]

I, K, J, N_ = Name("_i"), Name("_k"), Name("_lk_j"), Name("_lk_n")


def _internal(owner: str, part: str) -> Name:
    return Name(argument(owner, part, "internal"))


def _refractory_steps(ref, dt):
    """Brian2's ``timestep(refractory, dt)``, times dt: ``int((ref + 1e-3*dt)/dt)*dt``."""
    return Call("int", ((ref + Const(1e-3) * dt) / dt,)) * dt


def _state_update(op: S.StateUpdate, p: int, spec) -> tuple:
    """Refractoriness and integration of every element; a check for values not finite."""
    exprs = (op.ref_expr,) if op.ref_expr is not None else ()
    prepared = prepare(op, op.statements, exprs)
    sc = scope(op, prepared, p, element=I, draw=I)
    size, clock = Name(op.size), clock_names(op.clock)
    out = [*head(op, sc, prepared), *draws(p, prepared, sc, size, size)]
    ref_time = None
    if op.refractory == "time" and is_scalar_expr(op, prepared.expressions[0]):
        ref_time = Name("_lk_reft")  # the same for every element: once per step
        out.append(Assign(ref_time, _refractory_steps(Model(prepared.expressions[0], sc),
                                                      clock["dt"]), "const double"))
    if op.checked:
        out.append(Assign(Name("_lk_bad"), Const(False), "int"))
    # Each variable read once into a local and written back once: fewer loads and stores,
    # and no aliasing between arrays for the compiler to fear, so the loop vectorises.
    arrays = {s.name: sc.names[s.name] for s in op.symbols if s.role == "array"}
    local = {name: Name(f"_lk_l_{name}") for name in arrays}
    body = [Assign(local[name], arrays[name], "auto") for name in arrays]
    sc.names.update(local)
    nr = sc.names.get("not_refractory")
    if op.refractory is not None:
        body += lookups(op, sc, prepared, -1)
        ref = Model(prepared.expressions[0], sc)
        if op.refractory == "time":
            # Brian2: timestep(t - lastspike, dt) >= timestep(refractory, dt); both sides
            # times dt, the same test without a division per element
            limit = ref_time if ref_time is not None else _refractory_steps(ref, clock["dt"])
            body.append(Assign(nr, (clock["t"] - sc.names["lastspike"]
                                    + Const(1e-3) * clock["dt"]).ge(limit)))
        else:
            body.append(Assign(nr, lor(nr, lnot(ref))))
    body += statements(op, sc, prepared, op.held, nr)
    written = {stmt.target for stmt in prepared.statements}
    if op.refractory is not None:
        written.add("not_refractory")
    body += [Assign(arrays[name], local[name]) for name in sorted(written & set(arrays))]
    if op.checked:  # a flag in the loop keeps it vectorisable; the search runs on error
        finite = [Call("isfinite", (local.get(n, sc.names[n]),)) for n in op.checked]
        body.append(Update(Name("_lk_bad"), "|", lnot(Op("bitand", tuple(finite)))))
    out.append(For("_i", Const(0), size, tuple(body), kind="elements", simd=True,
                   threads=op.size, arange=argument(op.owner, "i", "internal"),
                   reduce=(("|", "_lk_bad"),) if op.checked else ()))
    if op.checked:
        search = [For("_i", Const(0), size, (
            If(lnot(Call("isfinite", (arrays.get(n, sc.names[n]),))),
               (Stop(NOT_FINITE, p, ((3, I), (4, Const(k)))),)),))
            for k, n in enumerate(op.checked)]
        out.append(If(Name("_lk_bad"), tuple(search)))
    return tuple(out)


def _threshold(op: S.Threshold, p: int, spec) -> tuple:
    """The elements whose condition holds, in index order, into the spike array."""
    prepared = prepare(op, (), (op.condition,))
    sc = scope(op, prepared, p, element=I, draw=I)
    size = Name(op.size)
    crossed = Model(prepared.expressions[0], sc)
    nr = sc.names.get("not_refractory")
    spike = [Assign(At(argument(op.owner, "spikes", "internal"), (N_,)), I)]
    if op.refractory:
        spike += [Assign(sc.names["lastspike"], clock_names(op.clock)["t"]),
                  Assign(nr, Const(False))]
    return (*head(op, sc, prepared), *draws(p, prepared, sc, size, size),
            Assign(N_, Const(0), "int64_t"),
            # the vectorised pass tests the condition alone: with the not_refractory
            # booleans g++ does not vectorise it (CUBA's loop: 106 ms with them, 74 without)
            Append("_i", Const(0), size, tuple(lookups(op, sc, prepared, -1)),
                   land(crossed, nr) if op.refractory else crossed, tuple(spike), N_,
                   blocked=True, check=crossed),
            Assign(At(argument(op.owner, "nspikes", "internal"), (Const(0),)), N_))


def _reset(op: S.Reset, p: int, spec) -> tuple:
    """The statements, for each element that spiked this step."""
    prepared = prepare(op, op.statements)
    sc = scope(op, prepared, p, element=I, draw=K)
    spikes = Name(argument(op.owner, "spikes", "internal"))
    return (*head(op, sc, prepared),
            Assign(N_, _internal(op.owner, "nspikes")[Const(0)], "const int64_t"),
            *draws(p, prepared, sc, N_, _internal(op.owner, "N")),
            For("_k", Const(0), N_, (Assign(I, spikes[K], "const int64_t"),
                                     *statements(op, sc, prepared)), kind="elements"))


def _scalar_code(op: S.ScalarCode, p: int, spec) -> tuple:
    """The statements once per step, not per element (``(shared)`` variables)."""
    prepared = prepare(op, op.statements)
    sc = scope(op, prepared, p, element=Const(0), draw=Const(0))
    return (*head(op, sc, prepared), *draws(p, prepared, sc, Const(1), Const(1)),
            *statements(op, sc, prepared))


def _state_record(op: S.StateRecord, p: int, spec) -> tuple:
    """One column of values per step, one row per recorded element."""
    prepared = prepare(op, (), tuple(e for _, e in op.variables))
    # a Synapses' monitor: _i is the synapse, its source and target elements bound from it
    by_kind = {"syn": I, "pre": PRE, "post": POST} if op.indices else None
    sc = scope(op, prepared, p, element=I, draw=K, by_kind=by_kind)
    o = op.owner
    rec = argument(o, "rec", "internal")
    out = [Assign(J, _internal(o, "n")[Const(0)], "const int64_t"),
           Assign(_internal(o, "t")[J], clock_names(op.clock)["t"]),
           *head(op, sc, prepared),
           # a recorded subexpression may call rand(): one draw per recorded element
           *draws(p, prepared, sc, Length(rec), Length(rec))]
    if op.variables:
        values = [Assign(At(argument(o, f"v_{name}", "internal"), (K, J)), Model(expr, sc))
                  for (name, _), expr in zip(op.variables, prepared.expressions, strict=True)]
        out.append(For("_k", Const(0), Length(rec), (
            Assign(I, Name(rec)[K], "const int64_t"), *elements(op, I),
            *lookups(op, sc, prepared, -1),
            *values), kind="elements"))
    out.append(Assign(_internal(o, "n")[Const(0)], J + 1))
    return tuple(out)


def _in_range(o: str, src: str):
    """(bind, cond): ``_i`` = the next spike of ``src``, which ``o`` takes when in range."""
    start, stop = _internal(o, "start"), _internal(o, "stop")
    bind = (Assign(I, _internal(src, "spikes")[K], "const int64_t"),)
    return bind, land(I.ge(start), I.lt(stop))


def _spike_record(op: S.SpikeRecord, p: int, spec) -> tuple:
    """Index, time and values of the source's spikes in [start, stop), appended."""
    prepared = prepare(op, (), tuple(e for _, e in op.variables))
    sc = scope(op, prepared, p, element=I, draw=K)
    o, start = op.owner, _internal(op.owner, "start")
    bind, cond = _in_range(o, op.source)
    body = (Assign(_internal(o, "i")[J], I - start),
            Assign(_internal(o, "t")[J], clock_names(op.clock)["t"]),
            Update(_internal(o, "count")[I - start], "+", Const(1)),
            *lookups(op, sc, prepared, -1),
            *(Assign(At(argument(o, f"v_{name}", "internal"), (J,)), Model(expr, sc))
              for (name, _), expr in zip(op.variables, prepared.expressions, strict=True)))
    spikes = _internal(op.source, "nspikes")[Const(0)]
    return (*head(op, sc, prepared), Assign(J, _internal(o, "n")[Const(0)], "int64_t"),
            # a recorded subexpression may call rand(): one draw per spike of the source
            *draws(p, prepared, sc, spikes, _internal(op.source, "N")),
            Append("_k", Const(0), spikes, bind, cond,
                   body, J),
            Assign(_internal(o, "n")[Const(0)], J))


def _rate_record(op: S.RateRecord, p: int, spec) -> tuple:
    """The fraction of the source's elements in [start, stop) that spiked, per dt."""
    o, c, clock = op.owner, Name("_lk_c"), clock_names(op.clock)
    bind, cond = _in_range(o, op.source)
    width = _internal(o, "stop") - _internal(o, "start")
    return (Assign(c, Const(0), "int64_t"),
            Append("_k", Const(0), _internal(op.source, "nspikes")[Const(0)], bind, cond, (),
                   c),
            Assign(J, _internal(o, "n")[Const(0)], "const int64_t"),
            Assign(_internal(o, "rate")[J], c / (width * clock["dt"])),
            Assign(_internal(o, "t")[J], clock["t"]),
            Assign(_internal(o, "n")[Const(0)], J + 1))


def _spike_generator(op: S.SpikeGenerator, p: int, spec) -> tuple:
    """The spikes of this time bin, from sorted (bin, index) arrays, repeating if asked."""
    o = op.owner
    tb, last, bins = Name("_lk_tb"), Name("_lk_last"), _internal(o, "bins")
    period = _internal(o, "period")
    return (Assign(tb, clock_names(op.clock)["timestep"], "int64_t"),
            Assign(last, _internal(o, "last")[Const(0)], "int64_t"),
            If(period.gt(0), (Assign(tb, tb % period),
                              If(land(last.gt(0), bins[last - 1].ge(tb)),
                                 (Assign(last, Const(0)),)))),
            Assign(N_, Const(0), "int64_t"),
            While(land((last + N_).lt(Length(bins.name)), bins[last + N_].le(tb)), (
                Assign(_internal(o, "spikes")[N_], _internal(o, "indices")[last + N_]),
                Update(N_, "+", Const(1)))),
            Assign(_internal(o, "last")[Const(0)], last + N_),
            Assign(_internal(o, "nspikes")[Const(0)], N_))


def _python_call(op: S.PythonCall, p: int, spec) -> tuple:
    return (PythonCallStop(p, op.label),)


#: Operation class -> the function describing its loop: (op, position, KernelSpec) ->
#: statements.
BUILDERS = {
    S.StateUpdate: _state_update,
    S.Threshold: _threshold,
    S.Reset: _reset,
    S.ScalarCode: _scalar_code,
    S.StateRecord: _state_record,
    S.SpikeRecord: _spike_record,
    S.RateRecord: _rate_record,
    S.SpikeGenerator: _spike_generator,
    S.PythonCall: _python_call,
    **SYNAPTIC,  # spike push, per-synapse code, summed variables
    **CABLE,  # a spatial neuron's implicit cable step
}


def describe(op: S.Operation, p: int, spec: KernelSpec) -> tuple:
    """The statements operation ``op`` (at position ``p`` of ``spec``) runs at a step."""
    return BUILDERS[type(op)](op, p, spec)
