"""Spatial neurons: morphologies (Soma, Cylinder, Section, SWC files) and their geometry.

A morphology is a tree of sections cut into compartments (:mod:`.morphology`); the kinds of
section say how compartments are shaped (:mod:`.sections`); SWC files become trees through
:mod:`.swc` and :mod:`.loading`.
"""

from labkit.spatial.morphology import Morphology
from labkit.spatial.sections import Cylinder, Section, Soma

__all__ = ["Morphology", "Soma", "Cylinder", "Section"]
