"""A condition used as a number in a model is 1 or 0 on every device (Brian2's rule)."""

import pytest

from labkit import NeuronGroup, ms, run


@pytest.mark.parametrize("method", [None, "euler"])
def test_int_of_a_condition_integrates_with_or_without_a_method(device_name, method):
    # without a method this was "'StrictGreaterThan' object has no attribute 'diff'"
    G = NeuronGroup(2, "dv/dt = int(v > 1)/ms : 1", **({"method": method} if method else {}))
    G.v = [2, 0]
    run(1 * ms)
    assert G.v[:] == pytest.approx([3, 0])  # Brian2 2.9 gives 3 and 0 as well


def test_a_condition_as_a_functions_argument_is_one_or_zero(device_name):
    # was "'StrictGreaterThan' object has no attribute 'as_coefficient'"
    G = NeuronGroup(2, "dv/dt = sin(v > 1)/ms : 1", method="euler")
    G.v = [2, 0]
    run(1 * ms)
    assert G.v[:] == pytest.approx([2 + 0.8414709848078965, 0])


def test_a_draw_divided_by_a_condition_prints_where_it_is_zero(device_name):
    # hypothesis found it: numbering the draw rebuilt rand()/Piecewise(...) into sympy's
    # zoo, which no printer knows (KeyError: 'ComplexInfinity' from inside labkit)
    from labkit import SpikeMonitor

    G = NeuronGroup(3, "dv/dt = -v/(10*ms) : 1\nx : 1",
                    threshold="(v < x) and (v < rand()/(v < x))", method="exact")
    G.x = [0.5, -1, 2]
    spikes = SpikeMonitor(G)
    run(1 * ms)
    assert list(spikes.count[:]) == [10, 0, 10]  # rand() > 0 = v where v < x, else false
