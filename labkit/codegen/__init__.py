"""Stage 3, statements -> source text: the IR hand-offs (``ir``) and, later, the printers.

This package is the only place that writes program text; what reaches it is data
(:class:`~labkit.codegen.ir.UpdateBlock` and friends), never strings to re-parse.

Importing the package (for ``labkit.codegen.compile``, which loads a stored kernel)
imports no sympy, so that a model seen before connects, builds and runs without it
(:mod:`labkit.synapses.connect_run`, :mod:`labkit.plan.stored_ops`): the IR's frozen
dataclasses hold sympy expressions but do not import sympy themselves.
"""

from __future__ import annotations

from labkit.codegen.ir import Statement, UpdateBlock

__all__ = ["Statement", "UpdateBlock"]
