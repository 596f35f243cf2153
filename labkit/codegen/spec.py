"""Objects of a run in schedule order -> KernelSpec: the structure of one compiled loop.

A :class:`KernelSpec` holds no numbers. It lists the operations of a run (state updates,
thresholds, resets, monitors, spike generators, Python calls), each with its sympy
statements written in *model names* (``v``, ``tau``, ``t``) and a table of
:class:`Symbol` roles saying what each name is in the kernel: a per-element array, a
scalar argument, the element index, the clock's time. Group sizes, parameters, namespace
constants, dt and the number of steps are all run-time arguments, so two runs that differ
only in values share one spec, one generated source and one compiled kernel.

Argument names are derived from an operation's ``owner`` prefix (``_g0`` for the first
group of the network, ``_m1`` for a monitor, ...), never from user names, so renaming a
group does not change the spec either.

An operation class is a frozen dataclass whose loop :mod:`labkit.codegen.operations`
describes (its ``BUILDERS`` table), once for every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the module itself imports no sympy: a stored plan's run needs none
    import sympy

    from labkit.codegen.ir import Statement

__all__ = [
    "ROLES",
    "Symbol",
    "Operation",
    "StateUpdate",
    "Threshold",
    "Reset",
    "ScalarCode",
    "SpikeGenerator",
    "StateRecord",
    "SpikeRecord",
    "RateRecord",
    "PythonCall",
    "CableUpdate",
    "SpikePush",
    "SynapticCode",
    "SummedVariable",
    "Growth",
    "KernelSpec",
    "KINDS",
    "argument",
    "FIXED_ARGS",
    "DONE",
    "BUFFER_FULL",
    "NOT_FINITE",
    "PYTHON_CALL",
]

#: Arguments every kernel takes first, in this order: the step range (first step, the
#: position in the schedule to start at, end step), the clocks' current timesteps, end
#: timesteps, multiples of the base dt and dts, the status array, the random generator.
FIXED_ARGS = (
    "_lk_s0", "_lk_pos0", "_lk_s1", "_lk_clock_ts", "_lk_clock_end", "_lk_clock_k",
    "_lk_clock_dt", "_lk_status", "_rng",
)

#: Status codes a kernel leaves in ``_lk_status[0]``: done; a buffer is full (``[3]``:
#: which of ``KernelSpec.growable``; enlarge it and resume at step ``[1]``, position
#: ``[2]``); a state variable is not finite (``[3]``: element, ``[4]``: which of the
#: operation's ``checked``); a Python call is due (call it, resume at ``[1]``, ``[2]``).
DONE, BUFFER_FULL, NOT_FINITE, PYTHON_CALL = 0, 1, 2, 3

#: What a model name can be inside a kernel.
#:
#: ``array``: one value per element (``arg[_i]``); ``shared``: one value for the whole group
#: (``arg[0]``); ``scalar``: a float argument (namespace constants); ``int``: an integer
#: argument (``N``); ``index``: the element index ``i``; ``t``/``dt``/``timestep``: the
#: clock's; ``timed``: a TimedArray (arguments ``arg_values``, ``arg_eps``, ``arg_K``,
#: ``arg_n``, ``arg_ncols``).
ROLES = ("array", "shared", "scalar", "int", "index", "t", "dt", "timestep", "timed")


#: kind -> how the argument's name follows the owner's prefix (see :func:`argument`).
KINDS = {"variable": "_", "constant": "__c_", "timed": "__t_", "internal": "__"}


def argument(owner: str, name: str, kind: str = "variable") -> str:
    """The kernel argument of ``name`` (of ``kind``) owned by ``owner``: the one place
    that names arguments, for the plans that bind values and the loops that read them.

    The run numbers its objects ``_o0``, ``_o1``, ...; a name follows its owner's prefix:

    ==========  ================  ===========================================
    kind        argument          value
    ==========  ================  ===========================================
    variable    ``_o3_v``         the variable's storage array
    constant    ``_o3__c_tau``    a namespace number (float, bool for a flag)
    timed       ``_o3__t_I``      a TimedArray (``_values``, ``_eps``, ...)
    internal    ``_o3__spikes``   sizes, indices, buffers the object keeps
    ==========  ================  ===========================================

    User names never start with ``_``, so kinds never meet (a variable ``c_tau`` and a
    constant ``tau``, a variable ``spikes`` and the spike buffer).

    >>> argument("_o3", "tau", "constant"), argument("_o3", "v")
    ('_o3__c_tau', '_o3_v')
    """
    return f"{owner}{KINDS[kind]}{name}"


@dataclass(frozen=True)
class Symbol:
    """A model name used by an operation: its role and the kernel argument behind it."""

    name: str
    role: str
    arg: str = ""

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r} for {self.name!r}; known: {ROLES}")


@dataclass(frozen=True)
class Operation:
    """Common part of every operation: who owns it, which clock drives it, its names.

    ``owner`` is the argument prefix of the object (``_g0``); ``clock`` the index of its
    clock in :attr:`KernelSpec.n_clocks`; ``symbols`` the roles of every model name its
    expressions use; ``label`` names the object in messages (not part of the structure).
    """

    owner: str
    clock: int
    symbols: tuple[Symbol, ...]
    label: str = field(compare=False)

    def roles(self) -> dict[str, Symbol]:
        return {s.name: s for s in self.symbols}


@dataclass(frozen=True)
class StateUpdate(Operation):
    """Refractoriness then integration of one group over all its elements.

    ``refractory``: ``None``, ``'time'`` (``ref_expr`` is the refractory period) or
    ``'condition'`` (``ref_expr`` keeps the neuron refractory while true). Variables in
    ``held`` are written only where ``not_refractory``; ``checked`` variables stop the run
    when they become NaN or infinite.
    """

    statements: tuple[Statement, ...] = ()
    held: frozenset[str] = frozenset()
    checked: tuple[str, ...] = ()
    refractory: str | None = None
    ref_expr: sympy.Expr | None = None
    size: str = ""  # argument holding the number of elements


@dataclass(frozen=True)
class Threshold(Operation):
    """``condition`` (and ``not_refractory`` if ``refractory``) -> this step's spikes."""

    condition: sympy.Expr | None = None
    refractory: bool = False
    size: str = ""


