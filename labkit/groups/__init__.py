"""Simulated objects that hold state: neuron groups, input groups, TimedArray, operations.

Synapses have their own package, :mod:`labkit.synapses`.
"""

from labkit.groups.linked import linked_var
from labkit.groups.network_operation import NetworkOperation, network_operation
from labkit.groups.neurongroup import NeuronGroup
from labkit.groups.poisson import PoissonGroup
from labkit.groups.poisson_input import PoissonInput
from labkit.groups.spikegenerator import SpikeGeneratorGroup
from labkit.groups.subgroup import Subgroup
from labkit.groups.timedarray import TimedArray

__all__ = ["NeuronGroup", "Subgroup", "PoissonGroup", "SpikeGeneratorGroup", "TimedArray",
           "NetworkOperation", "network_operation", "linked_var", "PoissonInput"]
