"""The star import gives Brian2's numpy and pyplot names, lazily, and shadows no builtin."""

import builtins
import inspect
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import labkit
from labkit.star import PYPLOT_CLASSES, PYPLOT_FUNCTIONS, PyplotFunction

BRIAN2_SCRIPT_NAMES = ("plot", "figure", "subplot", "subplots", "xlabel", "ylabel", "title",
                       "legend", "show", "hist", "axhline", "xlim", "savefig", "arange",
                       "linspace", "zeros", "ones", "mean", "rand", "randn", "randint",
                       "normal", "exp", "sqrt", "cumsum", "concatenate", "pi")


def _run(code: str, env=None) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_names_brian2_scripts_call_bare_are_there():
    missing = [name for name in BRIAN2_SCRIPT_NAMES if name not in labkit.__all__]
    assert missing == []
    assert isinstance(labkit.plot, PyplotFunction) and labkit.linspace is np.linspace
    assert labkit.rand is np.random.rand and labkit.randn is np.random.randn
    assert labkit.arange is not np.arange  # labkit's, with units, wins over numpy's
    assert labkit.seed is not np.random.seed


def test_no_name_shadows_a_builtin():
    # Brian2's star import replaces sum, min, max, abs, round, all, any, pow, input, ...
    assert sorted(set(labkit.__all__) & set(dir(builtins))) == []
    namespace: dict = {}
    exec("from labkit import *\nresult = (sum, max, round, abs, all)", namespace)
    assert namespace["result"] == (builtins.sum, builtins.max, builtins.round, builtins.abs,
                                   builtins.all)


def test_every_pyplot_name_is_a_pyplot_function():
    pyplot = pytest.importorskip("matplotlib.pyplot")
    for name in PYPLOT_FUNCTIONS:
        assert inspect.isfunction(getattr(pyplot, name)), name
    assert labkit.gray is not None and "gray" not in labkit.units.__all__


def test_pylab_tick_classes_make_their_objects():
    ticker = pytest.importorskip("matplotlib.ticker")
    for name in PYPLOT_CLASSES:
        assert isinstance(getattr(ticker, name), type), name
    namespace: dict = {}
    exec("from labkit import *\nf = ScalarFormatter()", namespace)
    assert isinstance(namespace["f"], ticker.ScalarFormatter)


def test_import_and_star_import_load_neither_matplotlib_nor_sympy_nor_numba():
    out = _run("""
        import sys, time
        start = time.perf_counter()
        import labkit
        imported = time.perf_counter() - start
        start = time.perf_counter()
        from labkit import *
        star = time.perf_counter() - start
        heavy = [m for m in ("matplotlib", "sympy", "numba", "numpy.testing", "numpy.f2py")
                 if m in sys.modules]
        print(heavy, round(imported, 3), round(star, 4), repr(plot))
    """)
    heavy, imported, star, shown = out.split(" ", 3)
    assert heavy == "[]", out
    assert float(star) < 0.1, out  # the star import only copies names
    assert "loaded on first use" in shown


def test_a_pyplot_stand_in_loads_pyplot_when_called():
    out = _run("""
        import sys
        from labkit import *
        fig = figure()
        print('matplotlib.pyplot' in sys.modules, type(fig).__name__, plot.__name__)
    """, env=dict(os.environ, MPLBACKEND="Agg"))
    assert out.split() == ["True", "Figure", "plot"]


def test_help_and_attributes_come_from_pyplot():
    pytest.importorskip("matplotlib")
    assert "Plot y versus x" in labkit.plot.__doc__
    assert labkit.xlabel.__name__ == "xlabel"
    with pytest.raises(AttributeError):
        labkit.plot._ipython_display_  # introspection does not load pyplot  # noqa: B018


def test_seed_also_seeds_numpys_generator_as_in_brian2():
    labkit.seed(3)
    first = labkit.randn(4)
    labkit.seed(3)
    assert np.array_equal(labkit.randn(4), first)
    assert np.array_equal(first, np.random.RandomState(3).randn(4))  # Brian2's numbers too


def test_numpy_with_units_as_brian2_numpy_():
    import labkit.numpy_ as lnp
    from labkit import ms, mV

    assert str(lnp.arange(0 * ms, 2 * ms, 0.5 * ms)) == "[0.  0.5 1.  1.5] ms"
    assert lnp.mean([1, 2] * mV) == 1.5 * mV and lnp.sum is np.sum and lnp.pi == np.pi
    assert lnp.max([1, 3] * mV) == 3 * mV and lnp.random is np.random
    assert type(lnp.zeros_like([1, 2] * mV)) is np.ndarray  # as Brian2: plain numbers
    assert "arange" in lnp.__all__ and "linspace" in dir(lnp)
    with pytest.raises(AttributeError):
        lnp.no_such_function  # noqa: B018


def test_no_module_comes_in_with_numpys_names():
    # numpy's submodules stay np.linalg etc.; numpy.core must never hide labkit.core
    import types

    # codegen is the stand-in for labkit.codegen until that subpackage is imported, which
    # binds the module itself to the package's attribute (the same object then)
    modules = [n for n in labkit.__all__ if isinstance(getattr(labkit, n), types.ModuleType)
               and getattr(labkit, n) is not sys.modules.get("labkit.codegen")]
    assert modules == ["np", "numpy"]  # numpy: labkit.numpy_, as Brian2's is brian2.numpy_
    assert labkit.core.__name__ == "labkit.core"


def test_the_modules_brian2s_star_import_binds():
    # numpy is brian2.numpy_'s counterpart; plt, mpl, matplotlib are stand-ins
    import labkit.numpy_

    assert labkit.numpy is labkit.numpy_ and "numpy" in labkit.__all__
    assert repr(labkit.plt) == "<module 'matplotlib.pyplot', loaded on first use>"
    with pytest.raises(AttributeError):
        labkit.plt._repr_html_  # introspection does not load matplotlib  # noqa: B018
    out = _run("""
        import sys
        from labkit import *
        print('matplotlib' in sys.modules, end=' ')
        fig, axes = plt.subplots(1, 2)
        mpl.rcParams['lines.linewidth'] = 3
        import matplotlib.pyplot as real
        print(len(axes), matplotlib.rcParams['lines.linewidth'], plt.gcf() is real.gcf(),
              numpy.mean([1, 2]*ms), 'plot' in dir(plt))
    """, env=dict(os.environ, MPLBACKEND="Agg"))
    assert out.split() == ["False", "2", "3.0", "True", "1.5", "ms", "True"]


def test_codegen_target_set_on_the_module_changes_nothing_as_in_brian2():
    # Brette_2012/Fig3AB sets codegen.target: Brian2 binds its codegen module, whose
    # attribute nothing reads (the setting is prefs.codegen.target)
    out = _run("""
        import sys
        from labkit import *
        print('sympy' in sys.modules, end=' ')
        before = prefs.codegen.target
        codegen.target = 'numpy'
        import labkit.codegen
        print(labkit.codegen.target, prefs.codegen.target == before)
    """)
    assert out.split() == ["False", "numpy", "True"]
