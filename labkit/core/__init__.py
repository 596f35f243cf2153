"""The simulation core: clocks, objects, namespaces, networks and the magic functions."""

from labkit.core.clock import Clock, defaultclock
from labkit.core.magic import (
    collect,
    magic_network,
    profiling_summary,
    restore,
    run,
    start_scope,
    store,
)
from labkit.core.network import Network, stop
from labkit.core.random import seed
from labkit.equations.equations import Equations
from labkit.logs import BrianLogger
from labkit.prefs import prefs

__all__ = ["Clock", "defaultclock", "Network", "run", "start_scope", "store", "restore",
           "collect", "seed", "prefs", "Equations", "stop", "magic_network", "BrianLogger",
           "profiling_summary"]
