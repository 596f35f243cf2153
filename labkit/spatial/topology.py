"""A morphology -> its tree as text, one line per section (NEURON's ``topology()`` style).

Why: ``print(morpho.topology())`` is the quickest check that a tree was built as intended.
A soma shows as ``( )``, a section as one dash per compartment and a ``|`` at its end;
children are indented under the end of their parent and named by their path:

    ( )  [root]
       `---|  .dend
           `-|  .dend.L

Sections with more than 40 compartments would make lines wider than a notebook; then every
section's dashes are divided by the same factor (at least one dash each).
"""

from __future__ import annotations

import math

__all__ = ["Topology"]

_WIDEST = 40


def _sections(morpho):
    yield morpho
    for child in morpho.children:
        yield from _sections(child)


def _lines(morpho, divisor: int, indent: int = 0, path: str = "", top: bool = True):
    length = max(1, morpho.n // divisor)
    mark = "( )" if morpho.is_spherical else "-" * length + "|"
    prefix = " " * indent + ("" if top else "`")
    yield f"{prefix}{mark}  {'[root]' if top else path}"
    for child in morpho.children:
        yield from _lines(child, divisor, indent + 2 + length,
                          f"{path}.{morpho.children.name(child)}", top=False)


class Topology:
    """The shape of a morphology's tree; ``str()`` (or ``print``) gives the text above."""

    def __init__(self, morphology):
        self.morphology = morphology

    def __str__(self) -> str:
        widest = max(section.n for section in _sections(self.morphology))
        divisor = max(1, math.ceil(widest / _WIDEST))
        return "\n".join(_lines(self.morphology, divisor)) + "\n"

    __repr__ = __str__
