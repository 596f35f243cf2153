"""``S.connect(...)`` -> new synapses appended to a Synapses (Brian2's ``connect``).

The rules themselves (conditions, ``p``, ``n``, index arrays, generator syntax) are
:func:`labkit.synapses.connect.generate_connections`; this module gathers what they read:
the source and target variables (for ``v_pre > v_post`` conditions; within a subgroup,
only its elements, as Brian2), the namespace, the random generator and the
device (compiled rules on the default device, numpy on the numpy device). Indices are
relative to the (sub)groups; the Synapses adds the subgroups' offsets.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from labkit.core.elements import element_indices
from labkit.core.random import get_rng
from labkit.core.variables import as_quantity
from labkit.devices import get_device, numba_available
from labkit.errors import OutOfMemoryError
from labkit.memory import available_memory, limit_text, size_text
from labkit.plan.synapses import pathway_names
from labkit.synapses.connect_args import plain_connections
from labkit.synapses.connect_run import TooManySynapses, rule_key, stored_connections

__all__ = ["connect"]


class _GroupValues(Mapping):
    """A group's variables -> values over its elements (Quantities where they have units).
    A subexpression's (``I_pre`` in a condition, as Brian2 allows) are computed when a rule
    reads them, with the names where connect() was called (``run``): computing every one
    would cost each call, and fail for one that reads a name defined only later."""

    def __init__(self, group, run):
        self._group, self._run, self._found = group, run, {}
        # a Synapses' i and j are variables (a synapse's neurons): 'i_pre' names them
        self._names = tuple(
            name for name, var in group._owner.variables.items()
            if not (name.startswith("_") or name == "N" or (name == "i" and var.kind == "index"))
            and (var.array is not None or var.kind == "subexpression"))

    def __getitem__(self, name):
        if name not in self._found:
            if name not in self._names:
                raise KeyError(name)
            group = self._group
            owner = group._owner
            var = owner.variables[name]
            if var.kind == "subexpression":
                values = np.asarray(owner._get(name, units=False, namespace=self._run))
            else:
                values = var.array
            values = values.reshape(-1)[0] if var.shared else values[group._start:group._stop]
            self._found[name] = as_quantity(np.asarray(values), var.dim)
        return self._found[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def connect(synapses, condition, i, j, p, n, skip_if_invalid, namespace) -> None:
    """Generate the synapses of one connect() call and append them (see module doc).

    ``namespace``: a :class:`~labkit.core.namespace.Namespace` (the Synapses' own
    ``namespace=``, then connect's ``namespace=`` or the caller's names).
    """
    label = synapses._label()
    i, j = element_indices(i, synapses.source), element_indices(j, synapses.target)
    if isinstance(p, numbers.Real) and not isinstance(p, bool) and not 0 <= p <= 1:
        raise ValueError(f"{label}.connect(): p must be a probability between 0 and 1, "
                         f"got p={p!r}")
    if isinstance(n, numbers.Real) and not isinstance(n, bool) and n < 0:
        raise ValueError(f"{label}.connect(): n must be >= 0, got n={n!r}")
    device = "numpy" if getattr(get_device(), "name", "") == "numpy" \
        or not numba_available() else "auto"
    per_synapse = _bytes_per_synapse(synapses)
    _check_all_pairs(synapses, condition, i, j, p, n, per_synapse)
    limit = max(1, available_memory() // per_synapse)
    run = getattr(namespace, "run", None)
    source_vars = _GroupValues(synapses.source, run)
    target_vars = _GroupValues(synapses.target, run)
    key = rule_key(condition, i, j, p, n)
    try:
        # index arrays need no rule; a rule connected before runs without sympy
        # (connect_run); else the cold path
        made = plain_connections(synapses.source.N, synapses.target.N, condition=condition,
                                 i=i, j=j, p=p, n=n, skip_if_invalid=skip_if_invalid,
                                 rng=get_rng())
        if made is None:
            made = stored_connections(
                key, synapses.source.N, synapses.target.N, p=p, n=n, namespace=namespace,
                source_vars=source_vars, target_vars=target_vars, rng=get_rng(),
                device=device, limit=limit, skip_if_invalid=skip_if_invalid)
        if made is None:
            from labkit.synapses.connect import generate_connections  # loads sympy

            made = generate_connections(
                synapses.source.N, synapses.target.N, condition=condition, i=i, j=j, p=p,
                n=n, skip_if_invalid=skip_if_invalid, namespace=namespace,
                source_vars=source_vars, target_vars=target_vars, rng=get_rng(),
                device=device, limit=limit, remember_as=key)
        sources, targets = made
    except TooManySynapses as many:
        raise _too_many(synapses, many.projected, per_synapse,
                        f"was stopped after making {many.count:,} synapses for the first "
                        f"{many.o + 1:,} of {many.n_outer:,} neurons; at that rate it "
                        "would make") from None
    except (ValueError, TypeError, IndexError) as error:
        raise type(error)(f"{label}.connect(): {error}") from error
    synapses._append(np.asarray(sources), np.asarray(targets), owned=True)


def _bytes_per_synapse(synapses) -> int:
    """Memory one synapse takes (see Synapses' docstring): its own variables (weights,
    delays), its source and target elements (int32 each), ``i``/``j`` of a subgroup when
    a pathway's code reads it (computed from the elements and kept, see
    ``SubgroupIndex``), what each pathway's queue keeps per synapse at a run
    (:func:`_pathway_bytes`) and connect()'s two int32 buffers while it generates them
    (counted although they become the source and target elements of a first connect():
    a later one copies them)."""
    own = sum(v.array.dtype.itemsize for v in synapses._per_synapse_variables()
              if v.name not in ("i", "j"))
    read = set().union(*(pathway_names(synapses, p) for p in synapses._pathways))
    apart = 4 * sum(group._start != 0 and name in read for name, group in
                    (("i", synapses.source), ("j", synapses.target)))
    queues = sum(_pathway_bytes(synapses, p) for p in synapses._pathways)
    return own + apart + 2 * 4 + queues + 2 * 4


def _pathway_bytes(synapses, pathway) -> int:
    """A pathway's queue per synapse (``labkit.synapses.queue``), from the names its code
    reads (the plan's :func:`~labkit.plan.synapses.pathway_names`, each resolved by
    ``_kind_of`` as the plan does): ``reach``, the other side's elements in the queue's
    order (int32), when the code reads that side's variables; the order itself (``syn``,
    int32) when it reads a synaptic variable or its own side's (each event then needs its
    synapse); and with delays that differ (already set, as connect() sees them) each
    synapse's delay in steps (int32) and the order. A synaptic subexpression counts as a
    synaptic variable: the estimate may be 4 bytes high, never low."""
    sides = {"syn": synapses, "pre": synapses.source._owner, "post": synapses.target._owner}
    other = "post" if pathway.prepost == "pre" else "pre"
    reach = indexed = False
    for name in pathway_names(synapses, pathway):
        side, base = synapses._kind_of(name)
        var = sides[side].variables.get(base) if side in sides else None
        if var is None or var.shared or var.kind == "linked" or not (
                var.kind == "subexpression" or getattr(var, "computed_when_read", False)
                or var.array is not None):
            continue  # a constant, a function, a unit, a keyword: one value
        reach |= side == other
        indexed |= side != other
    delays = pathway.delay_var
    steps = not delays.shared and delays.array.size > 0 \
        and delays.array.min() != delays.array.max()
    return 4 * reach + 4 * (indexed or steps) + 4 * steps


def _check_all_pairs(synapses, condition, i, j, p, n, per_synapse: int) -> None:
    """connect(p=...) over all pairs: the expected count is known before generating."""
    if i is not None or j is not None or condition not in (None, True, "True"):
        return
    if not all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in (p, n)):
        return
    expected = synapses.source.N * synapses.target.N * float(p) * float(n)
    if expected * per_synapse > available_memory():
        raise _too_many(synapses, expected, per_synapse,
                        f"of {synapses.source.N:,} x {synapses.target.N:,} pairs with "
                        f"p={p:g} would make")


def _too_many(synapses, count: float, per_synapse: int, how: str) -> OutOfMemoryError:
    available = available_memory()
    return OutOfMemoryError(
        f"{synapses._label()}.connect() {how} about {count:,.0f} synapses, which "
        f"would need {size_text(count * per_synapse)} ({per_synapse} bytes each), but "
        f"only {size_text(available)} of memory is available (limit: {limit_text()}; "
        f"room for about {available // per_synapse:,}). Connect fewer pairs: a smaller p, "
        "a condition such as 'abs(i - j) < 50', a fixed number per neuron "
        "(j='k for k in sample(N_post, size=100)'), or smaller groups.")
