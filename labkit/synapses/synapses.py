"""Synapses(source, target, model, on_pre, on_post, delay, ...) -> connections + operations.

A Synapses object stores one value per synapse for each synaptic variable (arrays that
grow with every ``connect()``), the source and target element of each synapse, and its
pathways (:mod:`labkit.synapses.queue`). Memory per synapse is what limits the size of a
network, so the storage is lean: the source and target elements are int32 (``_pre``,
``_post``, indices in the whole group), and ``i``/``j`` are the same arrays when the
source/target is not a subgroup (for a subgroup they are kept apart: they count from its
start); ``N_incoming``/``N_outgoing`` are computed when something reads them; ``connect()``
appends in place into buffers that grow geometrically, so many small ``connect()`` calls
cost time in proportion to the synapses made. At each run it hands the network, in
Brian2's schedule: the clock-driven update (``groups``), each summed variable (``groups``,
just before the target: order ``target.order - 1``) and, per pathway, a spike push
followed by the pathway code over the events due now (``synapses``, order -1 for
presynaptic and +1 for postsynaptic pathways). The strings are checked and integrated once
per structure (:mod:`labkit.plan.synapse_structure`); weights, delays and constants are
kernel arguments, so changing them never recompiles.
"""

from __future__ import annotations

import weakref

import numpy as np

from labkit.core.clock import SECOND
from labkit.core.namespace import Namespace, frame_namespace, model_constants
from labkit.core.variables import (
    DTYPES,
    LazySubexpression,
    Variable,
    as_quantity,
    checked_values,
    is_zero_text,
)
from labkit.groups.events import check_event
from labkit.groups.group import Group
from labkit.groups.linked import LinkedVariable, check_linked
from labkit.groups.neurongroup import _model_lines, _parse_model
from labkit.groups.stored_model import checked_code
from labkit.plan.synapses import plan_synapses
from labkit.synapses.connect_call import connect
from labkit.synapses.queue import Pathway, gather
from labkit.synapses.strings import (
    assigned_values,
    subexpression_values,
    synaptic_arrays,
)
from labkit.synapses.summed import summed_updaters
from labkit.synapses.views import SynapseIndices, SynapticSubgroup, match, synaptic_view
from labkit.units.dimension import DIMENSIONLESS, readable
from labkit.units.quantity import Quantity

__all__ = ["Synapses"]

_COUNTS = {"N_incoming": "post", "N_outgoing": "pre"}
_SPECIAL = {"N": "int", "N_pre": "int", "N_post": "int", "t": "t", "dt": "t"}


def _check_group(group, what: str, label: str):
    if isinstance(group, SynapticSubgroup):  # Brian2 refuses it too
        raise TypeError(f"{label}: the {what} cannot be some synapses of "
                        f"{group.synapses._label()} ({type(group).__name__}); connect to the "
                        f"whole Synapses and select its synapses with connect(), e.g. "
                        f"connect('j < 10') or connect(j=[...])")
    if not isinstance(group, Group):
        raise TypeError(f"{label}: the {what} must be a NeuronGroup, PoissonGroup, "
                        f"SpikeGeneratorGroup, Synapses or a subgroup of a group (create it "
                        f"first), not {type(group).__name__}")
    return group


