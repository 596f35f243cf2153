"""Printed code computes what sympy computes: Numba, numpy and C++ against a 50-digit
reference, for every expression in ``codegen_cases.CASES`` at every sample point."""

import shutil
import subprocess

import numpy as np
import pytest
from codegen_cases import CASES, X, Y, Z, assert_close, reference

from labkit.codegen.compile import KernelSource, compile_numba, compile_numpy
from labkit.codegen.printers import PRELUDES, print_expr

IDS = [str(expr) for expr in CASES]


@pytest.fixture(scope="module")
def references():
    return [reference(expr) for expr in CASES]


@pytest.fixture(scope="module")
def numba_results():
    """All cases in ONE Numba kernel (one compilation), evaluated at the sample points."""
    body = "\n".join(
        f"        out[{k}, i] = {print_expr(expr, 'numba')}" for k, expr in enumerate(CASES)
    )
    text = (
        PRELUDES["numba"]
        + f"""

def evaluate(xs, ys, zs, out):
    for i in range(xs.shape[0]):
        x = xs[i]
        y = ys[i]
        z = zs[i]
{body}
"""
    )
    kernel = compile_numba(KernelSource(text, "evaluate", ("xs", "ys", "zs", "out")))
    out = np.full((len(CASES), len(X)), np.nan)
    kernel(np.array(X), np.array(Y), np.array(Z), out)
    return out


@pytest.fixture(scope="module")
def numpy_kernel():
    items = "\n".join(f"        {print_expr(expr, 'numpy')}," for expr in CASES)
    text = (
        PRELUDES["numpy"]
        + f"""

def evaluate(x, y, z):
    return [
{items}
    ]
"""
    )
    return compile_numpy(KernelSource(text, "evaluate", ("x", "y", "z")))


@pytest.mark.parametrize("k", range(len(CASES)), ids=IDS)
def test_numba_matches_sympy(k, numba_results, references):
    assert_close(numba_results[k], references[k], f"numba {CASES[k]}")


@pytest.mark.parametrize("k", range(len(CASES)), ids=IDS)
def test_numpy_on_arrays_matches_sympy(k, numpy_kernel, references):
    with np.errstate(all="ignore"):
        values = numpy_kernel(np.array(X), np.array(Y), np.array(Z))
    assert_close(values[k], references[k], f"numpy {CASES[k]}")


def test_numpy_code_also_runs_on_scalars(numpy_kernel, references):
    """The same numpy text serves shared (scalar) variables."""
    for i in range(len(X)):
        with np.errstate(all="ignore"):
            values = numpy_kernel(X[i], Y[i], Z[i])
        for k, value in enumerate(values):
            assert np.ndim(value) == 0
            want = references[k][i : i + 1]
            assert_close([float(value)], want, f"numpy scalar {CASES[k]} at point {i}")


def test_exprel_near_zero_is_accurate_everywhere(numba_results, numpy_kernel):
    """exprel(1e-12) is 1 + 5e-13, not the 1.000088900582341 of (exp(x) - 1)/x."""
    i = X.index(1e-12)
    assert numba_results[0, i] == pytest.approx(1 + 5e-13, rel=1e-15, abs=0)
    assert numba_results[0, X.index(0.0)] == 1.0
    assert float(numpy_kernel(1e-12, 0.0, 1.0)[0]) == pytest.approx(1 + 5e-13, rel=1e-15)


def _cpp_program() -> str:
    def array(name, values):
        return f"static const double {name}[] = {{{', '.join(map(repr, values))}}};"

    prints = "\n".join(
        f'        std::printf("%.17g\\n", (double)({print_expr(expr, "cpp")}));' for expr in CASES
    )
    return f"""{PRELUDES["cpp"]}
#include <cstdio>

{array("X", X)}
{array("Y", Y)}
{array("Z", Z)}

int main()
{{
    for (int i = 0; i < {len(X)}; i++) {{
        const double x = X[i], y = Y[i], z = Z[i];
{prints}
    }}
    return 0;
}}
"""


@pytest.mark.cpp
def test_cpp_matches_sympy(tmp_path, references):
    """ONE g++ compilation of a program printing every case at every point."""
    if shutil.which("g++") is None:
        pytest.skip("no g++")
    source = tmp_path / "cases.cpp"
    source.write_text(_cpp_program())
    exe = tmp_path / "cases"
    build = subprocess.run(
        ["g++", "-std=c++17", "-O2", "-Wall", "-Werror", "-o", str(exe), str(source)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr + "\n" + _cpp_program()
    run = subprocess.run([str(exe)], capture_output=True, text=True, check=True)
    values = np.array([float(v) for v in run.stdout.split()])
    values = values.reshape(len(X), len(CASES)).T
    for k, expr in enumerate(CASES):
        assert_close(values[k], references[k], f"C++ {expr}")
