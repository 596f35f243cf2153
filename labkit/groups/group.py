"""Attribute access to a group's variables: ``G.v`` (Quantity), ``G.v_`` (raw), ``G.v = ...``.

Reading gives a *view* of the storage in the group's slice (a subgroup sees its part of
the parent's arrays), so ``G.v[3] = 2*mV`` writes through, with the Quantity's dimension
check. Assignment accepts numbers, quantities, arrays and strings; a string is an
expression over the group's variables (``'rand()*mV'``, ``'v_rest + i*mV'``), parsed
through the whitelist and evaluated with numpy over the group's elements. Setting a name
that is not a variable is an error that says how to declare it.

``G[10:20]`` is a :class:`Subgroup`, a contiguous view of the elements: it owns no storage
and runs nothing; reading ``S.v`` gives a view of the parent's arrays, assigning writes
into them, and monitors of a subgroup record the parent's elements ``start .. stop-1``
(reporting indices relative to the subgroup, as Brian2).
"""

from __future__ import annotations

import numpy as np

from labkit.core.base import LabkitObject
from labkit.core.namespace import frame_namespace
from labkit.core.variables import Variable, as_quantity, checked_values, is_zero_text
from labkit.errors import UnknownNameError, UnknownVariableError
from labkit.groups.assigned import evaluate_string, indices_where
from labkit.groups.events import NO_EVENTS
from labkit.groups.linked import LinkedVariable, link
from labkit.groups.regular import run_regularly
from labkit.groups.strings import externals_for
from labkit.groups.subexpressions import subexpression_values
from labkit.groups.variable_view import with_origin
from labkit.plan.objectplan import ObjectPlan

__all__ = ["Group", "Subgroup"]


