"""NeuronGroup(N, model, method, threshold, reset, refractory, ...) -> kernel operations.

A NeuronGroup stores its variables and, when a network runs, contributes up to three
operations in Brian2's schedule: refractoriness + integration (``groups``), the threshold
(``thresholds``) and the reset (``resets``). What it contributes is built from its
strings and the *kinds* of the external names they use (cached in ``groups.build``); the
values (N, state arrays, ``tau``) are bound as kernel arguments at every run.
"""

from __future__ import annotations

import numpy as np

from labkit.core.variables import Variable
from labkit.errors import UnsupportedFeatureError
from labkit.groups.group import Group, add_standard_variables
from labkit.groups.runtime_values import ObjectPlan, resolve_externals, spike_arrays
from labkit.units.dimension import DIMENSIONLESS, get_or_create_dimension

__all__ = ["NeuronGroup"]

SECOND = get_or_create_dimension(s=1)
_DTYPES = {"float": np.float64, "boolean": np.bool_, "integer": np.int64}
_RESERVED = ("i", "N", "t", "dt", "lastspike", "not_refractory", "refractory", "xi")


def _parse_model(model):
    from labkit.equations import Equations

    if isinstance(model, Equations):
        return model
    if not isinstance(model, str):
        raise TypeError(f"model must be a string or Equations, not {type(model).__name__}")
    return _cached_equations(model)


_EQUATIONS: dict = {}


def _cached_equations(text: str):
    from labkit.equations import Equations

    found = _EQUATIONS.get(text)
    if found is None:
        found = _EQUATIONS[text] = Equations(text)
    return found


def _warm_up_device() -> None:
    """Let the device start its slow initialisation (Numba's) while the model is built."""
    from labkit.devices import get_device

    try:
        warm = getattr(get_device(), "warm_up", None)
    except (ValueError, UnsupportedFeatureError):  # a bad target is reported by run()
        return
    if warm is not None:
        warm()


