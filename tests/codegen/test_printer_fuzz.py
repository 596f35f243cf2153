"""Random expression trees: printed code evaluates to what sympy evaluates.

Catches precedence mistakes (a missing pair of parentheses changes the value grossly),
which golden strings only catch for the shapes someone thought of. Fixed seed: the
same 150 expressions every run.
"""

import math
import random
import shutil
import subprocess

import numpy as np
import pytest
import sympy

from labkit.codegen.printers import PRELUDES, print_expr
from labkit.codegen.support import _exprel_vec
from labkit.codegen.support_numba import _exprel
from labkit.equations.functions import clip, int_
from labkit.equations.symbols import symbol

x, y, z = symbol("x"), symbol("y"), symbol("z")
POINT = {x: -1.375, y: 0.625, z: 2.5}  # exact binary fractions


def _leaf(rng):
    return rng.choice(
        [
            x,
            y,
            z,
            sympy.Integer(rng.randint(1, 4)),
            sympy.Rational(rng.randint(1, 5), 3),
            sympy.Float(rng.choice([0.5, 1.25, 3.0])),
            -x,
        ]
    )


def _tree(rng, depth):
    if depth == 0:
        return _leaf(rng)
    a, b = _tree(rng, depth - 1), _tree(rng, depth - 1)
    kind = rng.randrange(11)
    if kind == 0:
        return a + b
    if kind == 1:
        return a - b
    if kind == 2:
        return a * b
    if kind == 3:
        return a / (b**2 + 1)
    if kind == 4:
        return a ** rng.randint(-3, 3) if a != 0 else b
    if kind == 5:
        return sympy.Mod(a, b**2 + 1) * rng.choice([1, -2, sympy.Rational(1, 2)])
    if kind == 6:
        return -a * rng.choice([x, 2, sympy.Float(0.5)])
    if kind == 7:
        return sympy.Piecewise((a, a > b), (b, True)) * rng.choice([1, -3])
    if kind == 8:
        return clip(a, -2, 2) - int_(b)
    if kind == 9:
        return sympy.tanh(a) * sympy.Abs(b) ** sympy.Rational(1, 2)
    return sympy.floor(a) / rng.choice([2, 3, sympy.Float(0.75)])


def _expressions():
    rng = random.Random(20261122)
    out = []
    while len(out) < 150:
        expr = _tree(rng, rng.randint(1, 3))
        if expr.free_symbols:
            out.append(expr)
    return out


def _reference(expr) -> float:
    plain = expr.replace(clip, lambda a, lo, hi: sympy.Min(sympy.Max(a, lo), hi))
    plain = plain.replace(int_, lambda a: sympy.sign(a) * sympy.floor(sympy.Abs(a)))
    plain = plain.replace(sympy.Mod, lambda a, b: a - b * sympy.floor(a / b))
    value = plain.xreplace({s: sympy.Float(v, 50) for s, v in POINT.items()})
    return float(sympy.N(value, 30))


def _close(got, want):
    if math.isinf(want) or math.isnan(want):
        return got == want or (math.isnan(got) and math.isnan(want))
    return abs(got - want) <= 1e-9 * (1 + abs(want))


@pytest.fixture(scope="module")
def cases():
    return [(expr, _reference(expr)) for expr in _expressions()]


@pytest.mark.parametrize("language", ["numba", "numpy"])
def test_random_expressions_evaluate_as_sympy_does(language, cases):
    names = {"math": math, "np": np, "_exprel": _exprel, "_exprel_vec": _exprel_vec}
    names.update({s.name: v for s, v in POINT.items()})
    bad = []
    for expr, want in cases:
        code = print_expr(expr, language)
        with np.errstate(all="ignore"):
            try:
                got = float(eval(code, dict(names)))
            except ZeroDivisionError:
                got = math.copysign(math.inf, want)  # plain Python raises where numba gives inf
        if not _close(got, want):
            bad.append(f"{expr}  ->  {code}  =  {got!r}, sympy: {want!r}")
    assert bad == [], "\n".join(bad[:10])


@pytest.mark.cpp
def test_random_expressions_in_cpp(cases, tmp_path):
    """The same expressions as C++ (one g++ run): C++ precedence and literals hold too."""
    if shutil.which("g++") is None:
        pytest.skip("no g++")
    lines = "\n".join(
        f'    std::printf("%.17g\\n", (double)({print_expr(expr, "cpp")}));' for expr, _ in cases
    )
    values = ", ".join(f"{s.name} = {v!r}" for s, v in POINT.items())
    program = f"{PRELUDES['cpp']}\n#include <cstdio>\n\nint main()\n{{\n"
    program += f"    const double {values};\n{lines}\n    return 0;\n}}\n"
    (tmp_path / "fuzz.cpp").write_text(program)
    exe = tmp_path / "fuzz"
    build = subprocess.run(
        ["g++", "-std=c++17", "-O1", "-o", str(exe), str(tmp_path / "fuzz.cpp")],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split()
    bad = [
        f"{expr}  ->  {print_expr(expr, 'cpp')}  =  {got}, sympy: {want!r}"
        for (expr, want), got in zip(cases, map(float, out), strict=True)
        if not _close(got, want)
    ]
    assert bad == [], "\n".join(bad[:10])
