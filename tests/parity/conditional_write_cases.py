"""Which writes to an ``(unless refractory)`` variable Brian2 makes conditional.

Brian2 marks a differential equation's variable with the flag (when the group has a
refractory period) and every code object that writes it does so only where the
group's ``not_refractory`` holds, except the reset (its resetter overrides the condition):
the state updater, run_regularly, string assignments ``G.v = '...'`` (also with a condition
``G.v['i > 0'] = '...'``), a synapse's on_pre / on_post writing ``v_post`` / ``v_pre``,
PoissonInput. Custom events' code (``run_on_event``) is a resetter too: unconditional.
A summed variable's target must be a parameter, so it never has the flag.

Each case is a tiny deterministic script (spike generators, fixed initial values) whose
writes land on refractory and non-refractory neurons at once.
"""

from __future__ import annotations

from harness import Case

_MODEL = """
    eqs = '''
    dv/dt = -v/(10*ms) : volt (unless refractory)
    u : volt
    '''
"""

#: Synaptic writes onto a refractory target: on_pre onto v_post (and a plain u_post), in a
#: subgroup target so that the condition must use the target's own indices.
ON_PRE = Case(
    "cw_on_pre_subgroup_target",
    _MODEL + """
    G = NeuronGroup(6, eqs, threshold='v > 10*mV', reset='v = 0*mV', refractory=3*ms,
                    method='exact')
    gen = SpikeGeneratorGroup(2, [0, 1, 0, 1, 0], [0.5, 0.5, 1.5, 2.5, 4.0]*ms)
    S = Synapses(gen, G[2:], 'w : volt', on_pre='v_post += w\\nu_post += w')
    S.connect(i=[0, 0, 1, 1], j=[0, 1, 2, 3])
    S.w = [1, 2, 3, 4]*mV
    G.v = [0, 0, 20, 0, 20, 0]*mV   # neurons 2 and 4 spike at once: refractory to 3 ms
    M = StateMonitor(G, ('v', 'u'), record=True, when='end')
    SM = SpikeMonitor(G)
    run(5*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "M.u", "G.v[:]"),
    min_spikes=2,
)

#: on_post writing v_pre, the source refractory and the target not (and the other way
#: round): whose not_refractory decides?
ON_POST = Case(
    "cw_on_post_writes_pre",
    _MODEL + """
    A = NeuronGroup(3, eqs, threshold='v > 10*mV', reset='v = 0*mV', refractory=3*ms,
                    method='exact')
    B = NeuronGroup(3, eqs, threshold='v > 10*mV', reset='v = 0*mV', refractory=3*ms,
                    method='exact')
    S = Synapses(A, B, on_pre='v_post += 1*mV', on_post='v_pre += 2*mV\\nu_pre += 2*mV')
    S.connect(j='i')
    A.v = [20, 0, 20]*mV   # A0, A2 refractory from 0 ms
    B.v = [0, 0, 20]*mV    # B2 refractory from 0 ms
    trigger = SpikeGeneratorGroup(3, [0, 1, 2], [1, 1, 1]*ms)
    T = Synapses(trigger, B, on_pre='v_post += 30*mV')
    T.connect(j='i')
    MA = StateMonitor(A, ('v', 'u'), record=True, when='end')
    SA = SpikeMonitor(A); SB = SpikeMonitor(B)
    run(5*ms)
    """,
    spikes=("SA", "SB"),
    traces=("MA.v", "MA.u"),
    min_spikes=4,
)

#: The same group on both sides (a recurrent on_post writing v_pre).
ON_POST_RECURRENT = Case(
    "cw_on_post_recurrent",
    _MODEL + """
    G = NeuronGroup(4, eqs, threshold='v > 10*mV', reset='v = 0*mV', refractory=3*ms,
                    method='exact')
    S = Synapses(G, G, on_post='v_pre += 2*mV\\nu_pre += 2*mV')
    S.connect(i=[0, 1, 3], j=[2, 3, 2])
    G.v = [20, 0, 0, 0]*mV  # 0 refractory from 0 ms
    gen = SpikeGeneratorGroup(4, [2, 3], [1, 1]*ms)
    T = Synapses(gen, G, on_pre='v_post += 30*mV')
    T.connect(j='i')
    M = StateMonitor(G, ('v', 'u'), record=True, when='end')
    SM = SpikeMonitor(G)
    run(5*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "M.u"),
    min_spikes=3,
)