class Synapses(Group):
    """Connections between two groups, with per-synapse variables and event code.

    Parameters
    ----------
    source, target : group
        Where presynaptic spikes come from and where the code acts (``target=None``: the
        source). Subgroups (``G[10:20]``) are allowed, and another Synapses, as Brian2
        allows: then ``x_post`` (``x_pre``) is that synapse's variable and ``j`` (``i``)
        its index (a reward that changes synapses, astrocytes summed into synapses).
        Synapses emit no spikes, so ``on_pre`` needs a source that does.
    model : str or Equations
        Synaptic variables: parameters (``w : 1``), ``(clock-driven)`` and
        ``(event-driven)`` equations, ``(summed)`` subexpressions (``g_post = g : siemens
        (summed)``).
    on_pre, on_post : str or dict of str
        Statements run when a presynaptic (postsynaptic) spike reaches a synapse; a dict
        makes several named pathways (``{'up': ..., 'down': ...}``).
    on_event : str or dict of str
        The event of the source (target, for ``on_post``) that triggers the pathways:
        ``'spike'`` or a custom event (``NeuronGroup(events=...)``), per pathway name.
    delay : Quantity or dict
        One delay for the ``pre`` pathway (or per pathway name); omitted: one delay per
        synapse, set later with ``S.delay = ...``.
    method, namespace, dt, clock, order, name
        As for NeuronGroup.
    """

    _kind = "Synapses"
    _default_name = "synapses*"
    _start = 0

    def __init__(self, source, target=None, model="", on_pre=None, on_post=None, pre=None,
                 post=None, connect=None, delay=None, on_event="spike",
                 multisynaptic_index=None, namespace=None, dtype=None, codeobj_class=None,
                 dt=None, clock=None, order=0, method=None, method_options=None, name=None):
        super().__init__(dt=dt, clock=clock, when="start", order=order, name=name)
        label = self._label()
        if connect is not None:
            raise TypeError("Synapses(connect=...) is not supported (nor by Brian2 2.x); "
                            "call S.connect(...) after creating the Synapses")
        on_pre, on_post = on_pre if on_pre is not None else pre, \
            on_post if on_post is not None else post
        self.source = _check_group(source, "source", label)
        self.target = _check_group(source if target is None else target, "target", label)
        # as NeuronGroup: the model's lines are all construction needs (no sympy for a
        # model seen before); the parsed Equations are made when first read
        model = model or ""
        if not isinstance(model, str):
            model = _parse_model(model)
        self._model = model
        self._equations = None if isinstance(model, str) else model
        self._lines = _model_lines(model)
        self.method = tuple(method) if isinstance(method, (list, tuple)) else method
        self._namespace = dict(namespace) if namespace is not None else None
        self._n = 0
        self._connect_called = False
        self._version = 0
        self._last_externals = None
        self._summed_schedule: dict = {}
        self.variables: dict[str, Variable] = {}
        self._make_variables()
        self._pre = np.zeros(0, dtype=np.int32)
        self._post = np.zeros(0, dtype=np.int32)
        self._buffers: dict[str, np.ndarray] = {}
        self._counts_wanted: set[str] = set()
        self._pathways: list[Pathway] = []
        self._make_pathways(on_pre, on_post, delay, on_event)
        self._freeze()

    # -- construction -----------------------------------------------------------------------

    @property
    def equations(self):
        """The model, parsed (:class:`labkit.equations.Equations`)."""
        if self._equations is None:
            self._equations = _parse_model(self._model)
        return self._equations

    def _substituted(self, name: str):
        """The subexpression ``name``, other subexpressions substituted (parsed when first
        read: see :class:`labkit.core.variables.LazySubexpression`)."""
        from labkit.plan.synapse_structure import split_model  # loads sympy

        base = split_model(self.equations)[0]
        return dict(base.get_substituted_expressions(include_subexpressions=True)).get(
            name, base[name].expr)

    def _make_variables(self) -> None:
        # split_model's split, on the lines: summed lines are not variables of the synapses
        base = [eq for eq in self._lines if "summed" not in eq.flags]
        event = any(eq.kind == "diff" and "event-driven" in eq.flags for eq in base)
        names = {eq.name: eq for eq in self._lines}
        for name in ("i", "j", "delay", "lastupdate", "N"):
            if name in names and not (name == "lastupdate" and event):
                raise ValueError(f"{self._label()}: '{name}' is a reserved name in Synapses; "
                                 "rename this variable")
        for side, group in (("pre", self.source), ("post", self.target)):
            for name in names:
                if name in group._owner.variables and "summed" not in names[name].flags:
                    raise ValueError(
                        f"{self._label()}: the synaptic variable '{name}' has the same name as "
                        f"a variable of the {side}synaptic group; rename it (e.g. "
                        f"'{name}_syn') to avoid confusion")
        for eq in self._lines:
            self._check_summed_target(eq)
        owner = weakref.ref(self)
        for eq in base:
            name = eq.name
            shared = "shared" in eq.flags
            if eq.kind == "sub":
                self.variables[name] = LazySubexpression(  # weakly: no cycle through it
                    name, eq.dim, lambda name=name: owner()._substituted(name), shared=shared,
                    var_type=eq.var_type)
                continue
            if "linked" in eq.flags:  # storage comes from the group it is linked to
                self.variables[name] = Variable(name, eq.dim, "linked", read_only=True)
                continue
            array = np.zeros(1 if shared else 0, dtype=DTYPES[eq.var_type])
            kind = "state" if eq.kind == "diff" else "parameter"
            self.variables[name] = Variable(name, eq.dim, kind, array, shared=shared)
        if event:
            self.variables["lastupdate"] = Variable("lastupdate", SECOND, "internal",
                                                    np.zeros(0))
        for name, side, group in (("i", "pre", self.source), ("j", "post", self.target)):
            self.variables[name] = SubgroupIndex(name, self, side) if group._start else \
                Variable(name, DIMENSIONLESS, "internal", np.zeros(0, dtype=np.int32),
                         read_only=True)
        for name, side in _COUNTS.items():
            self.variables[name] = SynapseCounts(name, self, side)

    def _check_summed_target(self, eq) -> None:
        """A ``(summed)`` line must write a parameter of its group, as in Brian2: a
        differential equation's variable (its own update would fight the sum, and an
        ``(unless refractory)`` one would be written while refractory), a subexpression or
        an internal variable is refused here, when the Synapses are made."""
        if "summed" not in eq.flags or not eq.name.endswith(("_pre", "_post")):
            return  # the plan names what is wrong with other names
        side, group = ("pre", self.source) if eq.name.endswith("_pre") else \
            ("post", self.target)
        name = eq.name[:-len(side) - 1]
        var = group._owner.variables.get(name)
        if var is not None and var.kind not in ("parameter", "linked"):
            unit = "1" if var.dim is DIMENSIONLESS else readable(var.dim)
            line = {e.name: e for e in getattr(group._owner, "_lines", ())}.get(name)
            what = {"diff": "a differential equation's variable", "sub": "a subexpression"
                    }.get(getattr(line, "kind", None), "an internal variable")
            raise ValueError(
                f"{self._label()}: the summed variable '{eq.name}' needs a parameter "
                f"'{name}' in the {side}synaptic group, but '{name}' is {what} there; "
                f"declare it as '{name} : {unit}' (Brian2's rule)")

    def _make_pathways(self, on_pre, on_post, delay, on_event="spike") -> None:
        if not isinstance(on_event, (str, dict)):
            raise TypeError(f"{self._label()}: on_event must be an event name or a dict of "
                            f"pathway names to event names, not {type(on_event).__name__}")
        delays = {} if delay is None else {"pre": delay} if isinstance(delay, Quantity) \
            else delay
        if not isinstance(delays, dict):
            raise TypeError(f"{self._label()}: delay must be a time (e.g. 2*ms) or a dict "
                            f"of pathway names to times, not {type(delay).__name__}")
        for prepost, argument in (("pre", on_pre), ("post", on_post)):
            if not argument:
                continue
            codes = {prepost: argument} if isinstance(argument, str) else argument
            if not isinstance(codes, dict):
                raise TypeError(f"on_{prepost} of {self._label()} must be a string or a dict "
                                f"of pathway names to strings")
            group = self.source if prepost == "pre" else self.target
            for objname, code in codes.items():
                event = on_event if isinstance(on_event, str) else on_event.get(objname,
                                                                                "spike")
                if isinstance(group._owner, Synapses):  # Brian2: no events of synapses
                    raise ValueError(
                        f"{self._label()}: on_{prepost} needs events of its "
                        f"{'source' if prepost == 'pre' else 'target'} "
                        f"{group._owner._label()}, but synapses emit no spikes. Connect "
                        f"from the neurons instead, or pass the synapses' values on with a "
                        f"(summed) variable")
                if event == "spike" and getattr(group._owner, "_spikes", None) is None:
                    raise ValueError(f"{self._label()}: on_{prepost} needs spikes from "
                                     f"{group._owner._label()}, which has no threshold. Did "
                                     "you forget to set a 'threshold'?")
                check_event(group, event, f"{self._label()}, pathway '{objname}'")
                if not isinstance(code, str):
                    raise TypeError(f"the on_{prepost} code of pathway '{objname}' must be a "
                                    "string of statements")
                checked_code(code, f"on_{prepost}")  # syntax errors now, at the call
                if objname in self.__dict__ or hasattr(type(self), objname):
                    raise ValueError(f"{self._label()}: a pathway cannot be named "
                                     f"'{objname}' (already an attribute)")
                pathway = Pathway(self, prepost, objname, code, delays.get(objname), event)
                self._pathways.append(pathway)
                object.__setattr__(self, objname, pathway)
        unknown = set(on_event if isinstance(on_event, dict) else ()) - {
            p.objname for p in self._pathways}
        if unknown:
            raise ValueError(f"{self._label()}: on_event names pathway "
                             f"'{sorted(unknown)[0]}', which does not exist")
        unknown = set(delays) - {p.objname for p in self._pathways}
        if unknown:
            raise ValueError(f"{self._label()}: cannot set the delay of pathway "
                             f"'{sorted(unknown)[0]}': there is no such pathway")
        pre = [p for p in self._pathways if p.objname == "pre"]
        if pre:
            self.variables["delay"] = pre[0].delay_var

    # -- sizes and names ----------------------------------------------------------------------

    @property
    def _stop(self) -> int:
        return self._n

    @property
    def _N(self) -> int:
        return self._n

    def _kind_of(self, name: str):
        """A name in synaptic strings -> (kind, base name), kind None when unknown."""
        if name in _SPECIAL:
            return _SPECIAL[name], name
        if name in self.variables:
            return "syn", name
        for suffix, side, group in (("_pre", "pre", self.source), ("_post", "post", self.target)):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and base in group._owner.variables \
                    and not base.startswith("_"):
                return side, base
        if name in self.target._owner.variables and not name.startswith("_") \
                and name not in ("i", "N", "t", "dt"):
            return "post", name
        return None, name

    def _recordable(self, name: str):
        """A name a StateMonitor of these synapses may record -> its Variable (None when
        unknown): a synaptic variable, or the source's or target's through ``x_pre``,
        ``x_post`` or plain ``x`` (Brian2 records the target's ``x`` per synapse)."""
        if name in _COUNTS:  # a monitor will record it: computed for each run
            self._counts_wanted.add(name)
        if name in self.variables:
            return self.variables[name]
        kind, base = self._kind_of(name)
        if kind not in ("pre", "post"):
            return None
        var = (self.source if kind == "pre" else self.target)._owner.variables[base]
        return None if var.kind == "index" else var

    def _externals_for(self, names, namespace, where: str) -> dict:
        """External names of a string -> values (``namespace``: where it was written)."""
        lookup = Namespace(self._namespace, namespace, bound=model_constants(self))
        return lookup.resolve(names, self._label(), where, self._known())

    def _known(self) -> list[str]:
        """The names synaptic strings may use besides the namespace's (for suggestions)."""
        names = [n for n in self.variables if not n.startswith("_")]
        names += [f"{n}_pre" for n in self.source._owner.variables if not n.startswith("_")]
        names += [f"{n}_post" for n in self.target._owner.variables if not n.startswith("_")]
        return names + list(_SPECIAL)

    # -- reading and writing variables --------------------------------------------------------

    def __getattr__(self, name: str):
        variables = self.__dict__.get("variables")
        if variables is not None and not name.startswith("__") and name not in variables \
                and not (name.endswith("_") and name[:-1] in variables):
            raw = name.endswith("_")
            kind, base = self._kind_of(name[:-1] if raw else name)
            if kind in ("pre", "post"):
                values, dims = synaptic_arrays(self, [base + "_" + kind])
                value = values[base + "_" + kind]
                return value if raw else as_quantity(np.asarray(value), dims[base + "_" + kind])
        return self._read(name, 1)  # a subexpression takes the names where it is read

    def _get(self, name: str, units: bool, namespace=None):
        # ``namespace``: the reader's names, which a subexpression may use (``E`` in the
        # target's ``I`` that ``x = w*I_post`` reads), as in Brian2
        return self._get_variable(self.variables[name], units, namespace)

    def _get_variable(self, var: Variable, units: bool, namespace=None):
        if var.kind == "subexpression":  # from its stored code when read before
            values = np.broadcast_to(np.asarray(subexpression_values(
                self, var.name, namespace)), () if var.shared else (self._n,)).copy()
        elif var.kind == "linked" and var.array is None:  # one value of a subexpression
            target = self._links[var.name]  # a single value, shape (), as Brian2's
            values = np.array(np.asarray(target.group._get(target.name, False)).reshape(-1)[0])
        elif var.shared:  # shape (), as Brian2's
            values = var.array.reshape(())
        else:
            values = var.array[:self._n]
        return synaptic_view(values, var.dim if units else None, self, var.name)

    def _set(self, name: str, value, units: bool, namespace=None, key=None) -> None:
        """``S.name = value``, or ``S.name[key] = value`` (``key``: synapse indices)."""
        if self.variables[name].kind == "linked" or isinstance(value, LinkedVariable):
            self._link(name, value)
            return
        self._assign(self.variables[name], value, units, namespace,
                     f"{self._label()}, variable '{name}'", key)

    def _assign(self, var: Variable, value, units: bool, namespace, label: str,
                key=None) -> None:
        if var.read_only or var.array is None:
            what = "a subexpression" if var.kind == "subexpression" else "read-only"
            raise TypeError(f"cannot set {label}: it is {what}")
        if not self._connect_called and not var.shared:
            raise TypeError(f"cannot set {label} before synapses exist: call "
                            f"{self.name}.connect(...) first")
        if isinstance(value, str) and not var.is_boolean and is_zero_text(value):
            raw = np.zeros(())  # '0' fits any unit, as 0 does
        elif isinstance(value, str):  # no sympy for a string assigned before
            raw = assigned_values(self, value, var.dim, var.is_boolean, namespace,
                                  f"'{value}' assigned to {label}")
        elif units:
            raw = checked_values(value, var, label)
        else:
            raw = np.asarray(value)
        target = var.array if var.shared else var.array[:self._n]
        key = Ellipsis if key is None else key
        if isinstance(value, str) and np.ndim(raw):  # one value per synapse: the key's
            raw = np.broadcast_to(raw, target.shape)[key]
        try:
            target[key] = raw
        except ValueError:
            raise ValueError(f"cannot set {label}: got {np.shape(raw)} values for "
                             f"{np.size(target[key])} synapses; give one value or one per "
                             "synapse") from None

    def _indices_of_pairs(self, i, j, k=None) -> np.ndarray:
        n = self._n
        mask = match(self.variables["i"].array[:n], i, self.source.N) & match(
            self.variables["j"].array[:n], j, self.target.N)
        found = np.flatnonzero(mask)
        if k is not None:
            pairs = self._pre[found].astype(np.int64) * (self.target._owner.N + 1) \
                + self._post[found]
            rank = np.zeros(found.size, dtype=np.int64)
            for value in np.unique(pairs):
                where = np.flatnonzero(pairs == value)
                rank[where] = np.arange(where.size)
            found = found[match(rank, k, max(int(rank.max(initial=0)) + 1, 1))]
        return found

    def __getitem__(self, item):
        """``S[i, :]``, ``S['i > j']``, ``S[10:20]``: those synapses, as a
        :class:`SynapticSubgroup` (for ``StateMonitor(S, ..., record=S[i, :])``)."""
        if isinstance(item, str):  # the names of the line where it was written
            indices = self._indices_where(item, frame_namespace(1))
        else:
            indices = SynapseIndices(self)[item]
        return SynapticSubgroup(self, np.atleast_1d(indices))

    @property
    def indices(self):
        """``S.indices[i, j]``, ``S.indices['i > j']``: the indices of those synapses."""
        return SynapseIndices(self)

    def _indices_where(self, condition: str, namespace) -> np.ndarray:
        """Indices of the synapses where ``condition`` holds (``namespace``: the names
        where it was written): from the condition's stored code when it was used before
        with names of the same kinds (no sympy), as a string assigned to a variable."""
        where = f"the condition '{condition}' indexing {self._label()}"
        mask = assigned_values(self, condition, None, True, namespace, where)
        return np.flatnonzero(np.broadcast_to(mask, (self._n,)))

    # -- connect ------------------------------------------------------------------------------

    def connect(self, condition=None, i=None, j=None, p=1.0, n=1, skip_if_invalid=False,
                namespace=None, level=0):
        """Create synapses (Brian2's rules; see ``labkit.synapses.connect``); appends."""
        names = Namespace(self._namespace,
                          namespace if namespace is not None else frame_namespace(level + 1))
        connect(self, condition, i, j, p, n, skip_if_invalid, names)

    def _append(self, sources: np.ndarray, targets: np.ndarray, owned: bool = False) -> None:
        """New synapses from source element ``sources[k]`` to target ``targets[k]``
        (indices within the source and target, any integer dtype). ``owned``: the arrays
        are connect()'s own, so a first connect() keeps int32 ones as its storage (no
        copy: the peak memory of connect() is then the synapses' indices alone)."""
        old, new = self._n, self._n + len(sources)
        for var in self._per_synapse_variables():
            if var.name not in ("i", "j"):
                var.array = self._room(var.name, var.array, old, new)
        keep = owned and old == 0  # connect()'s own int32 arrays become the storage
        for key, name, values, group in (("_pre", "i", sources, self.source),
                                         ("_post", "j", targets, self.target)):
            adopt = keep and values.dtype == np.int32 and values.flags.c_contiguous
            var = self.variables[name]
            if group._start == 0:  # i (j) is the element's index: the same array
                index = values if adopt else self._room(key, getattr(self, key), old, new)
                if index is not values:
                    index[old:new] = values
                var.array = index
            else:  # a subgroup: the index counts from the group's start, and i (j) from
                # the subgroup's is computed from it when read (SubgroupIndex)
                index = values if adopt else self._room(key, getattr(self, key), old, new)
                np.add(values, group._start, out=index[old:new])
            setattr(self, key, index)
        self._n = new
        self._connect_called = True
        self._version += 1

    def _room(self, key: str, current: np.ndarray, old: int, new: int) -> np.ndarray:
        """``current`` (``old`` values) -> a view of ``new`` values starting with them, in a
        buffer kept under ``key`` that grows geometrically (appending k synapses costs
        O(k), amortised). A first connect() allocates exactly what it needs."""
        buffer = self._buffers.get(key)
        if buffer is None or current.base is not buffer or current.size != old:
            buffer = current  # replaced since (restore(), first use): start from it
        if buffer.size < new:
            grown = np.zeros(new if old == 0 else max(new, 2 * old), dtype=current.dtype)
            grown[:old] = current[:old]
            buffer = grown
        self._buffers[key] = buffer
        return buffer[:new]

    @property
    def summed_updaters(self) -> dict:
        """``(summed)`` variable -> its update's ``when`` and ``order``, settable
        (:mod:`labkit.synapses.summed`)."""
        return summed_updaters(self)

    @property
    def N_incoming_post(self) -> np.ndarray:
        """The number of synapses onto each element of the target, as Brian2's: indexed by
        the element's index in the whole group, up to the target's last (for a subgroup
        target ``G[5:8]``, entries 0-4 are zero)."""
        return count_elements(self._post, self.target._stop)

    @property
    def N_outgoing_pre(self) -> np.ndarray:
        """The number of synapses from each element of the source, indexed as
        :attr:`N_incoming_post` (by the index in the whole group)."""
        return count_elements(self._pre, self.source._stop)

    def _per_synapse_variables(self):
        seen = [v for v in self.variables.values() if not v.computed_when_read
                and v.array is not None and not v.shared and v.kind != "linked"]
        for pathway in self._pathways:
            if not pathway.delay_var.shared and all(pathway.delay_var is not v for v in seen):
                seen.append(pathway.delay_var)
        return seen

    # -- running ------------------------------------------------------------------------------

    def _prepare(self, ctx):
        """This run's operations and values (:mod:`labkit.plan.synapses` makes them)."""
        check_linked(self)
        plan = plan_synapses(self, ctx)
        self._last_externals = plan.externals  # for reading subexpressions after the run
        return plan

    # -- store / restore ----------------------------------------------------------------------

    def _store_state(self) -> dict:
        return {"n": self._n, "connected": self._connect_called, "version": self._version,
                "pre": self._pre.copy(), "post": self._post.copy(),
                "arrays": {k: v.array.copy() for k, v in self.variables.items()
                           if not v.computed_when_read and v.array is not None},
                "pathways": [p.state() for p in self._pathways]}

    def _restore_state(self, state: dict) -> None:
        self._n, self._connect_called = state["n"], state["connected"]
        self._pre, self._post = state["pre"].copy(), state["post"].copy()
        if state["version"] != self._version:
            self._version += 1  # connectivity changed since: rebuild queue maps
        for name, array in state["arrays"].items():
            self.variables[name].array = array.copy()
        for name, index, group in (("i", self._pre, self.source), ("j", self._post,
                                                                   self.target)):
            if group._start == 0:  # one array again (see _append)
                self.variables[name].array = index
        for pathway, saved in zip(self._pathways, state["pathways"], strict=True):
            pathway.restore(saved)

    def __repr__(self) -> str:
        return (f"Synapses({self.source._owner.name} -> {self.target._owner.name}, "
                f"{self._n} synapses, name={self.name!r})")


