"""NeuronGroup(N, model, method, threshold, reset, refractory, ...) -> kernel operations.

A NeuronGroup stores its variables and, when a network runs, contributes up to three
operations in Brian2's schedule: refractoriness + integration (``groups``), the threshold
(``thresholds``) and the reset (``resets``). What it contributes is built from its
strings and the *kinds* of the external names they use (:mod:`labkit.plan.neurons`); the
values (N, state arrays, ``tau``) are bound as kernel arguments at every run.
"""

from __future__ import annotations

import numbers
import weakref

import numpy as np

from labkit.core.variables import DTYPES, LazySubexpression, Variable
from labkit.devices import get_device
from labkit.equations.equations import Equations
from labkit.errors import (
    ArgumentTypeError,
    DimensionMismatchError,
    ExpressionError,
    UnsupportedFeatureError,
    shorten,
)
from labkit.groups.events import check_events, event_code
from labkit.groups.group import Group, add_standard_variables, spike_arrays
from labkit.groups.linked import check_linked
from labkit.groups.stored_model import (
    ModelLine,
    checked_code,
    checked_condition,
    lines_of,
    model_lines,
)
from labkit.memory import aligned_zeros, check_memory
from labkit.plan.neurons import plan_neurons
from labkit.units.dimension import DIMENSIONLESS, get_or_create_dimension

__all__ = ["NeuronGroup"]

SECOND = get_or_create_dimension(s=1)
_RESERVED = ("i", "N", "t", "dt", "lastspike", "not_refractory", "refractory", "xi")


def _parse_model(model):
    if isinstance(model, Equations):
        return model
    if not isinstance(model, str):
        raise TypeError(f"model must be a string or Equations, not {type(model).__name__}")
    return _cached_equations(model)


def _model_lines(model) -> tuple[ModelLine, ...]:
    """A model (text or Equations) -> its lines, without sympy for a text seen before."""
    if isinstance(model, str):
        return model_lines(model, _cached_equations)
    return lines_of(_parse_model(model))


_EQUATIONS: dict = {}


def _cached_equations(text: str):
    found = _EQUATIONS.get(text)
    if found is None:
        found = _EQUATIONS[text] = Equations(text)
    return found


def _substituted(group, name: str):
    """The subexpression ``name`` of ``group``'s model, other subexpressions substituted
    (parsed when first read: see :class:`labkit.core.variables.LazySubexpression`)."""
    eqs = group.equations
    return dict(eqs.get_substituted_expressions(include_subexpressions=True)).get(
        name, eqs[name].expr)


