"""Faults a user hits while building groups (issue #20): each gives a labkit error that
says why and how to fix it, never a raw builtin error or an "internal error"."""

import time

import pytest

from labkit import NeuronGroup, Network, TimedArray, mV, ms, run
from labkit.errors import DimensionMismatchError, ExpressionError, LabkitError


def test_a_huge_expression_gives_a_message_of_a_few_hundred_characters():
    # was: a 40 kB threshold gave a 40-120 kB message
    threshold = "v > " + "+".join(["1"] * 10000) + " + v.x"
    with pytest.raises(ExpressionError) as info:
        NeuronGroup(1, "dv/dt = -v/ms : 1", threshold=threshold)
    assert len(str(info.value)) < 1200
    assert "characters" in str(info.value)

