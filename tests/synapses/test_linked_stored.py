"""A Synapses with a variable linked to another group's stored variable or to one value of
its subexpression runs from the plan store (no sympy in a second process); a link of
another kind or to another model is planned again."""


import pytest

from labkit import NeuronGroup, SpikeMonitor, Synapses, linked_var, ms, run, start_scope

SCRIPT = """
import json, sys
from labkit import *
prefs.codegen.target = "numpy"  # no kernel to compile: a quick test
G = NeuronGroup(4, 'dv/dt = (1.2 - v)/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                method='exact')
G.v = [0, 0.2, 0.4, 0.6]
gain = NeuronGroup(1, 'dg/dt = 1/(50*ms) : 1')
S = Synapses(G, G, 'g : 1 (linked)', on_pre='v_post += 0.1*g')
S.connect(i=[0, 1, 2, 3], j=[1, 2, 3, 0])
S.g = linked_var(gain, 'g')
half = NeuronGroup(1, 'dh/dt = 1/(50*ms) : 1\\ng = 2*h*scale : 1')
scale = 0.5
S2 = Synapses(G, G, 'g : 1 (linked)', on_pre='v_post += 0.05*g')
S2.connect(i=[0, 1], j=[3, 2])
S2.g = linked_var(half, 'g')
spikes = SpikeMonitor(G)
run(60*ms)
print(json.dumps(dict(sympy='sympy' in sys.modules, i=[int(x) for x in spikes.i],
                      t=[float(x) for x in spikes.t_])))
"""


@pytest.mark.slow
def test_a_second_process_runs_synapses_with_a_linked_variable_without_sympy(two_processes):
    first, second = two_processes(SCRIPT)
    assert first["sympy"] and not second["sympy"]
    assert first["i"] and first == dict(second, sympy=True)


def _spikes(link="shared", rate=20, factor="2"):
    start_scope()
    G = NeuronGroup(4, "dv/dt = (1.2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact")
    G.v = [0, 0.2, 0.4, 0.6]
    if link == "shared":
        other = NeuronGroup(1, f"dg/dt = 1/({rate}*ms) : 1")
    elif link == "per synapse":  # four synapses, four values: one each, not shared
        other = NeuronGroup(4, f"dg/dt = (1 + i)/({rate}*ms) : 1")
    else:  # a subexpression of a group of one: its expression is part of the code
        other = NeuronGroup(1, f"dh/dt = 1/({rate}*ms) : 1\ng = {factor}*h : 1")
    S = Synapses(G, G, "g : 1 (linked)", on_pre="v_post += 0.1*g")
    S.connect(i=[0, 1, 2, 3], j=[1, 2, 3, 0])
    S.g = linked_var(other, "g")
    spikes = SpikeMonitor(G)
    run(60 * ms)
    return spikes.i[:].tolist(), spikes.t_[:].tolist()


def test_a_linked_variable_planned_before_is_read_back_and_another_link_planned_again(
        planned):
    first = _spikes()
    assert first[0] and len(planned) == 1
    assert _spikes() == first and len(planned) == 1  # from the store
    faster = _spikes(rate=5)  # another value behind the link: the same plan
    assert faster != first and len(planned) == 1
    each = _spikes("per synapse")  # not shared: another kind of variable
    assert len(planned) == 2 and _spikes("per synapse") == each and len(planned) == 2
    sub = _spikes("subexpression")
    assert _spikes("subexpression") == sub and len(planned) == 3
    assert _spikes("subexpression", factor="3") != sub and len(planned) == 4  # a model