def _warm_up_device() -> None:
    """Let the device start its slow initialisation (Numba's) while the model is built."""
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
        self._N = int(N)
        self._start, self._stop = 0, self._N
        # the model's lines are all construction needs (no sympy for a model seen
        # before); the parsed Equations are made when first read (`equations`)
        if not isinstance(model, str):
            model = _parse_model(model)
        self._model = model
        self._equations = None if isinstance(model, str) else model
        self._lines = _model_lines(model)
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
        self.events = check_events(self, events)
        self._event_spikes = {event: spike_arrays(self._N) for event in self.events}
        self._event_code: dict = {}
        self._last_externals = None
        self._check_syntax(threshold, reset)
        self._freeze()

    @property
    def equations(self):
        """The model, parsed (:class:`labkit.equations.Equations`)."""
        if self._equations is None:
            self._equations = _parse_model(self._model)
        return self._equations

    # -- construction -----------------------------------------------------------------------

    def _check_syntax(self, threshold, reset) -> None:
        """Parse the strings now, so a syntax error points at the line that made the group.

        A reset runs once per spiking neuron, so it may not write a ``(shared)`` variable
        (Brian2 refuses it too): the result would depend on how many neurons spiked.
        """
        if threshold is not None:
            checked_condition(threshold, "threshold")
        if reset:
            targets = checked_code(reset, "reset")
            if not any(getattr(self.variables.get(name), "shared", False) for name in targets):
                return
            from labkit.plan.structure import parse_code  # loads sympy

            for stmt in parse_code(reset, "reset"):  # to quote the statement
                var = self.variables.get(stmt.target)
                if var is not None and var.shared:
                    raise ExpressionError(
                        f"the reset '{stmt.source or stmt}' of {self._label()} writes to "
                        f"'{stmt.target}', a (shared) variable: a reset runs once for each "
                        "neuron that spiked, so it can only write per-neuron variables. "
                        f"Declare '{stmt.target}' without (shared), or change it from Python "
                        "(a network_operation) between steps.")

    def _check_memory(self, threshold, refractory) -> None:
        """Before any array exists: would this group's arrays fit? (NeuronGroup(10**10)
        ended in numpy's MemoryError, or the system's out-of-memory killer.)"""
        stored = sum(1 for eq in self._lines
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
        owner = weakref.ref(self)
        for eq in self._lines:
            name = eq.name
            if name in _RESERVED:
                raise ValueError(f"'{name}' is reserved (Brian2 uses it); rename this variable")
            shared = "shared" in eq.flags
            if eq.kind == "sub" and "constant over dt" not in eq.flags:
                # through a weak reference: no cycle keeps the group (and its name) alive
                self.variables[name] = LazySubexpression(
                    name, eq.dim, lambda name=name: _substituted(owner(), name),
                    shared=shared, var_type=eq.var_type)
                continue
            if "linked" in eq.flags:  # storage comes from the group it is linked to
                self.variables[name] = Variable(name, eq.dim, "linked", read_only=True)
                continue
            dtype = DTYPES[eq.var_type]
            kind = "state" if eq.kind in ("diff", "sub") else "parameter"
            # on a cache line: threads owning parts of the group share no line (team kernel)
            array = aligned_zeros(1 if shared else n, dtype)
            self.variables[name] = Variable(name, eq.dim, kind, array, shared=shared)
        add_standard_variables(self.variables, n)

    def _normalise_refractory(self, refractory):
        if refractory is False or refractory is None:
            return None
        lastspike, not_refractory = aligned_zeros(self._N, np.float64), aligned_zeros(
            self._N, np.bool_)  # on a cache line, as the state variables
        lastspike[:] = -1e4
        not_refractory[:] = True
        self.variables["lastspike"] = Variable("lastspike", SECOND, "internal", lastspike)
        self.variables["not_refractory"] = Variable(
            "not_refractory", DIMENSIONLESS, "internal", not_refractory)
        if isinstance(refractory, str):
            checked_condition(refractory, "refractory")
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
        wanted = (f"refractory of {self._label()} must be a time (e.g. refractory=5*ms), a "
                  "string (a time such as '2*ms + rand()*ms', or a condition such as "
                  "'v > -50*mV') or False")
        if isinstance(refractory, (np.ndarray, numbers.Real)):  # a Quantity or a number
            shown = shorten(str(refractory), 80)
            return DimensionMismatchError(f"{wanted}; got {shown}, which is not a time", dim)
        return ArgumentTypeError(f"{wanted}; got {shorten(repr(refractory), 80)} "
                                 f"({type(refractory).__name__})")

    # -- running ----------------------------------------------------------------------------

    def _prepare(self, ctx):
        """This run's operations and values (:mod:`labkit.plan.neurons` makes them)."""
        check_linked(self)
        plan = plan_neurons(self, ctx)
        self._last_externals = plan.externals  # for reading subexpressions after the run
        return plan

    def run_on_event(self, event: str, code: str, when: str = "after_resets", order=None):
        """Run ``code`` for each neuron where custom ``event`` happened this step (in the
        ``when`` slot, ``after_resets`` by default), as Brian2's ``run_on_event``."""
        return event_code(self, event, code, when, order)

    @property
    def spikes(self) -> np.ndarray:
        """Indices of the neurons that spiked in the last time step."""
        if self._spikes is None:
            return np.zeros(0, dtype=np.int32)
        return self._spikes[:self._nspikes[0]].copy()

    def __repr__(self) -> str:
        return f"NeuronGroup({self._N}, name={self.name!r})"