def count_elements(index: np.ndarray, n: int) -> np.ndarray:
    """How many synapses each of ``n`` elements has in ``index`` (int32). In blocks:
    ``np.bincount`` copies its input to int64 first, 8 bytes per synapse at once, and
    a block of 2^22 still took 32 MB over the result (scaling.py at 10^5 read
    ``N_outgoing_pre`` at its peak); a block as long as the counts costs no more than
    they do, and each block's pass over the counts stays smaller than its own."""
    counts = np.zeros(n, dtype=np.int64)
    block = max(1 << 18, n)
    for start in range(0, index.size, block):
        counts += np.bincount(index[start:start + block], minlength=n)
    return counts.astype(np.int32)


class _ComputedPerSynapse(Variable):
    """An int32 value per synapse computed from ``_pre``/``_post`` when read (by
    :meth:`_compute`) and kept until the connections change: not stored otherwise."""

    computed_when_read = True

    def __init__(self, name: str, synapses, side: str):
        self._synapses, self._side, self._cached = synapses, side, (None, None)
        super().__init__(name, DIMENSIONLESS, "internal", None, read_only=True)

    @property
    def array(self) -> np.ndarray:
        syn = self._synapses
        key = (syn._version, syn._n)
        if self._cached[0] != key:
            self._cached = (key, self._compute(syn))
        return self._cached[1]

    @array.setter
    def array(self, value) -> None:
        # Variable.__init__ gives None; store() leaves these out (computed_when_read)
        if value is not None:
            raise TypeError(f"{self.name} of {self._synapses._label()} is computed from "
                            "the connections; it cannot be set")

    @property
    def dtype(self):
        return np.dtype(np.int32)


class SubgroupIndex(_ComputedPerSynapse):
    """``i`` (``j``) of synapses whose source (target) is a subgroup not starting at 0:
    each synapse's element counted from the subgroup's start, computed from ``_pre``
    (``_post``, counted from the group's). Not stored: both took 4 bytes per synapse each
    (scaling.py's inhibitory synapses at 10^5 neurons: 6.4 MB of its peak), and the
    kernels read the group's index."""

    def _compute(self, syn) -> np.ndarray:
        index, group = (syn._pre, syn.source) if self._side == "pre" else \
            (syn._post, syn.target)
        return (index[:syn._n] - group._start).astype(np.int32)


class SynapseCounts(_ComputedPerSynapse):
    """``N_incoming`` / ``N_outgoing``: per synapse, the number of synapses onto its target
    (from its source), computed from ``_post`` (``_pre``). Not stored: 4 bytes per synapse
    each that most models never read."""

    def _compute(self, syn) -> np.ndarray:
        index = syn._pre if self._side == "pre" else syn._post
        return gather(count_elements(index, int(index.max(initial=-1)) + 1), index)
