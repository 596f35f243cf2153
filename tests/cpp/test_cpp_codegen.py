"""The C++ emitters cover every operation class of the other devices."""

import doctest

from labkit.codegen import loop_cpp, loop_numba


def test_every_operation_class_has_a_cpp_emitter():
    missing = set(loop_numba.EMITTERS) - set(loop_cpp.EMITTERS)
    assert not missing, f"add C++ emitters to loop_cpp.EMITTERS for {missing}"


def test_docstring_examples():
    assert doctest.testmod(loop_cpp).failed == 0
