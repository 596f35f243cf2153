"""Spatial neurons: morphologies (Soma, Cylinder, Section, SWC files) and SpatialNeuron.

A morphology is a tree of sections cut into compartments (:mod:`.morphology`); the kinds of
section say how compartments are shaped (:mod:`.sections`); SWC files become trees through
:mod:`.swc` and :mod:`.loading`; :mod:`.plotting` draws them (``plot_morphology``,
``plot_dendrogram``, as brian2tools; imported from ``labkit.spatial``, not by the star
import, as in Brian2 where they come from brian2tools).
"""

from labkit.spatial.morphology import Morphology
from labkit.spatial.neuron import SpatialNeuron
from labkit.spatial.plotting import plot_dendrogram, plot_morphology  # noqa: F401
from labkit.spatial.sections import Cylinder, Section, Soma

__all__ = ["Morphology", "Soma", "Cylinder", "Section", "SpatialNeuron"]
