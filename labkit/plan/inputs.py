"""Inputs that need no model strings -> their ObjectPlans: spike generators, Python calls.

A SpikeGeneratorGroup hands over its spikes as time bins (already binned for this run's
dt) and indices; a network_operation its function, which the runner calls when the
kernel stops at the operation's place in the schedule.
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.spec import argument
from labkit.plan.objectplan import ObjectPlan

__all__ = ["plan_spike_generator", "plan_network_operation"]


def plan_spike_generator(group, ctx, bins, period: int) -> ObjectPlan:
    """``bins``/``group._indices``: sorted spikes (time bin, element); ``period`` in steps
    (0: no repetition); ``group._last`` says where this run starts in them."""
    prefix = ctx.owner(group)
    op = S.SpikeGenerator(prefix, ctx.clock(group), (), group.name)
    size = argument(prefix, "N", "internal")
    values = {argument(prefix, "bins", "internal"): bins,
              argument(prefix, "indices", "internal"): group._indices,
              argument(prefix, "last", "internal"): group._last,
              argument(prefix, "period", "internal"): period,
              argument(prefix, "spikes", "internal"): group._spikes,
              argument(prefix, "nspikes", "internal"): group._nspikes, size: group._N}
    return ObjectPlan(((group.when, group.order, op),), values)


def plan_network_operation(operation, ctx) -> ObjectPlan:
    """A PythonCall where the operation's schedule slot is; the runner calls ``_call``."""
    op = S.PythonCall(ctx.owner(operation), ctx.clock(operation), (), operation.name)
    return ObjectPlan(((operation.when, operation.order, op),), call=operation._call)
