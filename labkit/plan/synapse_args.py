"""Plain helpers of a Synapses' plan: its groups' prefixes, its queues' prefixes, the
error for a missing ``x_pre``/``x_post`` (no sympy: the plan store's path uses them)."""

from __future__ import annotations

from labkit.codegen.spec import argument
from labkit.errors import UnknownNameError, suggest

__all__ = ["missing_side_variable", "owner_prefix", "queues"]


def owner_prefix(ctx, group, syn, side: str) -> str:
    owner = group._owner
    try:
        return ctx.owner(owner)
    except KeyError:
        raise ValueError(
            f"{syn._label()} connects from/to {owner._label()} (its {side}), which is not part "
            "of this run: it was created before start_scope() or left out of the Network. "
            "Create the groups and the Synapses in the same scope, or add the group to the "
            "Network") from None


def queues(prefix: str, syn) -> list[str]:
    """The argument prefix of each pathway's queue (``_o3_q0``, ``_o3_q1``, ...)."""
    return [argument(prefix, f"q{k}", "internal") for k in range(len(syn._pathways))]


def missing_side_variable(syn, name: str) -> None:
    side, group = ("source", syn.source) if name.endswith("_pre") else ("target", syn.target)
    base = name.rsplit("_", 1)[0]
    known = [n for n in group._owner.variables if not n.startswith("_")]
    raise UnknownNameError(
        f"'{name}' in the strings of {syn._label()} would be the variable '{base}' of its "
        f"{side} {group._owner._label()}, but the {side} group has no such variable"
        f"{suggest(base, known)}. Declare it in the {side}'s model (e.g. '{base} : 1') or "
        "correct the name")
