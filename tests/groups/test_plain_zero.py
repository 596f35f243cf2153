"""A plain zero needs no unit: ``G.v = 0`` for a variable in volt, as Brian2 accepts it.

Brian2 treats a unit-less zero as having any dimension (``3*mV + 0``, ``G.v = 0``,
``G.v[:] = 0``); labkit also takes a string that is a literal zero (``G.v = '0'``).
Every non-zero unit-less value keeps the DimensionMismatchError, with its advice.
"""

import numpy as np
import pytest

from labkit import *
from labkit.errors import DimensionMismatchError

ZEROS = [0, 0.0, -0.0, np.int64(0), np.zeros(3), [0, 0, 0], (0.0, 0.0, 0.0),
         Quantity(0.0), False, '0', '0.0', ' -0 ', '(0)', '0e0']


def _group():
    G = NeuronGroup(3, 'dv/dt = -v/(10*ms) : volt\nI : amp (shared)', threshold='v > 1*volt',
                    method='exact')
    G.v = [1, 2, 3] * mV
    G.I = 1 * nA
    return G


@pytest.mark.parametrize("zero", ZEROS, ids=repr)
def test_a_zero_sets_a_variable_of_any_unit(zero):
    G = _group()
    G.v = zero
    if np.size(zero) == 1:
        G.I = zero
    assert np.array_equal(G.v_, np.zeros(3)) and G.v.dim is volt.dim
    assert G.I_ == (0 if np.size(zero) == 1 else 1e-9)


@pytest.mark.parametrize("zero", [0, 0.0, np.zeros(3)], ids=repr)
def test_a_zero_into_a_slice_or_an_element(zero):
    G = _group()
    G.v[:] = zero
    assert np.array_equal(G.v_, np.zeros(3))
    G.v = 5 * mV
    G.v[1] = 0
    G.v[2:] = 0.0
    assert np.allclose(G.v_, [5e-3, 0, 0])
    G[1:].v = 0
    G[:1].v = '0'
    assert np.array_equal(G.v_, np.zeros(3))


@pytest.mark.parametrize("zero", [0, 0.0, np.zeros(3), '0'], ids=repr)
def test_a_zero_sets_a_synaptic_weight(zero):
    G = _group()
    S = Synapses(G, G, 'w : volt', on_pre='v += w')
    S.connect(j='i')
    S.w = 1 * mV
    S.w = zero
    assert np.array_equal(np.asarray(S.w), np.zeros(3))
    S.w = 1 * mV
    S.w[:] = 0
    S.w[1, 1] = 2 * mV
    S.w[1, 1] = 0
    assert np.array_equal(np.asarray(S.w), np.zeros(3))


def test_zero_is_neutral_in_arithmetic_and_comparisons():
    assert (3 * mV) + 0 == 3 * mV and 0 + 3 * mV == 3 * mV and (3 * mV) - 0 == 3 * mV
    assert not (3 * mV == 0) and 3 * mV > 0 and -3 * mV < Quantity(0.0)
    assert sum([1 * mV, 2 * mV]) == 3 * mV  # the builtin sum starts at 0
    assert np.array_equal(np.maximum([-1, 1] * mV, 0) / mV, [0, 1])


@pytest.mark.parametrize("value", [1, -0.5, [0, 1, 0], np.ones(3), Quantity(2.0), True],
                         ids=repr)
def test_a_nonzero_number_still_needs_its_unit(value):
    G = _group()
    with pytest.raises(DimensionMismatchError, match=r"variable 'v'.*e\.g\. 0\*V"):
        G.v = value
    with pytest.raises(DimensionMismatchError):
        G.v[:] = value
    S = Synapses(G, G, 'w : volt')
    S.connect(j='i')
    with pytest.raises(DimensionMismatchError, match="variable 'w'"):
        S.w = value
    with pytest.raises(DimensionMismatchError):
        (3 * mV) + value


@pytest.mark.parametrize("text", ['1', '1 - 1', '0*I/amp', '-2.5', 'i*0'])
def test_a_string_that_is_not_the_literal_zero_is_checked_for_units(text):
    G = _group()
    with pytest.raises(DimensionMismatchError, match="needs volt"):
        G.v = text
    S = Synapses(G, G, 'w : volt')
    S.connect(j='i')
    with pytest.raises(DimensionMismatchError, match="units"):
        S.w = text


def test_a_zero_is_not_a_boolean():
    G = NeuronGroup(2, 'flag : boolean')
    with pytest.raises(TypeError, match="boolean"):
        G.flag = 0
    G.flag = '0 > 1'
    assert not G.flag.any()


def test_a_zero_in_a_model_string_still_needs_its_unit():
    # Brian2 refuses 'v = 0' in a reset for a voltage; so does labkit (only assignments
    # from Python take a unit-less zero)
    G = NeuronGroup(1, 'dv/dt = -v/(10*ms) : volt', threshold='v > 1*mV', reset='v = 0',
                    method='exact')
    with pytest.raises(DimensionMismatchError, match="reset 'v = 0'"):
        Network(G).run(0.1 * ms)
