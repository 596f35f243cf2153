"""cpp_standalone and the instruction set: the generated Makefile takes ARCH from the
environment (binder/start names a portable target there), so a program built for another
ARCH must be built again, not launched on a CPU that may lack its instructions."""

import subprocess

from labkit import *


def _net():
    G = NeuronGroup(2, 'dv/dt = (1.5 - v)/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                    method='exact', name='arch_cells')
    return Network(G, SpikeMonitor(G, name='arch_spikes'))


def test_a_program_built_for_another_arch_is_built_again(cpp, tmp_path, monkeypatch):
    set_device('cpp_standalone', directory=tmp_path / 'project')
    monkeypatch.delenv('ARCH', raising=False)
    net = _net()
    net.run(20 * ms)
    native = cpp.compile_count
    stamp = tmp_path / 'project' / '.labkit-build'
    assert stamp.read_text().endswith('-march=native')
    monkeypatch.setenv('ARCH', '-march=x86-64')
    net.run(20 * ms)
    assert cpp.compile_count == native + 1 and stamp.read_text().endswith('-march=x86-64')
    net.run(20 * ms)
    assert cpp.compile_count == native + 1
    flags = subprocess.run(['make', '-n', '-B', 'main.o'], cwd=tmp_path / 'project',
                           capture_output=True, text=True, check=True).stdout
    assert '-march=x86-64 ' in flags and '-march=native' not in flags
