"""The C++ emitters cover the operation classes of the other devices, or refuse clearly."""

import doctest

import pytest

from labkit import *
from labkit.codegen import loop_cpp, loop_numba
from labkit.codegen import spec as S
from labkit.errors import DeviceError

#: Synapse operations have Numba and numpy emitters; their C++ emitters are still to come.
PENDING = {getattr(S, name) for name in ("SpikePush", "SynapticCode", "SummedVariable")
           if hasattr(S, name)}


def test_every_operation_class_has_a_cpp_emitter_or_is_pending():
    missing = set(loop_numba.EMITTERS) - set(loop_cpp.EMITTERS) - PENDING
    assert not missing, f"add C++ emitters to loop_cpp.EMITTERS for {missing}"


def test_docstring_examples():
    assert doctest.testmod(loop_cpp).failed == 0


@pytest.mark.skipif(not PENDING, reason="no synapse operations yet")
def test_synapses_are_refused_with_a_clear_error(cpp):
    G = NeuronGroup(2, 'dv/dt = -v/(10*ms) : 1', threshold='v > 1', reset='v = 0')
    syn = Synapses(G, G, 'w : 1', on_pre='v_post += w')
    syn.connect(i=0, j=1)
    with pytest.raises(DeviceError, match="cpp_standalone cannot run .* operations yet.*"
                                          "default device"):
        run(1 * ms)
