"""A TimedArray call in a string assigned to a group's variable (``G.u = 'ta2(t, i)'``), in
a condition indexing it, or in a subexpression read outside a run: evaluated from the
string's stored numpy code when it was used before (no sympy in a second process), with
Brian2 2.9's values; a TimedArray with other units is planned again, and refused."""

import numpy as np
import pytest

from labkit import NeuronGroup, TimedArray, ms, mV, prefs, start_scope
from labkit.errors import DimensionMismatchError, ExpressionError


@pytest.fixture()
def parses(plain_cache, monkeypatch):
    import labkit.groups.strings

    prefs.codegen.target = "numpy"
    calls = []
    parse = labkit.groups.strings._parse
    monkeypatch.setattr(labkit.groups.strings, "_parse",
                        lambda text: calls.append(text) or parse(text))
    return calls


def _assigned(rows, dt=10 * ms, unit=1):
    start_scope()
    ta2 = TimedArray(np.array(rows) * unit, dt=dt)  # noqa: F841 - read by the strings
    G = NeuronGroup(3, "u : 1")
    G.u = "0.5 + ta2(t + 12*ms, i)"
    G.u["ta2(t, i) > 0.15"] = 7
    return G.u[:].tolist()


def test_a_string_calling_a_timed_array_is_evaluated_from_stored_code(parses):
    rows = [[0.1, 0.2, 0.3], [0.3, 0.1, 0.2]]
    assert _assigned(rows) == pytest.approx([0.8, 7, 7]) and len(parses) == 2  # as Brian2
    assert _assigned(rows, dt=20 * ms) == pytest.approx([0.6, 7, 7]) and len(parses) == 2
    with pytest.raises(DimensionMismatchError, match=(
            r"'0.5 \+ ta2\(t \+ 12\*ms, i\)' assigned to NeuronGroup 'neurongroup\w*'.*volt")):
        _assigned(rows, unit=mV)  # other units: planned again, and refused
    with pytest.raises(ExpressionError, match=r"ta2\(\) takes 2 arguments \(ta2\(t, i\)\)"):
        G = NeuronGroup(3, "u : 1")
        ta2 = TimedArray(rows, dt=10 * ms)  # noqa: F841 - read by the string
        G.u = "ta2(t)"
