"""Synaptic strings reading a subexpression of the source or target (``I_post``, plain
``I``) run from the plan store: the subexpression is said by its group's model, so a
second process plans them without sympy, and another model behind the name, or a read
through a subgroup the cold path refuses, is planned again."""

import pytest

from labkit import NeuronGroup, SpikeMonitor, Synapses, ms, run, start_scope
from labkit.errors import UnsupportedFeatureError

SCRIPT = """
import json, sys
from labkit import *
prefs.codegen.target = "numpy"  # no kernel to compile: a quick test
G = NeuronGroup(4, '''dv/dt = (I - v)/(10*ms) : 1
                      I = 1.2 + g_in*(E - v) : 1
                      dg_in/dt = -g_in/(5*ms) : 1''',
                threshold='v > 1', reset='v = 0', method='euler')
E = 2.0
G.v = [0, 0.2, 0.4, 0.6]
S = Synapses(G, G, '''w : 1
                      x = w*I_pre : 1''', on_pre='g_in_post += x*(1 + 0.1*I)')
S.connect(i=[0, 1, 2, 3], j=[1, 2, 3, 0])
S.w = '0.25 + 0.05*I_post'  # its code is stored too: I_post's values are an array
S2 = Synapses(G, G, on_pre='v_post += 0.02')
S2.connect(condition='I_pre*v_pre > 0.3 and i != j')  # I = 1.2 before the run: i = 2, 3
spikes = SpikeMonitor(G)
run(60*ms)
print(json.dumps(dict(sympy='sympy' in sys.modules, n2=int(S2.N), i=[int(x) for x in spikes.i],
                      t=[float(x) for x in spikes.t_], g=[float(x) for x in G.g_in[:]])))
"""


@pytest.mark.slow
def test_a_second_process_plans_reads_of_side_subexpressions_without_sympy(two_processes):
    first, second = two_processes(SCRIPT)
    assert first["sympy"] and not second["sympy"]
    assert first["i"] and first["n2"] == 6 and first == dict(second, sympy=True)


def _spikes(current="1.2 + g_in*(E - v)", E=2.0, on_pre="g_in_post += 0.3*I_post", model=""):
    start_scope()
    G = NeuronGroup(4, f"""dv/dt = (I - v)/(10*ms) : 1
                           I = {current} : 1
                           dg_in/dt = -g_in/(5*ms) : 1""",
                    threshold="v > 1", reset="v = 0", method="euler")
    G.v = [0, 0.2, 0.4, 0.6]
    S = Synapses(G, G, model, on_pre=on_pre, namespace={"E": E})
    S.connect(i=[0, 1, 2, 3], j=[1, 2, 3, 0])
    spikes = SpikeMonitor(G)
    run(40 * ms, namespace={"E": E})
    return spikes.i[:].tolist(), spikes.t_[:].tolist(), G.g_in[:].tolist()


def test_a_side_subexpression_planned_before_is_read_back_and_another_model_planned_again(
        planned):
    first = _spikes()
    assert first[0] and len(planned) == 1
    assert _spikes() == first and len(planned) == 1  # from the store
    assert _spikes(E=3.0) != first and len(planned) == 1  # another value: the same plan
    other = _spikes(current="1.3 + g_in*(E - v)")  # another expression behind I_post
    assert other != first and len(planned) == 2
    plain = _spikes(on_pre="g_in_post += 0.3*I")  # the target's I, by its plain name
    assert plain == first and len(planned) == 3
    assert _spikes(on_pre="g_in_post += 0.3*I") == plain and len(planned) == 3


def test_a_synaptic_subexpression_reads_a_side_subexpression(planned):
    """``x = w*I_pre`` in the synapses' model: the target's expression goes into x's."""
    through = _spikes(model="x = 0.3*I_pre : 1", on_pre="g_in_post += x*(1 + 0.1*I)")
    assert through[0] and len(planned) == 1
    assert through == _spikes(on_pre="g_in_post += 0.3*(1.2 + g_in_pre*(E - v_pre))"
                                     "*(1 + 0.1*(1.2 + g_in_post*(E - v_post)))")
    assert _spikes(model="x = 0.3*I_pre : 1", on_pre="g_in_post += x*(1 + 0.1*I)") \
        == through and len(planned) == 2


def test_a_stored_plan_does_not_let_a_subgroup_read_an_index_subexpression(planned):
    def network(target):
        start_scope()
        G = NeuronGroup(4, """F = 0.1*i + u : 1
                              u : 1""")
        S = Synapses(G, G if target is None else G[target:],
                     "dw/dt = F_post/ms : 1 (clock-driven)", method="euler")
        S.connect()
        run(1 * ms)
        return S.w[:]

    assert network(None).max() > 0 and len(planned) == 1
    assert network(None).max() > 0 and len(planned) == 1  # from the store
    with pytest.raises(UnsupportedFeatureError, match="reads 'F_post'.*uses 'i'.*subgroup"):
        network(2)


def test_a_string_assigned_with_a_side_subexpression_is_evaluated_from_its_stored_code(
        plain_cache, counted):
    import labkit.plan.structure

    parses = counted(labkit.plan.structure, "parse_condition")

    def weights(E):
        start_scope()
        G = NeuronGroup(3, """I = g*(E - v) : 1
                              v : 1
                              g : 1""")
        G.v, G.g = [0, 0.5, 1], 1
        S = Synapses(G, G, "w : 1")
        S.connect(i=[0, 1, 2], j=[1, 2, 0])
        S.w = "0.1*I_post"
        return S.w[:].tolist()

    assert weights(2.0) == pytest.approx([0.15, 0.1, 0.2]) and len(parses) == 1
    assert weights(3.0) == pytest.approx([0.25, 0.2, 0.3]) and len(parses) == 1  # stored