class NeuronGroup(Group):
    """A group of neurons sharing one model (Brian2's ``NeuronGroup``).

    Parameters
    ----------
    N : int
        Number of neurons.
    model : str or Equations
        Differential equations, subexpressions and parameters (Brian2 syntax).
    method : str, optional
        Integration method (``'exact'``, ``'euler'``, ``'rk4'``, ...); chosen
        automatically (as Brian2) when omitted.
    threshold : str, optional
        Spike condition, e.g. ``'v > V_t'``.
    reset : str, optional
        Statements run for each neuron that spiked, e.g. ``'v = V_r'``.
    refractory : Quantity, array, str or False
        A time (``5*ms``), one time per neuron, a string giving a time
        (``'(1 + rand())*ms'``) or a condition that keeps the neuron refractory while it
        holds (``'v > -50*mV'``).
    namespace : dict, optional
        Values of external names; default: where ``run()`` is called.
    dt, clock, order, name
        As for every object.
    """

    _kind = "NeuronGroup"
    _default_name = "neurongroup*"

    def __init__(self, N, model, method=None, threshold=None, reset=None, refractory=False,
                 events=None, namespace=None, dtype=None, dt=None, clock=None, order=0,
                 name=None, method_options=None, codeobj_class=None):
        super().__init__(dt=dt, clock=clock, when="groups", order=order, name=name)
        _warm_up_device()
        if isinstance(N, str):
            raise TypeError("the first argument of NeuronGroup is the number of neurons; "
                            "the model comes second: NeuronGroup(N, model, ...)")
        if int(N) != N or N < 1:
            raise ValueError(f"NeuronGroup needs at least one neuron; got N={N!r}")
        if events:
            raise UnsupportedFeatureError("custom events are not supported yet; use threshold")
        self._N = int(N)
        self._start, self._stop = 0, self._N
        self.equations = _parse_model(model)
        self._check_memory(threshold, refractory)
        self.method = tuple(method) if isinstance(method, (list, tuple)) else method
        for text, what in ((threshold, "threshold"), (reset, "reset")):
            if text is not None and not isinstance(text, str):
                raise TypeError(f"{what} must be a string such as 'v > -50*mV', "
                                f"not {type(text).__name__}")
        self.threshold = threshold
        self.reset = reset
        self._namespace = dict(namespace) if namespace is not None else None
        self.variables: dict[str, Variable] = {}
        self._make_variables()
        self._refractory = self._normalise_refractory(refractory)
        self._spikes, self._nspikes = spike_arrays(self._N) if threshold is not None \
            else (None, None)
        self._plans: dict = {}
        self._last_externals = None
        self._check_syntax(threshold, reset)
        self._freeze()

    # -- construction -----------------------------------------------------------------------

    def _check_syntax(self, threshold, reset) -> None:
        """Parse the strings now, so a syntax error points at the line that made the group.

        A reset runs once per spiking neuron, so it may not write a ``(shared)`` variable
        (Brian2 refuses it too): the result would depend on how many neurons spiked.
        """
        from labkit.groups.build import parse_code, parse_condition

        if threshold is not None:
            parse_condition(threshold, "threshold")
        if reset:
            for stmt in parse_code(reset, "reset"):
                var = self.variables.get(stmt.target)
                if var is not None and var.shared:
                    from labkit.errors import ExpressionError

                    raise ExpressionError(
                        f"the reset '{stmt.source or stmt}' of {self._label()} writes to "
                        f"'{stmt.target}', a (shared) variable: a reset runs once for each "
                        "neuron that spiked, so it can only write per-neuron variables. "
                        f"Declare '{stmt.target}' without (shared), or change it from Python "
                        "(a network_operation) between steps.")

    def _check_memory(self, threshold, refractory) -> None:
        """Before any array exists: would this group's arrays fit? (NeuronGroup(10**10)
        ended in numpy's MemoryError, or the system's out-of-memory killer.)"""
        from labkit.memory import check_memory

        stored = sum(1 for eq in self.equations.values()
                     if "shared" not in eq.flags and (eq.kind != "sub"
                                                      or "constant over dt" in eq.flags))
        # 8 bytes a variable, an index during a run, spikes and refractoriness if used
        per_neuron = 8 * stored + 8 + (4 if threshold is not None else 0) + \
            (9 if refractory is not False and refractory is not None else 0)
        check_memory(self._N * per_neuron, f"{self._label()} with N={self._N:,} neurons "
                     f"({per_neuron} bytes each)", "Use fewer neurons: a network that "
                     "size needs a larger machine (or cpp_standalone on a cluster node).")

    def _make_variables(self) -> None:
        n = self._N
        eqs = self.equations
        subs = dict(eqs.get_substituted_expressions(include_subexpressions=True))
        for name, eq in eqs.items():
            if name in _RESERVED:
                raise ValueError(f"'{name}' is reserved (Brian2 uses it); rename this variable")
            shared = "shared" in eq.flags
            if eq.kind == "sub" and "constant over dt" not in eq.flags:
                self.variables[name] = Variable(name, eq.dim, "subexpression",
                                                expr=subs.get(name, eq.expr), shared=shared)
                continue
            if "linked" in eq.flags:  # storage comes from the group it is linked to
                self.variables[name] = Variable(name, eq.dim, "linked", read_only=True)
                continue
            dtype = _DTYPES[eq.var_type]
            kind = "state" if eq.kind in ("diff", "sub") else "parameter"
            array = np.zeros(1 if shared else n, dtype=dtype)
            self.variables[name] = Variable(name, eq.dim, kind, array, shared=shared)
        add_standard_variables(self.variables, n)

    def _normalise_refractory(self, refractory):
        if refractory is False or refractory is None:
            return None
        self.variables["lastspike"] = Variable(
            "lastspike", SECOND, "internal", np.full(self._N, -1e4))
        self.variables["not_refractory"] = Variable(
            "not_refractory", DIMENSIONLESS, "internal", np.ones(self._N, dtype=np.bool_))
        if isinstance(refractory, str):
            from labkit.groups.build import parse_condition

            parse_condition(refractory, "refractory")
            return ("string", refractory)
        dim = getattr(refractory, "dim", DIMENSIONLESS)
        if dim is not SECOND:
            raise self._bad_refractory(refractory, dim)
        values = np.asarray(refractory.view(np.ndarray), dtype=float)
        if values.ndim == 0:
            self._refractory_value = float(values)
            return ("time",)
        if values.shape != (self._N,):
            raise ValueError(f"refractory of {self._label()} has {values.size} values for "
                             f"{self._N} neurons")
        self.variables["_refractory"] = Variable("_refractory", SECOND, "internal",
                                                 values.copy())
        return ("time-array",)

    def _bad_refractory(self, refractory, dim) -> Exception:
        """A labkit error for ``refractory=`` that is neither a time, a string nor False."""
        import numbers

        from labkit.errors import ArgumentTypeError, DimensionMismatchError, shorten

        wanted = (f"refractory of {self._label()} must be a time (e.g. refractory=5*ms), a "
                  "string (a time such as '2*ms + rand()*ms', or a condition such as "
                  "'v > -50*mV') or False")
        if isinstance(refractory, (np.ndarray, numbers.Real)):  # a Quantity or a number
            shown = shorten(str(refractory), 80)
            return DimensionMismatchError(f"{wanted}; got {shown}, which is not a time", dim)
        return ArgumentTypeError(f"{wanted}; got {shorten(repr(refractory), 80)} "
                                 f"({type(refractory).__name__})")

    # -- running ----------------------------------------------------------------------------

    def _used_names(self) -> set[str]:
        from labkit.groups.build import names_in, parse_code, parse_condition

        names = set(self.equations.identifiers)
        if self.threshold is not None:
            names |= names_in(parse_condition(self.threshold, "threshold"))
        for stmt in parse_code(self.reset, "reset") if self.reset else ():
            names |= names_in(stmt.expr) | {stmt.target}
        if self._refractory and self._refractory[0] == "string":
            names |= names_in(parse_condition(self._refractory[1], "refractory"))
        return names

    def _prepare(self, ctx) -> ObjectPlan:
        from labkit.equations.checks import external_dimension
        from labkit.groups.build import constant_functions, external_kinds
        from labkit.groups.linked import check_linked
        from labkit.plan.arguments import is_boolean

        check_linked(self)
        prefix, clock = ctx.owner(self), ctx.clock(self)
        externals = resolve_externals(self, self._used_names(), ctx)
        self._last_externals = externals
        kinds = external_kinds(externals)
        ext_dims = {n: external_dimension(v) for n, v in externals.items()}
        ref = self._refractory
        if ref is not None and ref[0] == "time":
            kinds["_refractory"], ext_dims["_refractory"] = "scalar", SECOND
        booleans = frozenset(n for n, v in externals.items() if is_boolean(v))
        constants = constant_functions(externals, self.clock.dt_)
        key = (self.equations, self.method, self.threshold, self.reset, ref,
               tuple(sorted((n, kinds[n], ext_dims[n], n in booleans) for n in kinds)),
               tuple(sorted(constants)))
        plan_key = (key, prefix, clock)
        ops = self._plans.get(plan_key)
        if ops is None:
            ops = self._operations(key, kinds, ext_dims, prefix, clock, booleans, constants)
            self._plans = {plan_key: ops}
        values = self._values(prefix, externals, ctx)
        return ObjectPlan(ops, values, spikes=(prefix, f"{prefix}_N") if self._spikes is not
                          None else None)

    def _report_method_choice(self, structure) -> None:
        """As Brian2: one INFO line, once per group, naming the method chosen for it."""
        if structure.method_choice is None or self.__dict__.get("_method_reported"):
            return
        from labkit.core.logs import get_logger, info

        self._method_reported = True
        reason, seconds = structure.method_choice
        info(f"No numerical integration method specified for group '{self.name}', "
             f"using method '{structure.method}' (took {seconds:.2f}s).", "method_choice")
        if "(" in reason:  # other methods were refused first: say why, for the curious
            get_logger().getChild("method_choice").debug(reason)

    def _operations(self, key, kinds, ext_dims, prefix, clock, booleans=frozenset(),
                    constants=frozenset()):
        from labkit.codegen import spec as S
        from labkit.groups.build import build_structure, names_in, symbols_for

        variables = {n: (v.dim, v.is_boolean) for n, v in self.variables.items()
                     if v.kind != "index"}
        ref = self._refractory
        refractory = None if ref is None else ("time",) if ref[0].startswith("time") else ref
        structure = build_structure(key, self._label(), self.equations, variables, ext_dims,
                                    self.method, self.threshold, self.reset, refractory,
                                    boolean_externals=booleans, constant_functions=constants)
        self._report_method_choice(structure)
        self._method_used = structure.method  # named when a state becomes NaN
        arrays = {n: ("shared" if v.shared else "array") for n, v in self.variables.items()
                  if v.array is not None}
        ext_kinds = dict(kinds)
        if ref is not None and ref[0] == "time-array":
            ext_kinds.pop("_refractory", None)

        def roles(*exprs, extra=()):
            names = set(extra)
            for e in exprs:
                names |= names_in(e)
            return symbols_for(names, prefix, arrays, ext_kinds)

        ops = []
        block = structure.block
        label = self.name
        if block is not None or structure.refractory is not None:
            statements = block.statements if block is not None else ()
            exprs = [s.expr for s in statements]
            extra = {s.target for s in statements}
            if structure.refractory is not None:
                exprs.append(structure.ref_expr)
                extra |= {"lastspike", "not_refractory", "t", "dt"}
            held = block.held if (block is not None and ref is not None) else frozenset()
            checked = tuple(n for n in (block.state if block is not None else ())
                            if self.variables[n].dtype == np.float64)
            op = S.StateUpdate(prefix, clock, roles(*exprs, extra=extra), f"{label} update",
                               statements, frozenset(held), checked, structure.refractory,
                               structure.ref_expr, f"{prefix}_N")
            ops.append(("groups", self.order, op, "_stateupdater"))
        if structure.threshold is not None:
            extra = {"lastspike", "not_refractory", "t"} if ref is not None else set()
            op = S.Threshold(prefix, clock, roles(structure.threshold, extra=extra),
                             f"{label} threshold", structure.threshold, ref is not None,
                             f"{prefix}_N")
            ops.append(("thresholds", self.order, op, "_spike_thresholder"))
        if structure.reset:
            exprs = [s.expr for s in structure.reset]
            op = S.Reset(prefix, clock, roles(*exprs, extra={s.target for s in structure.reset}),
                         f"{label} reset", structure.reset)
            ops.append(("resets", self.order, op, "_spike_resetter"))
        return ops

    def _values(self, prefix: str, externals: dict, ctx) -> dict:
        from labkit.plan.arguments import argument, bind

        values = {f"{prefix}_N": self._N, f"{prefix}_i": ctx.arange(self._N)}
        for name, var in self.variables.items():
            if var.array is not None:
                values[argument(prefix, name)] = var.array
        values.update(bind(prefix, externals, self.clock.dt_))
        if self._refractory is not None and self._refractory[0] == "time":
            values[argument(prefix, "_refractory", "constant")] = self._refractory_value
        if self._spikes is not None:
            values[f"{prefix}_spikes"] = self._spikes
            values[f"{prefix}_nspikes"] = self._nspikes
        return values

    @property
    def spikes(self) -> np.ndarray:
        """Indices of the neurons that spiked in the last time step."""
        if self._spikes is None:
            return np.zeros(0, dtype=np.int32)
        return self._spikes[:self._nspikes[0]].copy()

    def __repr__(self) -> str:
        return f"NeuronGroup({self._N}, name={self.name!r})"
