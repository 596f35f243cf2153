"""``G.x = linked_var(H, 'y')`` -> G's variable ``x`` reads H's storage of ``y``.

Why: a model often needs a value another group computes, continuously (a shared input
signal, the eye's position for the retina in the smooth-pursuit model). Brian2 marks
such a variable ``x : 1 (linked)`` and links it once; the variable then has no storage
of its own. labkit does the same by giving ``x`` a *view* of ``y``'s array: the kernel
reads H's current values through it at every step, and nothing is copied. The rules are
Brian2's: same units; either one value per element of G (groups of equal size) or one
value for all (``y`` is ``(shared)``, or H has a single element); a linked variable is
read-only and a group with an unlinked one cannot run.

In a run, the kernel reads the linked variable through the argument of the variable it
links to (when that group takes part in the run, see
:func:`labkit.plan.arguments.link_aliases`): one array, one argument, also for
cpp_standalone, whose program gets each array once.
"""

from __future__ import annotations

from dataclasses import dataclass

from labkit.core.variables import LazySubexpression, Variable
from labkit.errors import DimensionMismatchError, UnsupportedFeatureError
from labkit.units.dimension import readable

__all__ = ["LinkedVariable", "linked_var", "link", "check_linked"]


@dataclass(frozen=True)
class LinkedVariable:
    """What ``linked_var`` returns: the group and the name of the variable to link to."""

    group: object
    name: str
    index: object = None


def linked_var(group_or_variable, name: str | None = None, index=None) -> LinkedVariable:
    """The target of a link: ``linked_var(H, 'y')`` or ``linked_var(H.y)``.

    >>> from labkit import NeuronGroup
    >>> H = NeuronGroup(1, 'y : 1')
    >>> G = NeuronGroup(5, 'x : 1 (linked)')
    >>> G.x = linked_var(H, 'y')
    >>> H.y = 3
    >>> G.x.tolist()
    [3.0, 3.0, 3.0, 3.0, 3.0]
    """
    origin = getattr(group_or_variable, "_lk_origin", None)
    if origin is not None:
        if name is not None:
            raise ValueError("give linked_var either a variable (H.y) or a group and a name "
                             "(H, 'y'), not both")
        group_or_variable, name = origin
    elif name is None:
        raise ValueError("linked_var needs the name of the variable: linked_var(H, 'y') "
                         "or linked_var(H.y)")
    if not hasattr(group_or_variable, "variables"):
        raise TypeError(f"linked_var links to a variable of a group, not to "
                        f"{type(group_or_variable).__name__}")
    if name not in group_or_variable.variables:
        known = ", ".join(n for n in group_or_variable.variables if not n.startswith("_"))
        raise KeyError(f"{group_or_variable._label()} has no variable {name!r} to link to; "
                       f"its variables are {known}")
    return LinkedVariable(group_or_variable, name, index)


def link(group, name: str, target: LinkedVariable) -> Variable:
    """The Variable that makes ``group.name`` read ``target`` (checks Brian2's rules)."""
    declared = group.variables[name]
    source = target.group
    var = source.variables[target.name]
    where = f"{group._label()}.{name} linked to {source._label()}.{target.name}"
    if var.dim is not declared.dim:
        raise DimensionMismatchError(
            f"cannot link {where}: {name} is declared in {readable(declared.dim)}, "
            f"{target.name} has units of {readable(var.dim)}", declared.dim, var.dim)
    if target.index is not None:
        raise UnsupportedFeatureError(
            f"cannot link {where} with an index: labkit links groups of equal size, or to a "
            "single value ((shared) or a group of one element). Give the other group one "
            "element per element of this one, or copy the values in a network_operation.")
    owner = getattr(source, "_owner", source)
    if var.kind == "subexpression" and hasattr(group, "_kind_of") and (
            var.shared or (source.N == 1 and owner is source)):
        # a Synapses reading one value of another group's subexpression (Brian2's
        # referred subexpression): computed where it is read (labkit.plan.synapses)
        group._links = {**getattr(group, "_links", {}), name: target}
        # its expression is read only by a cold plan (no sympy for a link planned before)
        return LazySubexpression(name, declared.dim, lambda: var.expr, shared=True,
                                 kind="linked", read_only=True)
    if var.array is None or var.kind == "linked":
        what = "a subexpression" if var.kind == "subexpression" else "itself linked"
        raise UnsupportedFeatureError(
            f"cannot link {where}: {target.name} is {what}, and labkit links to stored "
            f"variables only. Make {target.name} a variable of {source._label()} (for a "
            "subexpression, a differential equation or a parameter set in a "
            "network_operation), or link to the variables it is computed from.")
    if var.shared:
        view, shared = var.array, True
    elif source.N == 1 and group.N != 1:  # one value for all elements (Brian2's index '0')
        start = source._start - owner._start if owner is not source else 0
        view, shared = var.array[start:start + 1], True
    elif source.N == group.N:
        start = source._start - owner._start if owner is not source else 0
        view, shared = var.array[start:start + source.N], False
    else:
        raise ValueError(
            f"cannot link {where}: {group._label()} has {group.N} elements and "
            f"{source._label()} has {source.N}. Link groups of equal size, or to a (shared) "
            "variable or a group of one element.")
    group._links = {**getattr(group, "_links", {}), name: target}
    return Variable(name, declared.dim, "linked", view, read_only=True, shared=shared)


def check_linked(group) -> None:
    """Refuse to run ``group`` while one of its ``(linked)`` variables is not linked."""
    for name, var in group.variables.items():
        if var.kind == "linked" and var.array is None \
                and name not in getattr(group, "_links", {}):  # (a link to a subexpression)
            raise ValueError(
                f"{group._label()}: the linked variable '{name}' has not been linked; set "
                f"{group.name}.{name} = linked_var(other_group, 'variable') before running")
