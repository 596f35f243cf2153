"""Simulated objects that hold state: neuron groups, input groups, TimedArray, operations."""

from labkit.groups.network_operation import NetworkOperation, network_operation
from labkit.groups.neurongroup import NeuronGroup
from labkit.groups.poisson import PoissonGroup
from labkit.groups.spikegenerator import SpikeGeneratorGroup
from labkit.groups.subgroup import Subgroup
from labkit.groups.synapses import Synapses
from labkit.groups.timedarray import TimedArray

__all__ = ["NeuronGroup", "Subgroup", "PoissonGroup", "SpikeGeneratorGroup", "Synapses",
           "TimedArray",
           "NetworkOperation", "network_operation"]
