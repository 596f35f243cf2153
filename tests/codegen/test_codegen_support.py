"""exp and exprel helpers: accurate (against mpmath); the same bits in Numba, Python, C++."""

import math
import shutil
import subprocess

import mpmath
import numba
import numpy as np
import pytest

from labkit.codegen.printers import PRELUDES
from labkit.codegen.support import CPP_SUPPORT, _exprel_vec, exp_scalar, exprel_scalar
from labkit.codegen.support_numba import _exprel, _lk_exp

POINTS = [
    0.0,
    -0.0,
    5e-324,
    1e-300,
    -1e-300,
    1e-16,
    1e-12,
    -1e-12,
    1e-8,
    1e-3,
    -0.5,
    1.0,
    30.0,
    -30.0,
    -745.0,
    700.0,
    716.9,
]


def _true(x):
    with mpmath.workdps(60):
        return float(mpmath.expm1(mpmath.mpf(x)) / x) if x != 0 else 1.0


@pytest.mark.parametrize("x", POINTS)
def test_exprel_accurate_to_a_few_ulps(x):
    want = _true(x)
    assert _exprel(x) == pytest.approx(want, rel=4e-16, abs=0)
    assert _exprel_vec(x) == pytest.approx(want, rel=4e-16, abs=0)  # numpy has its own expm1
    assert exprel_scalar(x) == _exprel(x)


def test_exprel_special_values():
    special = [math.inf, -math.inf, math.nan, 717.5, 800.0]
    got = [_exprel(v) for v in special]
    assert got[:2] == [math.inf, 0.0]
    assert math.isnan(got[2])
    assert got[3:] == [math.inf, math.inf]
    vec = _exprel_vec(np.array(special))
    np.testing.assert_array_equal(vec, np.array(got))


def test_exprel_vec_keeps_shape_and_makes_scalars_from_scalars():
    assert _exprel_vec(np.zeros((2, 3))).shape == (2, 3)
    assert np.ndim(_exprel_vec(0.5)) == 0


def test_cpp_support_defines_the_helpers_the_printer_calls():
    assert "double _exprel(const double x)" in CPP_SUPPORT
    assert "double _lk_exp(const double x)" in CPP_SUPPORT
    assert "double _sign(const double x)" in CPP_SUPPORT