#: A custom event's code (run_on_event) is a resetter: it writes during refractoriness.
CUSTOM_EVENT = Case(
    "cw_custom_event_code",
    """
    eqs = '''
    dv/dt = -v/(10*ms) : volt (unless refractory)
    dz/dt = 1/ms : 1
    '''
    G = NeuronGroup(3, eqs, threshold='v > 10*mV', reset='v = 0*mV', refractory=3*ms,
                    events={'tick': 'z > 1'}, method='euler')
    G.run_on_event('tick', 'v += 1*mV\\nz = 0')
    G.v = [20, 0, 5]*mV
    M = StateMonitor(G, 'v', record=True, when='end')
    SM = SpikeMonitor(G)
    run(5*ms)
    """,
    spikes=("SM",),
    traces=("M.v",),
    min_spikes=1,
)

#: String assignments between runs: plain, with a condition, into a subgroup.
STRING_SET = Case(
    "cw_string_assignments",
    _MODEL + """
    G = NeuronGroup(5, eqs, threshold='v > 10*mV', reset='v = 0*mV', refractory=3*ms,
                    method='exact')
    G.v = [20, 0, 20, 0, 20]*mV
    run(1*ms)
    G.v = 'v + 2*mV'
    a = G.v[:] * 1  # a copy: Brian2's G.v[:] is a view
    G.v['i >= 2'] = '5*mV + i*mV'
    b = G.v[:] * 1
    G[3:].v = '7*mV'
    c = G.v[:] * 1
    G.v[1:4] = '9*mV'
    d = G.v[:] * 1
    G.u = 'i*mV'
    run(1*ms)
    """,
    traces=("a", "b", "c", "d", "G.v[:]", "G.u[:]"),
    min_spikes=0,
)

#: run_regularly writing the flagged and an unflagged variable.
RUN_REGULARLY = Case(
    "cw_run_regularly",
    _MODEL + """
    G = NeuronGroup(3, eqs, threshold='v > 10*mV', reset='v = 0*mV', refractory=2.5*ms,
                    method='exact')
    G.v = [20, 0, 9]*mV
    G.run_regularly('v += 1*mV\\nu += 1*mV', dt=1*ms)
    M = StateMonitor(G, ('v', 'u'), record=True, when='end')
    SM = SpikeMonitor(G)
    run(6*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "M.u"),
    min_spikes=2,
)

#: PoissonInput onto the flagged variable; rate = 1/dt makes p = 1, so each step adds
#: exactly N * weight (Brian2's binomial is exact at p = 1): deterministic.
POISSON_INPUT = Case(
    "cw_poisson_input_p1",
    _MODEL + """
    G = NeuronGroup(3, eqs, threshold='v > 10*mV', reset='v = 0*mV', refractory=2*ms,
                    method='exact')
    G.v = [20, 0, 5]*mV
    P = PoissonInput(G, 'v', 10, 1/defaultclock.dt, weight=0.01*mV)
    M = StateMonitor(G, 'v', record=True, when='end')
    SM = SpikeMonitor(G)
    run(8*ms)
    """,
    spikes=("SM",),
    traces=("M.v",),
    min_spikes=1,
)

#: refractory=0*ms still makes the writes conditional: a neuron that spikes is not
#: refractory-free until the next step, so input arriving in its spike's step is lost.
ZERO_REFRACTORY = Case(
    "cw_zero_refractory",
    """
    eqs = '''
    dv/dt = -v/(10*ms) : volt (unless refractory)
    dz/dt = 1/ms : 1
    '''
    G = NeuronGroup(2, eqs, threshold='z > 1', reset='z = 0', refractory=0*ms,
                    method='euler')
    G.z = [0.5, 0]
    gen = SpikeGeneratorGroup(1, [0, 0, 0], [0.5, 0.6, 1.5]*ms)
    S = Synapses(gen, G, on_pre='v_post += 1*mV')
    S.connect()
    M = StateMonitor(G, 'v', record=True, when='end')
    SM = SpikeMonitor(G)
    run(3*ms)
    """,
    spikes=("SM",),
    traces=("M.v",),
    min_spikes=2,
)

CASES = (ON_PRE, ON_POST, ON_POST_RECURRENT, CUSTOM_EVENT, STRING_SET, RUN_REGULARLY,
         POISSON_INPUT, ZERO_REFRACTORY)
