"""Synapses between groups: per-synapse variables, pathways and their spike queues, connect.

``synapses`` (the user's object), ``queue`` (a pathway's delays and ring buffer),
``build`` (its strings -> checked statements, cached by structure), ``plan`` (one run's
operations and argument values), ``strings``/``views`` (``S.w = '...'``, ``S.w[i, j]``),
and connect: ``connect_call`` (what ``S.connect`` gathers), ``connect`` (Brian2's rules,
engine-free), ``connect_rule``/``generator_syntax`` (strings -> a rule),
``connect_kernels`` (a rule -> index arrays).
"""

from labkit.synapses.synapses import Synapses

__all__ = ["Synapses"]