def test_numpy_path_never_imports_numba():
    """The numpy device must work where Numba is missing (Pyodide, JupyterLite)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from labkit.codegen.printers import PRELUDES, print_expr\n"
        "from labkit.codegen import support\n"
        "from labkit.equations import parse_expression\n"
        "print_expr(parse_expression('exprel(v)'), 'numpy')\n"
        "exec(PRELUDES['numpy'], {})\n"
        "assert 'numba' not in sys.modules, 'numba was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _sample(n=4000):
    """Arguments where the algorithm has its cases: every range of k, tiny, subnormal."""
    rng = np.random.default_rng(2026)
    return np.concatenate([
        rng.uniform(-745.0, 709.7, n), rng.uniform(-3.0, 3.0, n),
        rng.normal(0.0, 1e-4, n // 4),
        np.exp(rng.uniform(-740.0, 0.0, n // 4)) * rng.choice([-1.0, 1.0], n // 4),
        [0.0, -0.0, 5e-324, -5e-324, 0.3465, -0.3466, 709.78, -708.4, -745.1],
    ])


def _ulps(got, want) -> float:
    if got == want:
        return 0.0
    return abs(got - want) / np.spacing(abs(want)) if want != 0 else math.inf


@numba.njit(error_model="numpy")
def _numba_both(x, e, r):
    for i in range(x.size):  # in a loop, as kernels call them (inlined, vectorised)
        e[i] = _lk_exp(x[i])
        r[i] = _exprel(x[i])


def _numba(x):
    e, r = np.empty_like(x), np.empty_like(x)
    _numba_both(x, e, r)
    return e, r


def test_exp_within_one_ulp_and_exprel_within_two():
    x = _sample()
    e, r = _numba(x)
    with mpmath.workdps(40):
        worst_e = max(_ulps(g, float(mpmath.exp(mpmath.mpf(v)))) for g, v in zip(e, x, strict=True))
        worst_r = max(_ulps(g, _true(v)) for g, v in zip(r, x, strict=True))
    assert worst_e <= 1.0
    assert worst_r <= 2.0


def test_exp_special_values_and_limits():
    special = np.array([0.0, -0.0, 2.0, math.inf, -math.inf, math.nan, 709.79, 710.0, 1e308,
                        -745.2, -1e308, -745.1])
    e, _ = _numba(special)
    want = [1.0, 1.0, 7.38905609893065, math.inf, 0.0, math.nan, math.inf, math.inf, math.inf,
            0.0, 0.0, 5e-324]
    np.testing.assert_array_equal(e, want)
    np.testing.assert_array_equal([exp_scalar(v) for v in special], want)


def test_exp_far_below_the_underflow_is_plus_zero_in_every_copy():
    # computed without the underflowing product (slow on x86), yet the bits of before:
    # +0.0, as the clamped argument gave; the boundary itself is still computed
    from labkit.codegen.support_exact import exp_exact

    x = np.array([-745.2, -745.2000001, -746.0, -1e4, -4e7, -1e308, -math.inf])
    e, _ = _numba(x)
    assert all(math.copysign(1.0, v) == 1.0 and v == 0.0 for v in e)
    np.testing.assert_array_equal(e, [exp_scalar(v) for v in x])
    np.testing.assert_array_equal(np.signbit(exp_exact(x)), np.signbit(e))
    np.testing.assert_array_equal(exp_exact(x), e)


def _python(x):
    return (np.array([exp_scalar(v) for v in x]), np.array([exprel_scalar(v) for v in x]))


def test_numba_and_plain_python_give_the_same_bits():
    """The numpy device computes per-step terms (exp(-dt/tau)) with the Python copy."""
    x = np.concatenate([_sample(), [math.inf, -math.inf, math.nan, 717.5, -800.0, -4e7]])
    for ours, python in zip(_numba(x), _python(x), strict=True):
        assert np.array_equal(ours, python, equal_nan=True)


@pytest.mark.cpp
def test_cpp_gives_the_same_bits(tmp_path):
    """The C++ copy, built as the device builds it (-O3 -march=native, no contraction)."""
    if shutil.which("g++") is None:
        pytest.skip("no g++")
    x = np.concatenate([_sample(), [math.inf, -math.inf, math.nan, 717.5, -800.0, -4e7]])
    x.tofile(tmp_path / "x.bin")
    program = PRELUDES["cpp"] + f"""
#include <cstdio>
#include <vector>
int main()
{{
    std::vector<double> x({x.size}), out(2 * {x.size});
    FILE* f = std::fopen("x.bin", "rb");
    if (std::fread(x.data(), 8, x.size(), f) != x.size()) return 1;
    std::fclose(f);
    for (size_t i = 0; i < x.size(); ++i) out[i] = _lk_exp(x[i]);
    for (size_t i = 0; i < x.size(); ++i) out[x.size() + i] = _exprel(x[i]);
    f = std::fopen("out.bin", "wb");
    std::fwrite(out.data(), 8, out.size(), f);
    std::fclose(f);
    return 0;
}}
"""
    (tmp_path / "t.cpp").write_text(program)
    subprocess.run(["g++", "-std=c++17", "-O3", "-march=native", "-ffp-contract=off",
                    "-fno-math-errno", "-o", "t", "t.cpp"], cwd=tmp_path, check=True)
    subprocess.run(["./t"], cwd=tmp_path, check=True)
    out = np.fromfile(tmp_path / "out.bin")
    e, r = _numba(x)
    assert np.array_equal(out[:x.size], e, equal_nan=True)
    assert np.array_equal(out[x.size:], r, equal_nan=True)
