"""A NeuronGroup's custom events at the start of a run -> their operations and arrays.

Brian2 generalises the spike to named events, each a condition checked every step
(``events={'gspike': 'g > 1 and allow_gspike'}``), with code run on an event
(``G.run_on_event('gspike', 'allow_gspike = False')``). As in Brian2, an event's condition
is checked in the ``after_thresholds`` slot, its code runs in ``after_resets`` unless said
otherwise, and neither is subject to refractoriness.

In a kernel an event is a :class:`~labkit.codegen.spec.Threshold` and its code a
:class:`~labkit.codegen.spec.Reset`, both owned by the event's own argument prefix
(:func:`event_prefix`): they fill and read the event's ``spikes``/``nspikes`` arguments as
the spike's threshold and reset do the group's. So pathways (``on_event=``) and monitors
(``EventMonitor``) find an event exactly where they find spikes, under another prefix.
"""

from __future__ import annotations

from labkit.codegen import spec as S
from labkit.codegen.ir import Statement
from labkit.codegen.spec import argument
from labkit.equations.checks import check_condition, check_statement
from labkit.plan.arguments import event_prefix
from labkit.plan.structure import names_in, parse_code, parse_condition

__all__ = ["event_prefix", "event_names", "event_operations"]


def event_names(group) -> set[str]:
    """Every name the events' conditions and code use (for the namespace lookup)."""
    names = set()
    for event, condition in group.events.items():
        names |= names_in(parse_condition(condition, f"the condition of event '{event}'"))
    for event, entry in group._event_code.items():
        for stmt in parse_code(entry.code, f"the code on event '{event}'"):
            names |= names_in(stmt.expr) | {stmt.target}
    return names


def event_operations(group, resolve, sub_symbols: dict, prefix: str, clock: int,
                     roles) -> list:
    """The operations of the events: (when, order, operation, name suffix) each.

    ``resolve`` gives the dimensions of every name (for the unit checks),
    ``sub_symbols`` the subexpressions to substitute, ``roles(*exprs, extra=...)`` the
    symbols of the group's names.
    """
    ops = []
    size = argument(prefix, "N", "internal")
    for event, condition in sorted(group.events.items()):
        cond = parse_condition(condition, f"the condition of event '{event}'")
        check_condition(cond, resolve, where=f"the condition '{condition}' of event "
                                             f"'{event}' of {group._label()}")
        cond = cond.xreplace(sub_symbols)
        op = S.Threshold(event_prefix(group, prefix, event), clock, roles(cond),
                         f"{group.name} {event}", cond, False, size)
        ops.append(("after_thresholds", group.order, op, f"_{event}_thresholder"))
    for event, entry in sorted(group._event_code.items()):
        statements = []
        for stmt in parse_code(entry.code, f"the code on event '{event}'"):
            check_statement(stmt, resolve, where=f"'{stmt.source or stmt}' on event "
                                                 f"'{event}' of {group._label()}")
            statements.append(Statement(stmt.target, stmt.value.xreplace(sub_symbols)))
        op = S.Reset(event_prefix(group, prefix, event), clock,
                     roles(*(s.expr for s in statements),
                           extra={s.target for s in statements}),
                     f"{group.name} on {event}", tuple(statements))
        ops.append((entry.when, entry.order, op, f"_{event}_resetter"))
    return ops