@dataclass(frozen=True)
class Reset(Operation):
    """Statements run, in order, for each element that spiked this step."""

    statements: tuple[Statement, ...] = ()


@dataclass(frozen=True)
class ScalarCode(Operation):
    """Statements run once per step, not per element: the scalar block of user code
    (``run_regularly``), writing ``(shared)`` variables; each ``rand()`` draws once."""

    statements: tuple[Statement, ...] = ()


@dataclass(frozen=True)
class SpikeGenerator(Operation):
    """Spikes from sorted (time bin, index) arrays, optionally repeating with a period."""


@dataclass(frozen=True)
class StateRecord(Operation):
    """Record expressions of a source's variables for chosen elements at each step.

    ``variables`` pairs a recorded name with its expression (a variable, or a
    subexpression's right side); ``source`` is the source group's owner prefix. A
    Synapses' monitor may record its source's and target's variables (``v_post``, or
    ``g`` for the target's ``g``): ``indices``, ``pre`` and ``post`` then say how each
    name is indexed, as in :class:`SynapticCode`.
    """

    source: str = ""
    variables: tuple[tuple[str, sympy.Expr], ...] = ()
    indices: tuple[tuple[str, str], ...] = ()
    pre: str = ""
    post: str = ""


@dataclass(frozen=True)
class SpikeRecord(Operation):
    """Record index, time (and ``variables``) of the source's spikes in [start, stop)."""

    source: str = ""
    variables: tuple[tuple[str, sympy.Expr], ...] = ()


@dataclass(frozen=True)
class RateRecord(Operation):
    """Record the fraction of the source's elements in [start, stop) that spiked, per dt."""

    source: str = ""


@dataclass(frozen=True)
class CableUpdate(Operation):
    """One implicit step of the cable equation over a spatial neuron's whole tree.

    ``gtot`` and ``I0`` (model expressions, per compartment) linearise the membrane
    current, ``Im = I0 - gtot*v``; the tree (parents, conductances, order; internal
    arguments of the owner) is solved by Hines elimination. ``size``: the argument holding
    the number of compartments. ``constant_gtot``: ``gtot`` cannot change during a run
    (a passive membrane), so the matrix is factorised once a run. ``crank_nicolson``:
    the step is Crank-Nicolson's (second order, channels staggered half a step) instead
    of backward Euler's (first order, Brian2's).
    """

    gtot: sympy.Expr | None = None
    I0: sympy.Expr | None = None
    size: str = ""
    constant_gtot: bool = False
    crank_nicolson: bool = False


@dataclass(frozen=True)
class PythonCall(Operation):
    """Hand control back to Python (a ``network_operation``), then resume after it."""


# -- synapses ------------------------------------------------------------------------------
#
# A synaptic pathway keeps its pending events in a ring buffer of ``D`` slots (one slot per
# future time step, ``D`` = largest delay in steps + 1), all arguments owned by the pathway
# prefix ``q``: ``q_qdata`` (D x capacity int32 positions in ``q_syn``), ``q_qn`` (events per
# slot), ``q_qn0`` (scratch copy of ``q_qn``, to undo a push that did not fit) and
# ``q_qoff`` (the slot of the current step). A push that does not fit returns BUFFER_FULL
# (``q_qdata`` is one of ``KernelSpec.growable``) and resumes at the push once the runner
# doubled the capacity; the cpp_standalone program instead doubles ``q_qdata`` itself
# (without ``q_qn0``) and hands back the wider array. Synapses of a source neuron are
# found through ``q_ptr`` / ``q_syn`` (CSR: the synapses of source ``k`` are
# ``q_syn[q_ptr[k]:q_ptr[k+1]]`` in increasing order); ``q_delay`` holds each synapse's
# delay in steps. An event is a position ``m`` in ``q_syn`` (its synapse is ``q_syn[m]``),
# so that ``q_reach[m]`` (the element on the other side, copied into this order) is read
# sequentially along a spike's synapses.


