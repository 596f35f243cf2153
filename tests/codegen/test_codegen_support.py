"""exprel helpers: the Numba and numpy versions agree, and are accurate where it is hard."""

import math

import mpmath
import numpy as np
import pytest

from labkit.codegen.support import CPP_SUPPORT, _exprel_vec
from labkit.codegen.support_numba import _exprel

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
