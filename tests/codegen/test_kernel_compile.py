"""KernelSource -> compiled callable: memory and disk caches, counting, linecache."""

import json
import os
import shutil
import subprocess
import sys
import threading
import traceback
import uuid

import numpy as np
import pytest

from labkit.codegen import compile as comp
from labkit.codegen.compile import (
    Kernel,
    KernelSource,
    cache_dir,
    compile_count,
    compile_numba,
    compile_numpy,
    compile_stats,
    write_source,
)


def _unique_source(body="    return a * x + b\n", name="kernel", args=("x", "a", "b")):
    """A source no other test (or earlier run) has compiled: a fresh comment makes it so."""
    head = f"# test kernel {uuid.uuid4().hex}\n\n\ndef {name}({', '.join(args)}):\n"
    return KernelSource(head + body, name, args)


# KernelSource ----------------------------------------------------------------------------


def test_kernel_source_hash_follows_the_text_only():
    a = KernelSource("def f(x):\n    return x\n", "f", ["x"])
    b = KernelSource("def f(x):\n    return x\n", "f", ("x",))
    c = KernelSource("def f(x):\n    return -x\n", "f", ("x",))
    assert a == b and a.hash == b.hash and a.arg_names == ("x",)
    assert c.hash != a.hash
    assert len(a.hash) == 64 and int(a.hash, 16) >= 0


def test_kernel_source_prints_as_its_text_and_reprs_briefly():
    src = KernelSource("def f(x, y):\n    return x + y\n", "f", ("x", "y"))
    assert str(src) == src.text
    assert repr(src) == f"<KernelSource f(x, y), 2 lines, hash {src.hash[:12]}>"
    with pytest.raises(AttributeError):
        src.text = "def f(): pass"


@pytest.mark.parametrize("compiler", [compile_numba, compile_numpy])
def test_declared_name_and_arguments_are_checked(compiler, kernel_cache):
    with pytest.raises(ValueError, match="defines no function 'g'"):
        compiler(KernelSource("def f(x):\n    return x\n", "g", ("x",)))
    with pytest.raises(ValueError, match=r"takes \('x',\).*declares \('x', 'y'\)"):
        compiler(KernelSource("def f(x):\n    return x\n", "f", ("x", "y")))


