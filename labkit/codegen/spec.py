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

An operation class only has to be a frozen dataclass that the loop assemblers
(``loop_numba``, ``loop_numpy``, ``loop_cpp``) know how to emit (see their ``EMITTERS``
tables, which ``synapse_numba``/``synapse_numpy``/``synapse_cpp`` extend).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    "SpikePush",
    "SynapticCode",
    "SummedVariable",
    "KernelSpec",
]

#: What a model name can be inside a kernel.
#:
#: ``array``: one value per element (``arg[_i]``); ``shared``: one value for the whole group
#: (``arg[0]``); ``scalar``: a float argument (namespace constants); ``int``: an integer
#: argument (``N``); ``index``: the element index ``i``; ``t``/``dt``/``timestep``: the
#: clock's; ``timed``: a TimedArray (arguments ``arg_values``, ``arg_eps``, ``arg_K``,
#: ``arg_n``, ``arg_ncols``).
ROLES = ("array", "shared", "scalar", "int", "index", "t", "dt", "timestep", "timed")


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

    condition: sympy.Expr = sympy.false
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
    subexpression's right side); ``source`` is the source group's owner prefix.
    """

    source: str = ""
    variables: tuple[tuple[str, sympy.Expr], ...] = ()


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
class PythonCall(Operation):
    """Hand control back to Python (a ``network_operation``), then resume after it."""


# -- synapses ------------------------------------------------------------------------------
#
# A synaptic pathway keeps its pending events in a ring buffer of ``D`` slots (one slot per
# future time step, ``D`` = largest delay in steps + 1), all arguments owned by the pathway
# prefix ``q``: ``q_qdata`` (D x capacity int32 synapse indices), ``q_qn`` (events per
# slot), ``q_qn0`` (scratch copy of ``q_qn``), ``q_qoff`` (the slot of the current step)
# and ``q_qfull`` (set when a push did not fit: the kernel returns BUFFER_FULL and resumes
# at the push after the Python side doubled the capacity; the cpp_standalone program
# instead doubles ``q_qdata`` itself, without ``q_qn0``/``q_qfull``, and the pathway adopts
# the wider array it returns). Synapses of a source neuron are
# found through ``q_ptr`` / ``q_syn`` (CSR: the synapses of source ``k`` are
# ``q_syn[q_ptr[k]:q_ptr[k+1]]`` in increasing order); ``q_delay`` holds each synapse's
# delay in steps.


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
    """

    statements: tuple[Statement, ...] = ()
    indices: tuple[tuple[str, str], ...] = ()
    queue: str = ""
    pre: str = ""
    post: str = ""
    size: str = ""
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SummedVariable(Operation):
    """``target[start:stop] = 0``, then ``target[index[s]] += expr(s)`` for every synapse.

    ``target``: the argument of the target group's variable; ``index``: each synapse's
    element in it (absolute); ``start``/``stop``: arguments bounding the elements written
    (a subgroup); ``indices`` as in :class:`SynapticCode` for the names of ``expr``.
    """

    expr: sympy.Expr = sympy.S.Zero
    target: str = ""
    index: str = ""
    start: str = ""
    stop: str = ""
    indices: tuple[tuple[str, str], ...] = ()
    pre: str = ""
    post: str = ""
    size: str = ""


@dataclass(frozen=True)
class KernelSpec:
    """The structure of one run: operations in schedule order and the number of clocks.

    ``spikes`` lists the owners that produce spikes (they get ``_spikes``/``_nspikes``
    arrays), ``buffers`` the SpikeRecord owners whose capacity is checked at each step.
    """

    operations: tuple[Operation, ...]
    n_clocks: int
    spikes: tuple[tuple[str, str], ...] = ()  # (owner, argument holding its size)
    buffers: tuple[tuple[str, str], ...] = ()  # (monitor owner, source size argument)

    def __repr__(self) -> str:
        lines = "".join(f"\n    {type(op).__name__} {op.label} (clock {op.clock})"
                        for op in self.operations)
        return f"KernelSpec({self.n_clocks} clock(s), operations:{lines})"
