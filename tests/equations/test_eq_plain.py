"""An Equations object made before (same recipe) is read back from its plain lines without
sympy (labkit.equations.plain); a changed recipe is parsed again, with its errors."""


import pytest

from labkit import ms, mV
from labkit.equations import Equations
from labkit.errors import EquationError

SCRIPT = """
import json, sys
from labkit import *
prefs.codegen.target = "numpy"  # no kernel to compile: a quick test
defaultclock.dt = 0.1*ms
seed(3)
membrane = Equations("dv/dt = (-v + I + 0.2*rand()*sqrt(dt/ms))/tau : 1 (unless refractory)",
                     tau=10*ms)
drive = Equations("dI/dt = (I0 - I)/tau_in : 1", tau_in="tau_I")
model = membrane + drive + Equations("I0 : 1\\nu = 2*v + I0 : 1")
text = str(model)
facts = [list(model.names), list(model.identifiers), model.diff_eq_names == ("v", "I"),
         "u" in model, len(model), sorted(model.constants)]
plain = 'sympy' not in sys.modules
tau_I = 5*ms
G = NeuronGroup(3, model, threshold="v > 0.8", reset="v = 0", refractory=2*ms, method="euler")
G.I0 = [0.5, 1.2, 2.0]
mon = StateMonitor(G, ["v", "u"], record=[1])
spikes = SpikeMonitor(G)
run(30*ms)
print(json.dumps(dict(sympy='sympy' in sys.modules, plain=plain, text=text, facts=facts,
                      i=[int(x) for x in spikes.i], t=[float(x) for x in spikes.t_],
                      v=mon.v[0].tolist(), u=mon.u[0].tolist())))
"""


@pytest.mark.slow
def test_a_second_process_makes_and_runs_equations_objects_without_sympy(two_processes):
    first, second = two_processes(SCRIPT)
    assert first["sympy"] and not first["plain"]  # the cold path parsed the texts
    assert not second["sympy"] and second["plain"]  # objects, build and run: all plain
    assert first["i"] and first["facts"][0] == ["v", "I", "I0", "u"]
    assert first == dict(second, sympy=True, plain=False)


@pytest.fixture()
def cache(plain_cache):
    return plain_cache


LIF = "dv/dt = (-v + I + rand())/tau : 1 (unless refractory)"


def _model(text=LIF, **substitutions):
    return Equations(text, **substitutions) + Equations("I : 1\nw = v*rand() : 1")


def test_a_model_read_back_equals_the_parsed_one_down_to_its_random_numbering(cache):
    cold = _model(tau=10 * ms)
    assert cold._parsed is not None  # parsed: nothing was stored yet
    assert list((cache / "plain" / "equations-lines").glob("*.pickle"))
    warm = _model(tau=10 * ms)
    assert warm._parsed is None  # from the plain lines
    assert str(warm) == str(cold) and warm == cold and hash(warm) == hash(cold)
    assert warm.identifiers == cold.identifiers == ("tau",)
    assert warm.constants == cold.constants and warm.names == ("v", "I", "w")
    # the sympy form, parsed when read, is the cold one (rand() call sites included)
    assert [(eq.name, eq.expr) for eq in warm.values()] == [
        (eq.name, eq.expr) for eq in cold.values()]
    assert warm.recipe == cold.recipe


def test_a_changed_text_rename_or_sum_is_parsed_again(cache):
    base = _model(tau=10 * ms)
    other = _model(LIF.replace("I +", "2*I +"), tau=10 * ms)
    assert other._parsed is not None and other != base
    renamed = _model(tau="tau_m")
    assert renamed._parsed is not None and renamed.identifiers == ("tau_m",)
    assert _model(tau="tau_m")._parsed is None  # seen now
    swapped = Equations("I : 1\nw = v*rand() : 1") + Equations(LIF, tau=10 * ms)
    assert swapped._parsed is not None and swapped.names == ("I", "w", "v")


def test_errors_come_every_time_and_values_are_checked_on_the_plain_path(cache):
    for _ in range(2):
        with pytest.raises(EquationError, match="cannot replace the model variable"):
            _model(I=1 * mV)  # I is defined by the second part: the sum refuses it
        with pytest.raises(EquationError, match="defined twice"):
            _model() + Equations("I : 1")
    _model(tau=10 * ms)
    with pytest.raises(EquationError, match="scalar"):  # the recipe is stored: the value
        _model(tau=[1, 2] * ms)                          # is still checked
    with pytest.raises(EquationError, match="different values"):
        Equations(LIF, tau=10 * ms) + Equations("I : 1", tau=5 * ms)


def test_a_damaged_entry_is_parsed_again(cache):
    cold = _model(tau=10 * ms)
    for damage in (lambda data: data[: len(data) // 2], lambda data: b"garbage"):
        for path in (cache / "plain" / "equations-lines").glob("*.pickle"):
            path.write_bytes(damage(path.read_bytes()))
        again = _model(tau=10 * ms)
        assert again._parsed is not None and again == cold


#: SCRIPT with its model made (from text, with sympy) and pickled by the first process
#: only, and read from the pickle by both, as a sweep's worker receives it.
PICKLED = SCRIPT.replace("membrane = Equations(", """import os, pickle
if not os.path.exists(sys.argv[1]):
    membrane = Equations(""").replace("drive = Equations(", "    drive = Equations(").replace(
    "model = membrane + ", "    model = membrane + ").replace("\ntext = ", """
    with open(sys.argv[1], "wb") as f:
        pickle.dump(model, f)
with open(sys.argv[1], "rb") as f:
    model = pickle.load(f)
text = """)


@pytest.mark.slow
def test_a_pickled_equations_object_keeps_its_recipe_so_a_worker_needs_no_sympy(
        two_processes, tmp_path):
    assert "pickle.load" in PICKLED and "\n    drive" in PICKLED  # the script was edited
    first, second = two_processes(PICKLED, str(tmp_path / "model.pickle"))
    assert first["sympy"] and not second["sympy"] and second["plain"]
    assert first["i"] and first == dict(second, sympy=True, plain=False)


def test_a_pickled_equations_object_keeps_its_recipe_and_lines(cache):
    import pickle

    model = _model(tau=10 * ms) + Equations("dx/dt = -x/tau : 1", tau="tau_x")
    copy = pickle.loads(pickle.dumps(model))
    assert copy.recipe == model.recipe and copy == model and hash(copy) == hash(model)
    assert copy._parsed is None and copy.constants == model.constants  # plain until read
    assert str(copy["w"].expr) == str(model["w"].expr) and copy.ordered == model.ordered
    assert pickle.loads(pickle.dumps(copy)) == model  # and again, from the copy
    made = Equations.made(("test", 1), lambda: Equations("dy/dt = -y/(2*ms) : 1"))
    again = pickle.loads(pickle.dumps(made))  # its make() cannot travel: its sympy form does
    assert again.recipe == made.recipe and again == made and again._parsed is not None
    text = Equations("dz/dt = -z/(3*ms) : 1")
    assert pickle.loads(pickle.dumps(text)).get_substituted_expressions() == \
        text.get_substituted_expressions()