class Group(LabkitObject):
    """Base of NeuronGroup, PoissonGroup, SpikeGeneratorGroup and Subgroup.

    Subclasses fill ``self.variables`` (name -> :class:`Variable`) and set ``self._N``,
    ``self._start`` and ``self._stop`` (the slice of the storage this group sees) before
    calling :meth:`_freeze`; after that, unknown attribute names are refused.
    """

    _kind = "Group"
    #: Custom events (NeuronGroup's ``events=``) and the code run on them: none here.
    events = NO_EVENTS
    _event_code = NO_EVENTS

    def _freeze(self) -> None:
        object.__setattr__(self, "_frozen", True)

    @property
    def N(self) -> int:
        """Number of elements."""
        return self._stop - self._start

    def __len__(self) -> int:
        return self.N

    @property
    def _owner(self) -> Group:
        """The group that owns the storage (itself, or a subgroup's parent)."""
        return self

    def _label(self) -> str:
        return f"{self._kind} '{self.name}'"

    @property
    def _conditional_writes(self) -> frozenset[str]:
        """Variables written only where the element is not refractory (Brian2's rule for
        ``(unless refractory)`` variables: synaptic and string writes skip refractory
        elements; only the reset writes them). Groups without refractoriness have none."""
        owner = self._owner
        if getattr(owner, "_refractory", None) is None or "not_refractory" not in \
                owner.variables:
            return frozenset()
        # a NeuronGroup's lines say it without parsing the model (no sympy)
        lines = getattr(owner, "_lines", None) or owner.equations.values()
        return frozenset(eq.name for eq in lines
                         if eq.kind == "diff" and "unless refractory" in eq.flags)

    # -- reading -----------------------------------------------------------------------------

    def __getattr__(self, name: str):
        return self._read(name, 1)

    def _read(self, name: str, depth: int):
        """``G.name``, read for the code ``depth`` frames above this call (a subclass's
        ``__getattr__`` that handles other names first calls this with its own depth)."""
        variables = self.__dict__.get("variables")
        if variables is None or name.startswith("__"):
            raise AttributeError(name)
        if name in variables or name.endswith("_") and name[:-1] in variables:
            key = name if name in variables else name[:-1]
            # a subexpression takes the names where it is read, as in Brian2, also after
            # a run (neuron.space_constant[0] in a script, gL defined there)
            where = frame_namespace(depth + 1) if variables[key].kind == "subexpression" \
                else None
            return self._get(key, units=key == name, namespace=where)
        raise AttributeError(
            f"{self._label()} has no variable or attribute {name!r}; its variables are "
            + ", ".join(sorted(n for n in variables if not n.startswith("_")))
        )

    def _recordable(self, name: str):
        """A name a StateMonitor of this group may record -> its Variable (None: unknown)."""
        return self.variables.get(name)

    def _get(self, name: str, units: bool, namespace=None):
        var = self.variables[name]
        if var.kind == "subexpression":
            # no reader (a link, a monitor): the last run's names
            known = getattr(self, "_last_externals", None) if namespace is None else None
            values = subexpression_values(self, name, namespace, known,
                                          lambda expr: self._run_externals(expr, namespace))
            values = np.broadcast_to(values, () if var.shared else (self.N,)).astype(var.dtype)
        elif var.kind == "index":
            values = np.arange(self.N)
            return values
        elif var.shared:  # one value, of shape () as Brian2 gives it; a view, so that
            values = var.array.reshape(())  # G.x[...] = 2 writes the variable
        else:
            values = var.array[self._start:self._stop]
        # hashable, and knows its origin: device.run(run_args={G.tau: ...}) as in Brian2
        return with_origin(as_quantity(values, var.dim) if units else values, self, name)

    # -- writing -----------------------------------------------------------------------------

    def __setattr__(self, name: str, value) -> None:
        if not self.__dict__.get("_frozen") or name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        variables = self.variables
        if name in variables or name.endswith("_") and name[:-1] in variables:
            # a string is evaluated with the names where the assignment was written
            namespace = frame_namespace(1) if isinstance(value, str) else None
            raw = name not in variables
            self._set(name[:-1] if raw else name, value, units=not raw, namespace=namespace)
        elif hasattr(type(self), name) or name in self.__dict__:
            object.__setattr__(self, name, value)
        else:
            raise UnknownVariableError(
                f"cannot set {name!r} on {self._label()}: it is not a variable of the model. "
                f"To give each neuron its own value, declare it in the model, e.g. "
                f"'{name} : second' (with its unit) and then set {self.name}.{name}; to use one "
                f"value for all, define {name} as a normal Python variable before run() "
                f"(or pass namespace={{'{name}': ...}})."
            )

    def _run_externals(self, expr, namespace=None) -> dict:
        """Namespace values for evaluating a subexpression outside a run: the group's own
        and ``namespace``'s (the reader's names), as Brian2 looks them up (a ``gain``
        changed after the run counts); names found in neither, the last run's (Brian2
        raises there: a model built and run inside a function, read outside it)."""
        try:
            return externals_for(self, expr, namespace, "a subexpression")
        except UnknownNameError:
            if not getattr(self, "_last_externals", None):
                raise
            return self._last_externals

    def _set(self, name: str, value, units: bool, namespace=None, key=None) -> None:
        """``G.name = value`` (``key`` None) or ``G.name[key] = value``; ``key`` may be a
        condition string (``'i > 2'``), ``value`` an expression string."""
        var = self.variables[name]
        label = f"{self._label()}, variable '{name}'"
        if _is_link(value) or var.kind == "linked":
            self._link(name, value)
            return
        if var.read_only or var.array is None:
            what = "a subexpression (computed from the model)" if var.kind == "subexpression" \
                else "read-only"
            raise TypeError(f"cannot set {label}: it is {what}")
        target = var.array if var.shared else var.array[self._start:self._stop]
        if isinstance(value, str):
            if not var.is_boolean and is_zero_text(value):
                raw = np.zeros(())  # '0' fits any unit, as 0 does
            else:
                raw = evaluate_string(self, value, var, namespace)
            if name in self._conditional_writes:  # as Brian2: refractory elements keep theirs
                free = self._owner.variables["not_refractory"].array[self._start:self._stop]
                raw = np.where(free, raw, target)
        elif units:
            raw = checked_values(value, var, label)
        else:
            raw = np.asarray(value)
        if key is None:
            key = Ellipsis
        elif isinstance(key, str):
            key = indices_where(self, key, namespace)
        if isinstance(value, str) and np.ndim(raw):  # one value per element: take the key's
            raw = np.broadcast_to(raw, target.shape)[key]
        try:
            target[key] = raw
        except ValueError:
            raise ValueError(
                f"cannot set {label}: got {np.shape(raw)} values for "
                f"{np.size(target[key])} elements; give one value or one per element") from None

    def _link(self, name: str, value) -> None:
        """``G.x = linked_var(H, 'y')`` for a variable declared ``x : unit (linked)``."""
        if self.variables[name].kind != "linked":
            raise TypeError(f"cannot link {self._label()}.{name}: declare it as linked in the "
                            f"model ('{name} : <unit> (linked)') first")
        if not _is_link(value):
            raise TypeError(f"{self._label()}.{name} is a linked variable: it cannot be set, "
                            f"only linked, e.g. {self.name}.{name} = linked_var(other, "
                            f"'{name}')")
        if self._owner is not self:
            raise TypeError(f"link {self._owner._label()}.{name} on the whole group, not on "
                            "a subgroup")
        self.variables[name] = link(self, name, value)

    def run_regularly(self, code: str, dt=None, clock=None, when="start", order=0, name=None,
                      codeobj_class=None):
        """Run ``code`` over this group's elements every ``dt`` (default: the group's own
        dt), in the ``when`` slot; returns the object (it runs with the group).

        ``code`` is Brian2's abstract code: statements, temporaries, and ``(shared)``
        variables written once (see :mod:`labkit.groups.regular`).
        """
        return run_regularly(self, code, dt=dt, clock=clock, when=when, order=order,
                             name=name)

    def __getitem__(self, item):
        if not isinstance(item, slice):
            if isinstance(item, (int, np.integer)):
                item = slice(int(item), int(item) + 1 if int(item) != -1 else None)
            else:
                raise TypeError(f"{self._label()} can be sliced with G[start:stop] only")
        start, stop, step = item.indices(self.N)
        if step != 1:
            raise ValueError("subgroups must be contiguous: G[a:b] without a step")
        if stop <= start:
            raise IndexError(f"G[{start}:{stop}] of {self._label()} would be empty")
        return Subgroup(self, start, stop)

    # -- store / restore ----------------------------------------------------------------------

    def _stored_arrays(self) -> dict:
        arrays = {n: v.array for n, v in self.variables.items() if v.array is not None}
        for extra in ("_spikes", "_nspikes", "_last", "_bins", "_indices"):
            value = self.__dict__.get(extra)
            if isinstance(value, np.ndarray):
                arrays[extra] = value
        return arrays

    def _store_state(self) -> dict:
        return {k: np.array(v, copy=True) for k, v in self._stored_arrays().items()}

    def _restore_state(self, state: dict) -> None:
        arrays = self._stored_arrays()
        for key, saved in state.items():
            target = arrays.get(key)
            if target is not None and target.shape == saved.shape:
                target[...] = saved
            else:  # storage was replaced since (e.g. new spike times): put the copy back
                object.__setattr__(self, key, np.array(saved, copy=True))

    def state(self, name: str, use_units: bool = True):
        """Brian2's ``G.state('v')``: the variable's values."""
        return self._get(name, units=use_units)

    def get_states(self, vars=None, units: bool = True, format: str = "dict",  # noqa: A002
                   subexpressions: bool = False, read_only_variables: bool = True,
                   level: int = 0) -> dict:  # level: Brian2's, for its frame reading
        """name -> values (copies) of ``vars``, by default of every variable that is not
        internal: subexpressions only with ``subexpressions=True`` and read-only ones
        (``i``, ``N``) unless ``read_only_variables=False``, as Brian2 (a subexpression's
        value needs its namespace, which may be gone when the script that set it is)."""
        if format != "dict":
            raise ValueError(f"get_states: format {format!r} is not supported; 'dict' is")
        if vars is None:
            vars = [n for n, v in self.variables.items() if not n.startswith("_")  # noqa: A001
                    and (subexpressions or v.kind != "subexpression")
                    and (read_only_variables or not v.read_only)]
        return {n: np.copy(self._get(n, units), subok=True) for n in vars}


