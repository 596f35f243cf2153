"""Custom events: NeuronGroup(events=...), run_on_event, EventMonitor, Synapses(on_event=...).

The same numbers as Brian2 are checked in tests/parity/example_cases.py (custom_events);
here: the schedule, subgroups, and every refusal with its message.
"""

import numpy as np
import pytest

from labkit import (
    EventMonitor,
    Network,
    NeuronGroup,
    SpikeMonitor,
    Synapses,
    ms,
    run,
)


@pytest.fixture(params=["runtime", "numpy"])
def device_name(request):
    from labkit import get_device, set_device

    previous = get_device().name
    set_device(request.param)
    yield request.param
    set_device(previous)


def _group():
    return NeuronGroup(4, '''dv/dt = 1/(10*ms) : 1
                             armed : boolean''', threshold='v > 1', reset='v = 0',
                       events={'half': 'v > 0.5 and armed', 'rearm': 'v < 0.5 and not armed'},
                       method='euler')


def test_event_code_runs_after_the_event_and_monitors_see_it(device_name):
    G = _group()
    G.v = 'i*0.2'
    G.armed = True
    G.run_on_event('half', 'armed = False')
    G.run_on_event('rearm', 'armed = True')
    half, spikes = EventMonitor(G, 'half', 'v'), SpikeMonitor(G)
    run(25 * ms)
    # each neuron passes 0.5 once per 10 ms cycle: the event fires once, then is disarmed
    # until v is below 0.5 again (after the reset); neuron 3 starts above 0.5
    assert np.all(np.asarray(half.v) > 0.5)
    assert half.count.tolist() == [3, 3, 3, 3]
    assert spikes.count.tolist() == [2, 2, 2, 3]
    assert half.i[:4].tolist() == [3, 2, 1, 0]
    assert np.allclose(np.asarray(half.t[:4]) * 1e3, [0, 0.9, 2.9, 4.9])


def test_pathway_on_a_custom_event_and_a_subgroup_monitor(device_name):
    G = _group()
    G.armed = True
    G.run_on_event('half', 'armed = False')
    G.run_on_event('rearm', 'armed = True')
    H = NeuronGroup(4, 'n : 1')
    S = Synapses(G, H, on_pre='n += 1', on_event='half')
    S.connect(j='i')
    part = EventMonitor(G[2:], 'half')
    run(25 * ms)
    assert H.n.tolist() == [3.0, 3.0, 3.0, 3.0]  # at 5, 15 and 25 ms (v from 0)
    assert set(part.i.tolist()) == {0, 1}  # indices within the subgroup


def test_default_slots_follow_brian2():
    G = _group()
    assert EventMonitor(G, 'half').when == 'after_thresholds'
    assert SpikeMonitor(G).when == 'thresholds'
    assert G.run_on_event('half', 'armed = False').when == 'after_resets'


def test_refusals_say_the_event_and_the_fix():
    G = _group()
    with pytest.raises(ValueError, match="has no event 'burst'.*'half', 'rearm'"):
        EventMonitor(G, 'burst')
    with pytest.raises(ValueError, match="pathway 'pre'.*no event 'burst'"):
        Synapses(G, G, on_pre='v += 0', on_event='burst')
    with pytest.raises(ValueError, match="on_event names pathway 'post'"):
        Synapses(G, G, on_pre='v += 0', on_event={'post': 'half'})
    with pytest.raises(TypeError, match="on_event must be an event name"):
        Synapses(G, G, on_pre='v += 0', on_event=3)
    with pytest.raises(ValueError, match="the reset"):
        G.run_on_event('spike', 'v = 0')
    G.run_on_event('half', 'armed = False')
    with pytest.raises(ValueError, match="already has code for event 'half'"):
        G.run_on_event('half', 'armed = True')
    with pytest.raises(TypeError, match="cannot name an event"):
        NeuronGroup(1, 'v : 1', events={'spike': 'v > 1'})
    with pytest.raises(TypeError, match="must be a string"):
        NeuronGroup(1, 'v : 1', events={'up': 3})
    with pytest.raises(TypeError, match="must be a dict"):
        NeuronGroup(1, 'v : 1', events=['v > 1'])
    with pytest.raises(ValueError, match="give 'when' with 'order'"):
        EventMonitor(G, 'half', order=2)
    with pytest.raises(TypeError, match="no threshold"):
        EventMonitor(NeuronGroup(1, 'v : 1', events={'up': 'v > 1'}), 'spike')


def test_a_unit_error_in_an_event_condition_names_it():
    from labkit.errors import DimensionMismatchError

    G = NeuronGroup(1, 'dv/dt = -v/(10*ms) : volt', events={'up': 'v > 1'}, method='exact')
    with pytest.raises(DimensionMismatchError, match="event 'up'"):
        Network(G).run(1 * ms)
