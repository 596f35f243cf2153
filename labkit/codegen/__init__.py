"""Stage 3, statements -> source text: the IR hand-offs (``ir``) and, later, the printers.

This package is the only place that writes program text; what reaches it is data
(:class:`~labkit.codegen.ir.UpdateBlock` and friends), never strings to re-parse.

``Statement`` and ``UpdateBlock`` are loaded on first use: importing the package (for
``labkit.codegen.compile``, which loads a stored kernel) must not import sympy, so that
a model seen before connects and builds without it (:mod:`labkit.synapses.connect_run`).
"""

from __future__ import annotations

__all__ = ["Statement", "UpdateBlock"]


def __getattr__(name: str):
    if name in __all__:
        from labkit.codegen import ir  # loads sympy

        return getattr(ir, name)
    raise AttributeError(f"module 'labkit.codegen' has no attribute {name!r}")
