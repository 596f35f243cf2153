"""The generated Numba loop: per-step constants outside the element loop, and a NaN check
that leaves the loop vectorisable but still names the same neuron and variable as the
numpy device."""

import numpy as np
import pytest

from labkit import NeuronGroup, ms, mV, run, set_device
from labkit.codegen import kernels
from labkit.errors import SimulationError


@pytest.fixture
def sources(monkeypatch):
    """The Numba source of every kernel spec built while the fixture is active."""
    seen = []
    original = kernels.numba_source

    def spy(spec):
        source = original(spec)
        seen.append(source.text)
        return source

    monkeypatch.setattr(kernels, "numba_source", spy)
    return seen


def _element_loop(text: str) -> list[str]:
    """Lines of the first state-update element loop (indented under ``for _i``)."""
    lines = text.splitlines()
    start = next(k for k, line in enumerate(lines) if line.strip().startswith("for _i in"))
    indent = len(lines[start]) - len(lines[start].lstrip())
    body = []
    for line in lines[start + 1:]:
        if len(line) - len(line.lstrip()) <= indent:
            break
        body.append(line.strip())
    return body


def test_scalar_terms_and_refractory_steps_are_computed_once_per_step(sources):
    set_device('runtime')
    taum, taue, El = 20 * ms, 5 * ms, -49 * mV  # noqa: F841 - namespace of the run
    G = NeuronGroup(10, '''dv/dt = (ge - (v - El))/taum : volt (unless refractory)
                           dge/dt = -ge/taue : volt''',
                    threshold='v > -50*mV', reset='v = -60*mV', refractory=5 * ms,
                    method='exact')
    G.v = -60 * mV
    run(1 * ms)
    body = _element_loop(sources[-1])
    text = "\n".join(body)
    assert "exp(" not in text and "taum" not in text and "c_El" not in text
    assert "_lk_ref" in text and "__c__refractory" not in text
    assert not any(line.startswith("return") for line in body)  # no early exit inside


@pytest.mark.parametrize("device", ["runtime", "numpy"])
def test_not_finite_reports_the_first_variable_then_its_first_neuron(device):
    """Neuron 2's ``v`` and neuron 0's ``w`` blow up in the same step: both devices name
    ``v`` (the first checked variable) and neuron 2, and every neuron was updated."""
    set_device(device)
    G = NeuronGroup(3, '''dv/dt = a*v**2/ms : 1
                          dw/dt = b*w**2/ms : 1
                          a : 1
                          b : 1''', method='euler', name='two')
    G.v = [0, 0, 1e200]
    G.w = [1e200, 0, 0]
    G.a = [0, 0, 1]
    G.b = [1, 0, 0]
    with pytest.raises(SimulationError) as info:
        run(1 * ms)
    message = str(info.value)
    assert "v became inf" in message and "neuron 2" in message
    assert np.isinf(G.w_[0]) and np.isinf(G.v_[2])


def test_prepare_hoists_scalar_terms_but_never_a_name_the_operation_writes():
    import sympy

    from labkit.codegen import spec as S
    from labkit.codegen.ir import Statement
    from labkit.codegen.prepare import prepare

    v, s, tau, dt = sympy.symbols("v s tau dt", real=True)
    roles = (S.Symbol("v", "array", "_g_v"), S.Symbol("s", "shared", "_g_s"),
             S.Symbol("tau", "scalar", "_g_c_tau"), S.Symbol("dt", "dt"))
    op = S.Reset("_g", 0, roles, "test")
    prepared = prepare(op, (Statement("v", v * sympy.exp(-dt / tau) + 2 * s / tau),
                            Statement("s", s + dt / tau)))
    hoisted = dict(prepared.hoisted)
    assert sympy.exp(-dt / tau) in hoisted.values()
    assert all(not e.has(s) for e in hoisted.values())  # s is written: read in place
    first = prepared.statements[0].expr
    assert first.has(s) and not first.has(sympy.exp)