def spike_arrays(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Storage for one step's spikes of ``n`` elements and their count."""
    return np.zeros(n, dtype=np.int32), np.zeros(1, dtype=np.int64)


def _is_link(value) -> bool:
    return isinstance(value, LinkedVariable)


def add_standard_variables(variables: dict[str, Variable], n: int) -> None:
    """Every group has ``i`` (its element index)."""
    variables["i"] = Variable("i", kind="index", read_only=True)


class Subgroup(Group):
    """Elements ``start .. stop-1`` of ``parent`` (use ``G[start:stop]`` to make one)."""

    _kind = "Subgroup"
    _magic = False  # never collected by run(): it runs nothing of its own

    def __init__(self, parent: Group, start: int, stop: int, name=None):
        root = parent._owner
        offset = parent._start
        LabkitObject.__init__(self, clock=root.clock, when=root.when, order=root.order,
                              name=name or f"{root.name}_subgroup*")
        self.parent = root
        self._start, self._stop = offset + start, offset + stop
        self._N = stop - start
        self.variables = root.variables
        self._namespace = getattr(root, "_namespace", None)
        self._freeze()

    @property
    def _owner(self) -> Group:
        return self.parent

    @property
    def _spikes(self):
        return getattr(self.parent, "_spikes", None)

    def _prepare(self, ctx):
        return ObjectPlan()

    def _store_state(self) -> dict:
        return {}

    def _restore_state(self, state) -> None:
        pass

    def __repr__(self) -> str:
        return f"<Subgroup {self.parent.name}[{self._start}:{self._stop}]>"
