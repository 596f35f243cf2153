"""add_attribute, magic_network, profiling_info, net[name], BrianLogger: what Brian2's examples
use (compare_GSL, Rossant_et_al_2011bis, float_32_64_benchmark, coupled_oscillators,
Spreizer_et_al_2019)."""

import numpy as np
import pytest

from labkit import Network, NeuronGroup, StateMonitor, magic_network, ms, run
from labkit.errors import UnknownVariableError


def test_add_attribute_lets_a_group_take_a_new_name():
    G = NeuronGroup(1, 'v : 1')
    with pytest.raises(UnknownVariableError):
        G.run_time = 3  # a misspelt variable is refused...
    G.add_attribute('run_time')  # ...unless the name is declared
    assert G.run_time is None
    G.run_time = 3
    assert G.run_time == 3
    M = StateMonitor(G, 'v', record=True)
    M.add_attribute('label')
    M.label = 'x'
    assert M.label == 'x'


def test_add_attribute_refuses_a_name_taken():
    G = NeuronGroup(1, 'v : 1')
    with pytest.raises(AttributeError, match="already has an attribute 'v'"):
        G.add_attribute('v')
    with pytest.raises(AttributeError, match="already has an attribute 'when'"):
        StateMonitor(G, 'v', record=True).add_attribute('when')


def test_magic_network_is_the_network_run_uses():
    G = NeuronGroup(1, 'dv/dt = -v/(10*ms) : 1', method='exact')
    G.v = 1
    run(2 * ms)
    assert abs(float(magic_network.t / ms) - 2) < 1e-9
    assert abs(float(G.v[0]) - np.exp(-0.2)) < 1e-12


def test_profiling_info_gives_the_time_of_a_profiled_run():
    G = NeuronGroup(10, 'dv/dt = -v/(10*ms) : 1', method='exact')
    net = Network(G)
    with pytest.raises(ValueError, match="profile=True"):
        _ = net.profiling_info
    net.run(5 * ms, profile=True)
    (name, t), = net.profiling_info
    assert name == 'network_kernel' and 0 < float(t) < 60
    net.run(1 * ms)
    with pytest.raises(ValueError, match="profile=True"):
        _ = net.profiling_info


def test_a_network_gives_its_objects_by_name():
    G = NeuronGroup(2, 'v : 1', name='cells')
    M = StateMonitor(G, 'v', record=True, name='trace')
    net = Network(G, M)
    assert net['cells'] is G and net['trace'] is M
    with pytest.raises(KeyError, match="no object named 'cell'.*'cells', 'trace'"):
        net['cell']


def test_brian_logger_sets_what_labkit_logs():
    import logging

    from labkit import BrianLogger

    logger = logging.getLogger('labkit')
    before = logger.level
    try:
        BrianLogger.log_level_error()
        assert logger.level == logging.ERROR
        BrianLogger.log_level_debug()
        assert logger.level == logging.DEBUG
        BrianLogger.log_level_warn()
        assert logger.level == logging.WARNING
        BrianLogger.log_level_info()
        assert logger.level == logging.INFO
    finally:
        logger.setLevel(before)


def test_profiling_summary_of_the_last_profiled_run():
    from labkit import profiling_summary

    G = NeuronGroup(10, 'dv/dt = -v/(10*ms) : 1', method='exact')
    G.v = 1
    run(3 * ms, profile=True)
    text = profiling_summary()
    assert text.splitlines()[0] == 'Profiling summary'
    assert 'magicnetwork_kernel' in text and '100.00 %' in text
    run(1 * ms)
    with pytest.raises(ValueError, match="profile=True"):
        profiling_summary()
