"""What every language's printer of loop descriptions shares (the languages' own syntax is
in :mod:`labkit.codegen.print_python` and :mod:`labkit.codegen.print_cpp`).

A printer walks the description, writing lines, and notes every kernel argument it reads
(the names owned by an object of the run: ``_o3_v``, ``_o3__spikes``); a model expression
is printed by the language's sympy printer with each name replaced by the printed
expression its :class:`~labkit.codegen.loops.Scope` gives.
"""

from __future__ import annotations

import re

from labkit.codegen.printers import print_expr

__all__ = ["LoopPrinter", "is_argument"]

_ARGUMENT = re.compile(r"_o\d+_")


def is_argument(name: str) -> bool:
    """Kernel arguments are owned by an object of the run: ``_o3_v``, ``_o3__spikes``."""
    return _ARGUMENT.match(name) is not None


class LoopPrinter:
    """Lines, the arguments they read, and dispatch on node types (``_<Node>``/``_e_<E>``)."""

    #: The sympy printer of model expressions (see ``printers.PRINTERS``).
    model_language = ""

    def __init__(self):
        self.lines: list[str] = []
        self.args: set[str] = set()
        self.scratch: list = []  # random-number buffers the kernel needs besides its arguments

    def write(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def use(self, name: str) -> str:
        if is_argument(name):
            self.args.add(name)
        return name

    def block(self, nodes, depth: int) -> None:
        for node in nodes:
            getattr(self, f"_{type(node).__name__}")(node, depth)

    def expr(self, e) -> str:
        return getattr(self, f"_e_{type(e).__name__}")(e)

    def _e_Name(self, e) -> str:
        return self.use(e.name)

    def _e_Model(self, e) -> str:
        names = {s.name for s in e.expr.free_symbols}
        rename = {n: self.expr(v) for n, v in e.scope.names.items() if n in names}
        return f"({print_expr(e.expr, self.model_language, rename)})"

    # the patterns, as their serial loops (numpy prints them its own way)
    def _Append(self, s, depth) -> None:
        self.block(s.expand(), depth)

    def _ScatterAdd(self, s, depth) -> None:
        self.block(s.expand(), depth)
