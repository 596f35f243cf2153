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

The Synapses issue adds its own operation classes here; an operation class only has to be
a frozen dataclass that the loop assemblers (``loop_numba``, ``loop_numpy``) know how to
emit (see their ``EMITTERS`` tables).
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
    "SpikeGenerator",
    "StateRecord",
    "SpikeRecord",
    "RateRecord",
    "PythonCall",
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