# cache directory and file writing -------------------------------------------------------


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path / "kernels"
    monkeypatch.delenv("LABKIT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "labkit" / "kernels"


def test_source_file_is_written_once_with_a_fixed_mtime(kernel_cache):
    src = _unique_source()
    path = write_source(src)
    assert path == kernel_cache / "kernels" / f"{src.hash}.py"
    assert path.read_text() == src.text
    stamp = os.stat(path)
    assert stamp.st_mtime == comp._FIXED_MTIME
    assert write_source(src) == path and os.stat(path).st_ino == stamp.st_ino  # untouched
    path.write_text("garbage")  # a damaged file is replaced, with the same stamp
    write_source(src)
    assert path.read_text() == src.text and os.stat(path).st_mtime == comp._FIXED_MTIME
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_concurrent_writers_leave_one_complete_file(kernel_cache):
    src = _unique_source(body="    return x\n" * 2000)
    errors = []

    def write():
        try:
            for _ in range(20):
                assert write_source(src).read_text() == src.text
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    files = sorted(p.name for p in (kernel_cache / "kernels").iterdir() if p.is_file())
    assert files == [f"{src.hash}.py"]


# Numba: memory cache, disk cache, counting -----------------------------------------------


def test_same_source_compiles_once_and_values_never_recompile(kernel_cache):
    src = _unique_source()
    kernel = compile_numba(src)
    assert isinstance(kernel, Kernel) and kernel.source is src and kernel.language == "numba"
    assert compile_numba(KernelSource(src.text, src.name, src.arg_names)) is kernel
    before = compile_count()
    assert kernel(2.0, 3.0, 1.0) == 7.0  # first call compiles
    assert compile_count() == before + 1
    for a in (0.5, -1.0, 1e9):  # new values, same types: no compilation
        assert kernel(2.0, a, 1.0) == 2.0 * a + 1.0
    assert compile_numba(src)(1.0, 1.0, 1.0) == 2.0
    assert compile_count() == before + 1


def test_array_kernel_reruns_with_new_sizes_and_values_without_recompiling(kernel_cache):
    src = _unique_source(
        body="    for i in range(v.shape[0]):\n        v[i] += dt * (-v[i] / tau)\n",
        args=("v", "tau", "dt"),
    )
    kernel = compile_numba(src)
    v = np.ones(10)
    kernel(v, 0.01, 1e-4)
    before = compile_count()
    for n, tau in ((3, 0.02), (1000, 0.5), (0, 1.0)):
        v = np.ones(n)
        kernel(v, tau, 1e-4)
        np.testing.assert_allclose(v, 1 - 1e-4 / tau)
    assert compile_count() == before


def test_a_different_source_compiles_again(kernel_cache):
    first, second = _unique_source(), _unique_source()
    compile_numba(first)(1.0, 1.0, 1.0)
    before = compile_count()
    compile_numba(second)(1.0, 1.0, 1.0)
    assert compile_count() == before + 1


def test_division_by_zero_follows_numpy_not_python(kernel_cache):
    kernel = compile_numba(_unique_source(body="    return a / x + b\n"))
    assert kernel(0.0, 1.0, 0.0) == np.inf


_CHILD = """
import json, sys
import numpy as np
from labkit.codegen.compile import KernelSource, compile_numba, compile_stats
src = KernelSource(sys.argv[1], "kernel", ("x", "a", "b"))
value = compile_numba(src)(2.0, 3.0, 1.0)
stats = compile_stats()
print(json.dumps({"value": value, "compiled": stats.numba_compiled,
                  "loaded": stats.numba_loaded, "hash": src.hash}))
"""


def _run_child(src, **env):
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, src.text],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_new_process_loads_the_kernel_from_disk(kernel_cache):
    src = _unique_source()
    cold = _run_child(src)  # empty cache: compiles and stores
    assert cold == {"value": 7.0, "compiled": 1, "loaded": 0, "hash": src.hash}
    warm = _run_child(src)  # same LABKIT_CACHE_DIR: loads, compiles nothing
    assert warm == {"value": 7.0, "compiled": 0, "loaded": 1, "hash": src.hash}
    # a copy of the cache that lost the files' mtimes (plain cp, a Docker layer) stays warm
    copy = kernel_cache.parent / "copied"
    shutil.copytree(kernel_cache, copy, copy_function=shutil.copy)
    assert os.stat(copy / "kernels" / f"{src.hash}.py").st_mtime != comp._FIXED_MTIME
    moved = _run_child(src, LABKIT_CACHE_DIR=str(copy))
    assert moved == {"value": 7.0, "compiled": 0, "loaded": 1, "hash": src.hash}
    # and this process, seeing the file another process wrote, loads it too
    kernel = compile_numba(src)
    assert kernel(2.0, 3.0, 1.0) == 7.0
    assert kernel.func.stats.cache_hits and not kernel.func.stats.cache_misses


_CHILD_BLAS = """
import json, sys
import numba
import numpy as np
from labkit.codegen.compile import KernelSource, compile_numba
value = compile_numba(KernelSource(sys.argv[1], "kernel", ("x", "a", "b")))(2.0, 3.0, 1.0)
before = "scipy.linalg" in sys.modules
a = np.array([[2.0, 1.0], [1.0, 3.0]])
solved = numba.njit(lambda a, b: np.linalg.solve(a, b))(a, np.ones(2))
dot = numba.njit(lambda a: np.dot(a, a))(a)
corr = numba.njit(lambda x, y: np.correlate(x, y))(np.arange(4.0), np.ones(2))
print(json.dumps({"value": value, "scipy_linalg_before": before,
                  "after": "scipy.linalg" in sys.modules, "solved": solved.tolist(),
                  "dot": dot.tolist(), "corr": corr.tolist()}))
"""


