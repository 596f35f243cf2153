"""rand()/randn() draw from the kernel's numpy Generator exactly as numpy itself would."""

import numpy as np

from labkit.codegen.compile import KernelSource, compile_numba, compile_numpy
from labkit.codegen.printers import PRELUDES, print_expr
from labkit.equations.functions import rand, randn

UNIFORM = 2 * rand(0) + 1
NORMAL = 3 * randn(1) - 0.5
N = 1000


def _numba_kernel():
    text = (
        PRELUDES["numba"]
        + f"""

def draw(_rng, a, b):
    for i in range(a.shape[0]):
        a[i] = {print_expr(UNIFORM, "numba")}
    for i in range(b.shape[0]):
        b[i] = {print_expr(NORMAL, "numba")}
"""
    )
    return compile_numba(KernelSource(text, "draw", ("_rng", "a", "b")))


def _numpy_kernel():
    text = (
        PRELUDES["numpy"]
        + f"""

def draw(_rng, _N):
    a = {print_expr(UNIFORM, "numpy")}
    b = {print_expr(NORMAL, "numpy")}
    return a, b
"""
    )
    return compile_numpy(KernelSource(text, "draw", ("_rng", "_N")))


def _expected(seed):
    rng = np.random.default_rng(seed)
    return 2 * rng.random(N) + 1, 3 * rng.standard_normal(N) - 0.5, rng


def test_numba_loop_consumes_the_stream_as_numpy():
    want_a, want_b, want_rng = _expected(42)
    rng = np.random.default_rng(42)
    a, b = np.empty(N), np.empty(N)
    _numba_kernel()(rng, a, b)
    np.testing.assert_array_equal(a, want_a)
    np.testing.assert_array_equal(b, want_b)
    assert rng.random() == want_rng.random()  # the caller's generator moved on in place


def test_numpy_code_draws_N_at_once_as_numpy():
    want_a, want_b, want_rng = _expected(7)
    rng = np.random.default_rng(7)
    a, b = _numpy_kernel()(rng, N)
    np.testing.assert_array_equal(a, want_a)
    np.testing.assert_array_equal(b, want_b)
    assert rng.random() == want_rng.random()


def test_numpy_code_with_N_None_draws_one_float():
    rng, ref = np.random.default_rng(3), np.random.default_rng(3)
    a, b = _numpy_kernel()(rng, None)
    assert isinstance(a, float) and isinstance(b, float)
    assert a == 2 * ref.random() + 1
    assert b == 3 * ref.standard_normal() - 0.5
