"""``NeuronGroup(..., events={'name': condition})`` and ``G.run_on_event(name, code)``.

Why: Brian2 generalises the spike to any number of named events, each a condition
checked every step (``'g > 1 and allow_gspike'``); code can run on an event, an
``EventMonitor`` can record it and a synaptic pathway can be triggered by it
(``on_event={'gpath': 'gspike'}``). This module checks what the user gives (names,
syntax) when the group is made, so an error points at that line; the operations are
planned in :mod:`labkit.plan.events`.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from labkit.groups.stored_model import checked_code, checked_condition

__all__ = ["EventCode", "check_events", "event_code", "check_event", "NO_EVENTS"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: The events of a group that has none besides (perhaps) the spike.
NO_EVENTS = MappingProxyType({})


class EventCode:
    """``run_on_event``'s result: the code, its slot and order (Brian2's ``Resetter``)."""

    def __init__(self, group, event: str, code: str, when: str, order: int):
        self.group, self.event, self.code = group, event, code
        self.when, self.order = when, order

    def __repr__(self) -> str:
        return (f"<code on event {self.event!r} of {self.group._label()} "
                f"(when={self.when!r}): {self.code.strip()!r}>")


def check_events(group, events) -> dict:
    """``events=`` of a NeuronGroup -> name -> condition text (syntax checked now)."""
    if events is None:
        return {}
    if not isinstance(events, dict):
        raise TypeError(f"events of {group._label()} must be a dict of event names to "
                        f"conditions, e.g. {{'burst': 'v > 0*mV'}}; got {type(events).__name__}")
    checked = {}
    for name, condition in events.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name) or name == "spike":
            raise TypeError(f"{name!r} cannot name an event of {group._label()}: use a "
                            "Python name other than 'spike' (the threshold's event)")
        if not isinstance(condition, str):
            raise TypeError(f"the condition of event {name!r} of {group._label()} must be a "
                            f"string such as 'v > 1', not {type(condition).__name__}")
        checked_condition(condition, f"the condition of event '{name}'")
        checked[name] = condition
    return checked


def check_event(group, event: str, what: str) -> None:
    """Refuse an event ``group`` does not have (``what``: who asked, for the message)."""
    owner = group._owner
    known = (["spike"] if getattr(owner, "_spikes", None) is not None else []) \
        + sorted(getattr(owner, "events", NO_EVENTS))
    if event not in known:
        hint = " Did you forget to set a 'threshold'?" if event == "spike" else ""
        raise ValueError(f"{what}: {owner._label()} has no event {event!r} (its events: "
                         f"{', '.join(map(repr, known)) or 'none'}).{hint}")


def event_code(group, event: str, code: str, when: str, order) -> EventCode:
    """``G.run_on_event(event, code, when, order)``: checks and records the code."""
    if event == "spike":
        raise ValueError(f"{group._label()}: code on the spike event is the reset; give it "
                         "as NeuronGroup(..., reset='...')")
    check_event(group, event, f"run_on_event({event!r})")
    if event in group._event_code:
        raise ValueError(f"{group._label()} already has code for event {event!r}; give all "
                         "of it in one call")
    if not isinstance(code, str):
        raise TypeError(f"the code for event {event!r} must be a string of statements, not "
                        f"{type(code).__name__}")
    checked_code(code, f"the code on event '{event}'")  # no sympy if it parsed before
    entry = EventCode(group, event, code, when, group.order if order is None else order)
    group._event_code[event] = entry
    return entry
