"""A neuron-like group at the start of a run -> its ObjectPlan: operations and values.

The group (NeuronGroup, SpatialNeuron) hands over its strings, variables and sizes; this
module looks up the external names its strings use (:mod:`labkit.core.namespace`, via
the run's context), gets the operations for the *kinds* of those names -- from memory on
a re-run, from the plan store for a structure planned in an earlier process
(:mod:`labkit.plan.stored_ops`: no sympy), else made by :mod:`labkit.plan.neuron_ops` --
and binds the values: N, the state arrays, the constants. Values never enter the
structure, so changing ``tau`` re-runs without recompiling.
"""

from __future__ import annotations

import weakref

import numpy as np

from labkit.codegen.spec import argument
from labkit.logs import get_logger, info
from labkit.plan.arguments import bind, event_prefix, is_boolean, link_aliases
from labkit.plan.externals import constant_functions, external_kinds
from labkit.plan.objectplan import ObjectPlan
from labkit.plan.stored_ops import (
    dimension_key,
    external_keys,
    model_text,
    stored_names,
    stored_operations,
)
from labkit.units.dimension import get_or_create_dimension

__all__ = ["plan_neurons", "resolve_externals", "SPECIAL", "integration_method"]

SECOND = get_or_create_dimension(s=1)

#: Names a group's strings may use that are neither its variables nor external.
SPECIAL = frozenset({"t", "dt", "i", "N", "t_in_timesteps"})

#: Groups whose chosen integration method was reported (once per group, as Brian2).
_REPORTED: weakref.WeakSet = weakref.WeakSet()
#: The integration method each group's plan uses (given or chosen), for messages.
_METHODS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

#: The groups whose plans a plain key can describe (a SpatialNeuron's cable is keyed apart,
#: by labkit.plan.spatial; its model is said by its recipe, which covers the cable's lines).
_PLAIN_KINDS = frozenset({"NeuronGroup", "PoissonGroup", "SpatialNeuron"})


def integration_method(group) -> str:
    """The name of the method ``group`` was last planned with ('' before any run)."""
    return _METHODS.get(group, "")


def resolve_externals(group, names, ctx) -> dict:
    """Names used by ``group``'s strings that are not its own -> their namespace values.

    The lookup is :mod:`labkit.core.namespace`'s (one order for every object); the
    group's variables, ``t``, ``dt``, ``i``, ``N``, temporaries (``_x``) and noise
    (``xi``, ``xi_1``) are its own.
    """
    own = set(group.variables) | SPECIAL
    external = {n for n in names if n not in own and not n.startswith("_")
                and n != "xi" and not n.startswith("xi_")}
    known = [n for n in group.variables if not n.startswith("_")]
    return ctx.namespace_of(group).resolve(external, group._label(), "its model strings",
                                           known)


def _plain_strings(group) -> tuple | None:
    """The group's strings as plain data, or None when some are not (a method given as a
    list: those plans are always made; a tuple of names, a SpatialNeuron's default, is
    plain). A model given as an Equations object is said by
    :func:`~labkit.plan.stored_ops.model_text`; custom events by their conditions and
    code (with its slot)."""
    model, method = model_text(getattr(group, "_model", None)), group.method
    if type(group).__name__ not in _PLAIN_KINDS or model is None \
            or not (method is None or isinstance(method, str) or isinstance(method, tuple)
                    and all(isinstance(m, str) for m in method)):
        return None
    events = tuple(sorted(group.events.items()))
    code = tuple(sorted((e, c.code, c.when, c.order) for e, c in group._event_code.items()))
    return (type(group).__name__, model, method, group.threshold, group.reset,
            group._refractory, *((events, code) if events or code else ()))


def _used_names(group, strings) -> frozenset[str]:
    def make():
        from labkit.plan.neuron_ops import used_names  # loads sympy: the cold path

        return used_names(group)

    return stored_names("neuron-names", strings, make)


def _plain_key(group, strings, externals, kinds, booleans, constants, prefix, clock):
    """Everything the group's operations depend on, as text; None if not all plain."""
    found = external_keys(externals)
    if strings is None or found is None:
        return None
    variables = tuple(sorted(
        (n, v.kind, dimension_key(v.dim), v.shared, v.var_type, str(v.dtype),
         v.array is not None) for n, v in group.variables.items()))
    if "_refractory" in kinds:
        found["_refractory"] = ("value", dimension_key(SECOND), False)
    names = tuple(sorted((n, kinds[n], found[n], n in booleans) for n in kinds))
    return repr(("neurons", *strings, group.order, prefix, clock, variables,
                 names, tuple(sorted(constants))))


def plan_neurons(group, ctx) -> ObjectPlan:
    """See the module docstring."""
    prefix, clock = ctx.owner(group), ctx.clock(group)
    strings = _plain_strings(group)
    externals = resolve_externals(group, _used_names(group, strings), ctx)
    kinds = external_kinds(externals)
    ref = group._refractory
    if ref is not None and ref[0] == "time":
        kinds["_refractory"] = "scalar"
    booleans = frozenset(n for n, v in externals.items() if is_boolean(v))
    constants = constant_functions(externals, group.clock.dt_)
    key = _plain_key(group, strings, externals, kinds, booleans, constants, prefix, clock)
    if key is not None:
        memory_key = key
    else:
        from labkit.plan.neuron_ops import structure_key  # loads sympy: the cold path

        memory_key = (structure_key(group, externals, kinds, booleans, constants), prefix,
                      clock)

    def make():
        from labkit.plan.neuron_ops import operations  # loads sympy: the cold path

        return operations(group, externals, kinds, booleans, constants, prefix, clock)

    ops, method, choice = stored_operations(group, memory_key, key, make)
    _METHODS[group] = method
    _report_method_choice(group, method, choice)
    return ObjectPlan(ops, _values(group, prefix, externals, ctx), externals=externals,
                      aliases=link_aliases(group, ctx))


def _report_method_choice(group, method: str, choice) -> None:
    """As Brian2: one INFO line, once per group, naming the method chosen for it."""
    if choice is None or group in _REPORTED:
        return
    _REPORTED.add(group)
    reason, seconds = choice
    info(f"No numerical integration method specified for group '{group.name}', "
         f"using method '{method}' (took {seconds:.2f}s).", "method_choice")
    if "(" in reason:  # other methods were refused first: say why, for the curious
        get_logger().getChild("method_choice").debug(reason)


def _values(group, prefix: str, externals: dict, ctx) -> dict:
    values = {argument(prefix, "N", "internal"): group._N,
              argument(prefix, "i", "internal"): ctx.arange(group._N)}
    for name, var in group.variables.items():
        if var.array is not None:
            values[argument(prefix, name)] = var.array
    values.update(bind(prefix, externals, group.clock.dt_))
    if group._refractory is not None and group._refractory[0] == "time":
        values[argument(prefix, "_refractory", "constant")] = group._refractory_value
    if group._spikes is not None:
        values[argument(prefix, "spikes", "internal")] = group._spikes
        values[argument(prefix, "nspikes", "internal")] = group._nspikes
    values.update(_event_values(group, prefix))
    return values


def _event_values(group, prefix: str) -> dict:
    """The arrays of each custom event under its prefix: its elements, their count, N."""
    values = {}
    for event in group.events:
        spikes, count = group._event_spikes[event]
        p = event_prefix(group, prefix, event)
        values.update({argument(p, "spikes", "internal"): spikes,
                       argument(p, "nspikes", "internal"): count,
                       argument(p, "N", "internal"): group._N,
                       argument(p, "i", "internal"): np.arange(group._N)})
    return values