def test_loading_a_kernel_imports_no_scipy_linalg_and_numba_linalg_still_works(
        kernel_cache):
    # Numba's BLAS probe imported all of scipy.linalg (0.25 s) at every process's first
    # kernel; now hidden from it (compile._numba_registries_without_scipy)
    result = subprocess.run([sys.executable, "-c", _CHILD_BLAS, _unique_source().text],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["value"] == 7.0 and not got["scipy_linalg_before"]
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(got["solved"], np.linalg.solve(a, np.ones(2)))
    np.testing.assert_allclose(got["dot"], a @ a)
    np.testing.assert_allclose(got["corr"], np.correlate(np.arange(4.0), np.ones(2)))
    assert got["after"]  # np.linalg imported it when typed, as before


@pytest.mark.slow
@pytest.mark.parametrize("suffix, numba_dir", [(".nbi", False), (".nbc", False),
                                               (".nbi", True)])
def test_a_truncated_cache_file_is_deleted_and_the_kernel_compiled_again(
        kernel_cache, suffix, numba_dir, caplog, monkeypatch, tmp_path):
    # was: every later run of that model failed with a raw UnpicklingError; under
    # NUMBA_CACHE_DIR the damaged file was looked for beside the kernel files, not found
    env = {}
    machine_code = kernel_cache / "kernels" / "__pycache__"
    if numba_dir:
        import numba

        env["NUMBA_CACHE_DIR"] = str(tmp_path / "numba")
        monkeypatch.setenv("NUMBA_CACHE_DIR", env["NUMBA_CACHE_DIR"])
        monkeypatch.setattr(numba.config, "CACHE_DIR", env["NUMBA_CACHE_DIR"])
        machine_code = tmp_path / "numba"
    src = _unique_source()
    assert _run_child(src, **env)["compiled"] == 1  # another process filled the cache
    damaged = list(machine_code.rglob(f"{src.hash}.*{suffix}"))
    assert damaged
    for path in damaged:
        with open(path, "r+b") as handle:
            handle.truncate(20)
    kernel = compile_numba(src)
    assert kernel(2.0, 3.0, 1.0) == 7.0
    assert kernel(2.0, 3.0, 1.0) == 7.0
    said = [r.getMessage() for r in caplog.records if r.name == "labkit.kernel_cache"]
    assert len(said) == 1 and "could not be read" in said[0] \
        and "compiling the kernel again" in said[0]
    # the repaired entry serves the next process
    assert _run_child(src, **env) == {"value": 7.0, "compiled": 0, "loaded": 1,
                                      "hash": src.hash}


def test_stats_count_numpy_builds_separately(kernel_cache):
    before = compile_stats()
    src = _unique_source()
    compile_numpy(src)
    compile_numpy(src)
    after = compile_stats()
    assert after.numpy_built == before.numpy_built + 1
    assert after.numba_compiled == before.numba_compiled


# linecache: generated lines in tracebacks -------------------------------------------------

_FAILING = "    y = x * 2.0\n    return math.sqrt(-y)  # generated-line-marker\n"


def test_numpy_kernel_traceback_shows_the_generated_line(kernel_cache):
    src = _unique_source(body=_FAILING, args=("x",))
    src = KernelSource("import math\n" + src.text, src.name, src.arg_names)
    kernel = compile_numpy(src)
    with pytest.raises(ValueError) as info:
        kernel(1.0)
    text = "".join(traceback.format_exception(info.value))
    assert "return math.sqrt(-y)  # generated-line-marker" in text
    assert f"<labkit-kernel kernel {src.hash[:12]}>" in text


def test_numba_kernel_source_stays_readable_after_the_file_is_gone(kernel_cache):
    src = _unique_source(body=_FAILING, args=("x",))
    src = KernelSource("import math\n" + src.text, src.name, src.arg_names)
    kernel = compile_numba(src)
    os.remove(kernel_cache / "kernels" / f"{src.hash}.py")
    with pytest.raises(ValueError) as info:
        kernel.func.py_func(1.0)  # the pure-Python function behind the dispatcher
    text = "".join(traceback.format_exception(info.value))
    assert "return math.sqrt(-y)  # generated-line-marker" in text


def test_numba_typing_errors_quote_the_generated_line(kernel_cache):
    import numba

    body = "    y = (1, 2)\n    return x + y  # generated-line-marker\n"
    src = _unique_source(body=body, args=("x",))
    kernel = compile_numba(src)
    with pytest.raises(numba.TypingError) as info:
        kernel(1.0)
    assert f"{src.hash}.py" in str(info.value)
    assert "return x + y  # generated-line-marker" in str(info.value)


def test_kernel_repr_names_language_and_source(kernel_cache):
    src = _unique_source()
    assert repr(compile_numpy(src)) == f"<Kernel numpy {src!r}>"



_CHILD_LEAN = """
import json, sys
import numpy as np
from labkit.codegen.compile import KernelSource, compile_numba, compile_stats
values, registries = [], []
for text in sys.argv[2:]:
    src = KernelSource(text, "kernel", ("x", "n"))
    values.append(compile_numba(src, parallel=sys.argv[1] == "1")(np.arange(5.0), 3).tolist())
    registries.append("numba.np.arraymath" in sys.modules)
stats = compile_stats()
print(json.dumps({"values": values, "loaded": stats.numba_loaded,
                  "compiled": stats.numba_compiled, "registries": registries}))
"""


def _allocating_kernel(loop: str, offset: float) -> str:
    return (f"# test kernel {uuid.uuid4().hex}\nimport numba\nimport numpy as np\n\n\n"
            f"def kernel(x, n):\n    out = np.empty(x.size * n)\n"
            f"    for k in {loop}(out.size):\n        out[k] = x[k % x.size] * 2.0 + k\n"
            f"    return out + {offset}\n")


@pytest.mark.parametrize("parallel", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_a_warm_kernel_loads_without_numbas_registries_and_gives_the_same_result(
        kernel_cache, parallel):
    # Numba filled its target registries (58 MB, ~0.3 s of CPU) before every cache load
    # and compiled its runtime (20 MB more); loading machine code needs only the runtime's
    # symbols and code, now loaded from labkit's cache (compile.lean_cache_loads). The
    # kernels allocate (Numba's runtime); in parallel, Numba's threads start from the
    # cache. A kernel compiled after the runtime was loaded links with it.
    loop = "numba.prange" if parallel else "range"
    first, second = _allocating_kernel(loop, 0.0), _allocating_kernel(loop, 1.0)
    runs = []
    for texts in ([first], [first, second]):  # compiles (a cache miss), then loads
        done = subprocess.run([sys.executable, "-c", _CHILD_LEAN, str(int(parallel)), *texts],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    expected = [np.arange(5.0)[k % 5] * 2.0 + k for k in range(15)]
    assert runs[0]["values"] == [expected]
    assert runs[1]["values"] == [expected, [v + 1.0 for v in expected]]
    assert (runs[0]["compiled"], runs[0]["loaded"], runs[0]["registries"]) == (1, 0, [True])
    assert (runs[1]["compiled"], runs[1]["loaded"], runs[1]["registries"]) == (1, 1,
                                                                                [False, True])
    assert len(list((kernel_cache / "kernels").glob("numba-runtime-*.pickle"))) == 1


_CHILD_HASH = """
import json, sys
from labkit.codegen.compile import KernelSource, compile_numba, compile_stats
value = compile_numba(KernelSource(sys.argv[1], "kernel", ("x",)))(2)
print(json.dumps({"value": value, "python": hash("ab" * 2),
                  "loaded": compile_stats().numba_loaded}))
"""


@pytest.mark.slow
def test_a_warm_kernel_that_hashes_a_string_loads_and_hashes_as_python(kernel_cache):
    # the hash secret is the one symbol Numba gives LLVM at an import (numba.cpython.
    # hashing), not with its target context; a lean cache load (without the registries'
    # imports) still links such a kernel: unpickling its cached types imports the module
    text = (f"# test kernel {uuid.uuid4().hex}\n\n\ndef kernel(x):\n"
            "    return hash('ab' * x)\n")
    runs = []
    for _ in range(2):  # compiles, then loads
        done = subprocess.run([sys.executable, "-c", _CHILD_HASH, text], capture_output=True,
                              text=True, timeout=120, env=os.environ | {"PYTHONHASHSEED": "7"})
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert [r["loaded"] for r in runs] == [0, 1]
    assert runs[0]["value"] == runs[0]["python"] == runs[1]["value"] == runs[1]["python"]


_CHILD_NETWORK = """
import json, sys
from labkit import *
set_device('runtime', threads=1)
seed(3)
P = NeuronGroup(50, 'dv/dt = (ge - v)/(10*ms) : 1\\ndge/dt = -ge/(5*ms) : 1',
                threshold='v > 0.5', reset='v = 0', method='exact')
P.v = 'rand()'
S = Synapses(P, P, on_pre='ge += 0.3')
S.connect(i='k for k in sample(N_pre, size=5)')
M = SpikeMonitor(P)
run(20*ms)
print(json.dumps({"spikes": [int(x) for x in M.i], "registries": "numba.np.arraymath" in
                  sys.modules}))
"""


@pytest.mark.slow
def test_a_warm_network_run_fills_no_numba_registries_and_spikes_the_same(kernel_cache):
    # the whole of a warm run (connect kernel, network kernel, queue) loads its kernels
    # without Numba's target registries (58 MB; compile.lean_cache_loads)
    runs = []
    for _ in range(2):  # compiles, then loads
        done = subprocess.run([sys.executable, "-c", _CHILD_NETWORK], capture_output=True,
                              text=True, timeout=300,
                              env=os.environ | {"LABKIT_FAST_START": "0"})
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert runs[0]["spikes"] == runs[1]["spikes"] and len(runs[0]["spikes"]) > 20
    assert [r["registries"] for r in runs] == [True, False]
