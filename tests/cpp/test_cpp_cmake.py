"""The generated project's CMakeLists.txt builds the program the Makefile builds.

labkit itself builds with make; a user may prefer CMake. Both builds get the same flags
(-O3, the host's instruction set, no fused multiply-add) so they give the same results,
bit for bit, as make's program (which equals the runtime device).
"""

import json
import shutil
import subprocess

import numpy as np
import pytest

from labkit import *
from labkit.devices.cpp.build import find_compiler

#: Flags of the Makefile that results depend on (its LKFLAGS).
MAKE_FLAGS = {"-std=c++17", "-O3", "-march=native", "-ffp-contract=off", "-fno-math-errno"}


@pytest.fixture(autouse=True)
def _needs_cmake():
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (tools/system-packages.sh installs it)")


def _project(directory, threads: int):
    """A run with random input, a growing spike buffer and a trace -> its project."""
    set_device('cpp_standalone', directory=directory, threads=threads)
    seed(5)
    G = NeuronGroup(100, 'dv/dt = (2 - v)/(2*ms) + 0.3*xi/sqrt(2*ms) : 1',
                    threshold='v > 1', reset='v = 0', method='euler')
    S = SpikeMonitor(G, variables='v')
    M = StateMonitor(G, 'v', record=[0, 50, 99])
    run(10 * ms)
    assert S._i.size >= 4 * 200 and M.t.size == 100  # the first buffer (200) grew twice
    return directory


def _cmake(source, build, *options) -> None:
    compiler = f"-DCMAKE_CXX_COMPILER={find_compiler()}"  # the one labkit's make used
    for command in (["cmake", "-S", str(source), "-B", str(build), compiler,
                     "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON", *options],
                    ["cmake", "--build", str(build), "-j2"]):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def _results(directory) -> dict:
    index = json.loads((directory / 'index.json').read_text())
    return {e['name']: np.fromfile(directory / e['file'], dtype=e['dtype'])
            .reshape(e['shape']) for e in index['arrays']}


@pytest.mark.parametrize("threads", [1, 2])
def test_cmake_build_gives_make_builds_results(cpp, tmp_path, threads):
    made = _project(tmp_path / 'made', threads)
    fresh = tmp_path / 'fresh'
    shutil.copytree(made, fresh, ignore=shutil.ignore_patterns(
        '*.o', 'main', 'results', '.labkit-build', 'Makefile'))
    _cmake(fresh, fresh / 'build')
    commands = json.loads((fresh / 'build' / 'compile_commands.json').read_text())
    flags = set(next(c for c in commands if c['file'].endswith('main.cpp'))['command'].split())
    assert MAKE_FLAGS <= flags and ('-fopenmp' in flags) == (threads > 1), flags
    done = subprocess.run(['./build/main', 'static', 'results'], cwd=fresh,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    expected, actual = _results(made / 'results'), _results(fresh / 'results')
    assert sorted(actual) == sorted(expected)
    for name, array in expected.items():
        np.testing.assert_array_equal(actual[name], array, err_msg=name)


def test_portable_build_without_openmp(cpp, tmp_path):
    """-DLABKIT_ARCH= and -DLABKIT_OPENMP=OFF: the options the CMakeLists names."""
    made = _project(tmp_path / 'made', threads=2)
    _cmake(made, tmp_path / 'build', '-DLABKIT_ARCH=', '-DLABKIT_OPENMP=OFF')
    commands = json.loads((tmp_path / 'build' / 'compile_commands.json').read_text())
    flags = set(commands[0]['command'].split())
    assert '-march=native' not in flags and '-fopenmp' not in flags
    assert (tmp_path / 'build' / 'main').exists()
