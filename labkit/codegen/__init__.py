"""Stage 3, statements -> source text: the IR hand-offs (``ir``) and, later, the printers.

This package is the only place that writes program text; what reaches it is data
(:class:`~labkit.codegen.ir.UpdateBlock` and friends), never strings to re-parse.
"""

from __future__ import annotations

from labkit.codegen.ir import Statement, UpdateBlock

__all__ = ["Statement", "UpdateBlock"]
