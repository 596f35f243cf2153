"""A TimedArray call or a subexpression in a string assigned to a group's variable
(``G.u = 'ta2(t, i)'``, ``G.v = '2*I'``), in a condition indexing it (``G.v['J > 10']``),
or in a subexpression read outside a run: evaluated from the string's stored numpy code
when it was used before (no sympy in a second process), with Brian2 2.9's values; a name
with other units is planned again, and refused with the cold path's error."""

import numpy as np
import pytest

from labkit import NeuronGroup, TimedArray, ms, mV, prefs, start_scope
from labkit.errors import DimensionMismatchError, ExpressionError


@pytest.fixture()
def parses(plain_cache, counted):
    """The numpy target on a fresh cache; the assigned strings' parses, counted."""
    import labkit.groups.assigned

    prefs.codegen.target = "numpy"
    return counted(labkit.groups.assigned, "_parse")


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


SCRIPT = """
import json, sys
from labkit import *
prefs.codegen.target = "numpy"  # no kernel to compile: a quick test
gain = 3.0
G = NeuronGroup(4, '''dv/dt = (I - v)/(10*ms) : 1
                      I = 2*x + gain : 1
                      J = I*i + N : 1
                      u = E*x : volt
                      x : 1''')
G.x = 'i*0.5'
E = 1.0
G.v = '2*I + E'  # a subexpression with a constant from here
values = [G.v[:].tolist()]
G.v['J > 10'] = 'J*0.5'  # nested, in a condition
values.append(G.v[:].tolist())
G[1:].v = 'J + i'  # i: the subgroup's, but the parent's inside J
values.append(G.v[:].tolist())
built = 'sympy' in sys.modules
errors = []
for text in ('u', '2*I + E'):
    E = 1*mV  # E had no unit when '2*I + E' was stored; u is a voltage
    try:
        G.v = text
    except DimensionMismatchError as exc:
        errors.append(str(exc))
try:
    G.v['u > 1'] = 0
except DimensionMismatchError as exc:
    errors.append(str(exc))
print(json.dumps(dict(built=built, values=values, errors=errors)))
"""


@pytest.mark.slow
def test_a_second_process_evaluates_strings_reading_subexpressions_without_sympy(
        two_processes):
    first, second = two_processes(SCRIPT)
    assert first["built"] and not second["built"]  # the strings from the plan store
    assert first["values"] == [[7, 9, 11, 13], [7, 9, 7, 11], [7, 8, 15, 24]]  # Brian2's
    assert len(first["errors"]) == 3 and "'2*I + E' assigned to" in first["errors"][1]
    assert first == dict(second, built=True)  # the same values, the same errors


def _through_subexpressions(gain, unit="1", scale="1"):
    start_scope()
    G = NeuronGroup(4, f"""dv/dt = (I/{scale} - v)/(10*ms) : 1
                           I = (2*x + gain)*{scale} : {unit}
                           J = I/{scale}*i + N : 1
                           x : 1""")
    G.x = "i*0.5"
    G.v = "2*I"  # gain: looked up here, where the string is written (Brian2 2.9)
    values = [G.v[:].tolist()]
    G.v["J > 10"] = "J*0.5"
    G[1:].v = "J + i"
    return values + [G.v[:].tolist()]


def test_strings_reading_subexpressions_are_evaluated_from_stored_code(parses, counted):
    import labkit.groups.subexpressions as subexpressions

    evaluated = counted(subexpressions, "evaluate")
    assert _through_subexpressions(3.0) == [[6, 8, 10, 12], [6, 8, 15, 24]]  # as Brian2
    assert len(parses) == 5 and len(evaluated) == 2  # each string, I and J: cold
    assert _through_subexpressions(1.0) == [[2, 4, 6, 8], [2, 6, 11, 18]]
    assert len(parses) == 5 and len(evaluated) == 2  # all from their stored code
    with pytest.raises(DimensionMismatchError, match=(
            r"^in '2\*I' assigned to NeuronGroup 'neurongroup\w*'.v: the expression has "
            r"units of volt, but v needs 1 \(dimensionless\)$")):
        _through_subexpressions(3.0, "volt", "mV")  # I in volt: planned again, and refused
    assert len(parses) == 6  # 2*I again (J is not reached)