@dataclass(frozen=True)
class SpikePush(Operation):
    """Queue this step's spikes of ``source`` (its owner prefix) for pathway ``owner``.

    Only spikes of elements ``q_start <= k < q_stop`` count (a subgroup as source). Events
    enter their slot in Brian2's order: spiking neurons in index order, then each one's
    synapses in index order; a slot fills in the order of the steps that pushed to it.
    """

    source: str = ""


@dataclass(frozen=True)
class SynapticCode(Operation):
    """Statements run once per synapse, serially in synapse order (Brian2's semantics).

    ``queue`` empty: over all synapses ``0 .. size-1`` (clock-driven integration).
    ``queue`` set (a pathway prefix): over the events due in the current slot, in queue
    order; afterwards the slot is emptied and the queue advances one step.

    ``indices`` says how each array-role name is indexed: ``'syn'`` by the synapse,
    ``'pre'`` by ``pre[s]`` (argument holding each synapse's source element, in the source
    owner's storage), ``'post'`` by ``post[s]``. ``conflicts`` lists the index spaces
    (``'pre'``, ``'post'``) the statements write, where several synapses may meet one
    element in one step: a vectorised device must keep their serial order there.
    ``reach`` (queued code only): the index space (``'post'`` for a pathway triggered by
    the source, ``'pre'`` by the target) whose elements the queue provides in its own
    order (``q_reach``), '' when the statements do not use it.
    """

    statements: tuple[Statement, ...] = ()
    indices: tuple[tuple[str, str], ...] = ()
    queue: str = ""
    pre: str = ""
    post: str = ""
    size: str = ""
    conflicts: tuple[str, ...] = ()
    reach: str = ""

    @property
    def reads_synapse(self) -> bool:
        """Whether each event needs its synapse's index (``q_syn[m]``): for a synaptic
        variable, the index itself, a per-element lookup, or a side the queue does not
        provide in its own order. CUBA's ``ge += we`` does not, and its queue then keeps
        no ``q_syn`` (4 bytes per synapse; ``labkit.synapses.queue``). Any name other than
        one-value ones and the ``reach`` side's arrays counts, so that a role added later
        keeps the index (a loop that used it without this would fail to compile)."""
        kinds = dict(self.indices)
        return any(s.role not in ("array", "shared", "scalar", "int", "t", "dt", "timestep")
                   or (s.role == "array" and kinds.get(s.name, "syn") != self.reach)
                   for s in self.symbols)


@dataclass(frozen=True)
class SummedVariable(Operation):
    """``target[start:stop] = 0``, then ``target[index[s]] += expr(s)`` for every synapse.

    ``target``: the argument of the target group's variable; ``index``: each synapse's
    element in it (absolute); ``start``/``stop``: arguments bounding the elements written
    (a subgroup); ``indices`` as in :class:`SynapticCode` for the names of ``expr``.
    """

    expr: sympy.Expr | None = None
    target: str = ""
    index: str = ""
    start: str = ""
    stop: str = ""
    indices: tuple[tuple[str, str], ...] = ()
    pre: str = ""
    post: str = ""
    size: str = ""


@dataclass(frozen=True)
class Growth:
    """Buffers a kernel may find full: the arguments ``arrays`` of ``owner``, enlarged
    together along ``axis`` (a SpikeMonitor's per-spike arrays, a pathway's queue)."""

    owner: str
    arrays: tuple[str, ...]
    axis: int = 0


@dataclass(frozen=True)
class KernelSpec:
    """The structure of one run: operations in schedule order and the number of clocks.

    ``buffers`` lists the SpikeRecord owners whose capacity is checked at each step,
    ``growable`` the buffers that may fill up: a kernel that finds ``growable[k]`` full
    returns BUFFER_FULL with ``k`` in ``_lk_status[3]`` (or enlarges it itself).
    """

    operations: tuple[Operation, ...]
    n_clocks: int
    buffers: tuple[tuple[str, str], ...] = ()  # (monitor owner, source size argument)
    growable: tuple[Growth, ...] = ()

    def growth_of(self, owner: str) -> int:
        """The index in ``growable`` of ``owner``'s buffers (-1: none declared)."""
        return next((k for k, g in enumerate(self.growable) if g.owner == owner), -1)

    def __repr__(self) -> str:
        lines = "".join(f"\n    {type(op).__name__} {op.label} (clock {op.clock})"
                        for op in self.operations)
        return f"KernelSpec({self.n_clocks} clock(s), operations:{lines})"
