"""Stage 5: monitors present what the kernel recorded as Quantities."""

from labkit.monitors.rate import PopulationRateMonitor
from labkit.monitors.spike import EventMonitor, SpikeMonitor
from labkit.monitors.state import StateMonitor

__all__ = ["StateMonitor", "SpikeMonitor", "EventMonitor", "PopulationRateMonitor"]
