"""Synapse parity scripts: what a Brian2 user writes with Synapses, minus the import.

Each runs under Brian2 (numpy target) and labkit (both devices) through ``harness.py``.
The networks are tiny and driven deterministically (constant currents, spike generators),
so spikes, traces and final synaptic variables must agree exactly (traces within 1e-9).
"""

from __future__ import annotations

from harness import Case

TWO_NEURONS = Case(
    "syn_course_two_neurons",
    """
    start_scope()
    tau_ref = 5*ms; V_t = 0.8; V_r = 0
    eqs = '''
    dv/dt = (-v + I)/tau : 1 (unless refractory)
    I : 1
    tau : second
    '''
    G = NeuronGroup(2, eqs, threshold='v > V_t', reset='v = V_r', refractory=tau_ref,
                    method='exact')
    G.v = V_r; G.I = [2, 0]; G.tau = [10, 100]*ms
    S = Synapses(G, G, 'w : 1', on_pre='v_post += w')
    S.connect(i=0, j=1)
    S.w = 0.2
    M = StateMonitor(G, 'v', record=True); SM = SpikeMonitor(G)
    run(100*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "S.w[:]"),
    exact=("S.i[:]", "S.j[:]", "SM.count"),
    min_spikes=8,
)

CONNECTIVITY = Case(
    "syn_conditions_and_generators",
    """
    start_scope()
    n_neurons = 12
    G = NeuronGroup(n_neurons, '''dv/dt = (I - v)/(10*ms) : 1
                                  I : 1''', threshold='v > 1', reset='v = 0', method='exact')
    G.I = '1.2 + 0.05*i'
    S1 = Synapses(G, G, 'w : 1', on_pre='v += w')
    S1.connect('abs(i-j) > 2 and abs(i-j) < 5')
    S1.w = 'j*0.01 + 0.02'
    S2 = Synapses(G, G, on_pre='v_post -= 0.03')
    S2.connect(j='k for k in range(i-3, i+4) if k != i', skip_if_invalid=True)
    S3 = Synapses(G, G, 'w : 1', on_pre='v_post += w')
    S3.connect(j='i')
    S3.connect(i=[0, 1, 2], j=[5, 5, 5], n=2)
    S3.w = 0.01
    SM = SpikeMonitor(G)
    M = StateMonitor(G, 'v', record=[0, 5, 11])
    run(60*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "G.v", "S1.w[:]"),
    exact=("S1.i[:]", "S1.j[:]", "S2.i[:]", "S2.j[:]", "S3.i[:]", "S3.j[:]", "len(S1)",
           "S1.N_incoming[:]", "S1.N_outgoing[:]", "S1.w[3, :]"),
    min_spikes=40,
)

DELAYS = Case(
    "syn_heterogeneous_delays",
    """
    start_scope()
    G = NeuronGroup(6, '''dv/dt = (I - v)/(10*ms) : 1
                          I : 1''', threshold='v > 1', reset='v = 0', method='exact')
    G.I = [1.5, 1.3, 0, 0, 0, 0]
    S = Synapses(G, G, 'w : 1', on_pre='v_post += w')
    S.connect(i=[0, 0, 0, 1, 1], j=[2, 3, 4, 3, 5])
    S.w = 0.3
    S.delay = 'j*1.05*ms + i*0.25*ms'
    S2 = Synapses(G[0:2], G[2:6], on_pre='v_post += 0.2', delay=3*ms)
    S2.connect(j='i + 2')
    SM = SpikeMonitor(G)
    M = StateMonitor(G, 'v', record=True)
    run(50*ms)
    S.delay[1] = 0*ms
    S.delay[3] = 7.3*ms
    run(30*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "S.delay[:]"),
    exact=("S2.i[:]", "S2.j[:]"),
    min_spikes=10,
)

STDP = Case(
    "syn_pair_stdp_event_driven",
    """
    start_scope()
    taupre = taupost = 20*ms
    wmax = 0.01
    Apre = 0.01
    Apost = -Apre*taupre/taupost*1.05
    pre = SpikeGeneratorGroup(3, [0, 1, 2, 0, 1, 2, 0], [1, 3, 5, 20, 22, 31, 33]*ms)
    post = SpikeGeneratorGroup(2, [0, 1, 0, 1, 0], [2, 10, 25, 30, 34]*ms)
    S = Synapses(pre, post,
                 '''w : 1
                    dapre/dt = -apre/taupre : 1 (event-driven)
                    dapost/dt = -apost/taupost : 1 (event-driven)''',
                 on_pre='''apre += Apre
                           w = clip(w + apost, 0, wmax)''',
                 on_post='''apost += Apost
                            w = clip(w + apre, 0, wmax)''')
    S.connect()
    S.w = 'j*0.004 + i*0.001'
    SMpre = SpikeMonitor(pre)
    run(40*ms)
    """,
    spikes=("SMpre",),
    traces=("S.w[:]", "S.apre[:]", "S.apost[:]", "S.lastupdate[:]"),
    exact=("S.i[:]", "S.j[:]"),
    min_spikes=5,
)

SUMMED = Case(
    "syn_summed_conductance",
    """
    start_scope()
    inp = SpikeGeneratorGroup(4, [0, 1, 2, 3, 0, 2, 1, 3], [1, 2, 2, 4, 8, 9, 15, 15]*ms)
    G = NeuronGroup(3, '''dv/dt = (g_syn*(1*volt) - v)/(10*ms) : volt
                          g_syn : 1''', threshold='v > 0.2*volt', reset='v = 0*volt',
                    method='euler')
    S = Synapses(inp, G, '''ds/dt = -s/(5*ms) : 1 (clock-driven)
                            w : 1
                            g_syn_post = w*s : 1 (summed)''', on_pre='s += 1')
    S.connect()
    S.w = '0.5 + 0.1*i - 0.15*j'
    M = StateMonitor(G, ['v', 'g_syn'], record=True)
    MS = StateMonitor(S, 's', record=[0, 5])
    SM = SpikeMonitor(G)
    run(30*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "M.g_syn", "MS.s", "S.s[:]"),
    min_spikes=3,
)

#: A sum onto a subgroup runs at the group's order (Brian2: a subgroup's order is its
#: group's + 1), so between state updates by name: 'ee' updates s, then sums, then 'neurons'
#: reads the sum of this step (Maass_Natschlaeger_Markram_2002); onto the whole group, the
#: sum runs before every state update and the neurons read the last step's.
SUMMED_SUBGROUP = Case(
    "syn_summed_onto_a_subgroup",
    """
    start_scope()
    inp = SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 2, 6, 6.5]*ms)
    G = NeuronGroup(4, '''dv/dt = (I + J - v)/(5*ms) : 1
                          I : 1
                          J : 1''', threshold='v > 0.3', reset='v = 0', method='euler',
                    name='neurons')
    sub = G[1:3]
    eqs = '''ds/dt = -s/(3*ms) : 1 (clock-driven)
             w : 1
             {0}_post = w*s : 1 (summed)'''
    S = Synapses(inp, sub, eqs.format('I'), on_pre='s += 1', name='ee_synapses')
    S.connect()
    S.w = '0.6 + 0.2*i - 0.1*j'
    T = Synapses(inp, G, eqs.format('J'), on_pre='s += 1', name='zz_synapses')
    T.connect(j='i')
    T.w = 0.5
    M = StateMonitor(G, ['v', 'I', 'J'], record=True)
    SM = SpikeMonitor(G)
    run(15*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "M.I", "M.J", "G.I[:]", "G.J[:]"),
    min_spikes=1,
)

PATHWAYS = Case(
    "syn_pathway_dict_and_on_post",
    """
    start_scope()
    inp = SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 2, 12, 13]*ms)
    G = NeuronGroup(2, '''dv/dt = -v/(10*ms) : 1
                          count : 1''', threshold='v > 0.25', reset='v = 0', method='exact')
    S = Synapses(inp, G, '''w : 1
                             hits : 1''',
                 on_pre={'up': 'v_post += w', 'down': 'v_post -= 0.3*w'},
                 on_post='hits += 1; count_post += 1',
                 delay={'down': 2*ms})
    S.connect()
    S.w = '0.2 + 0.1*(i + j)'
    S.up.delay = [0, 1, 2, 3]*ms
    SM = SpikeMonitor(G)
    M = StateMonitor(G, 'v', record=True)
    run(25*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "S.hits[:]", "G.count[:]", "S.up.delay[:]"),
    min_spikes=2,
)

SUBGROUPS = Case(
    "syn_subgroups",
    """
    start_scope()
    G = NeuronGroup(8, '''dv/dt = (I - v)/(10*ms) : 1
                          I : 1''', threshold='v > 1', reset='v = 0', method='exact')
    G.I = '1.1 + 0.1*i'
    S = Synapses(G[1:4], G[4:8], 'w : 1', on_pre='v_post += w')
    S.connect('j >= i')
    S.w = 'i*0.1 + j*0.01'
    SM = SpikeMonitor(G)
    M = StateMonitor(G, 'v', record=True)
    run(40*ms)
    """,
    spikes=("SM",),
    traces=("M.v",),
    exact=("S.i[:]", "S.j[:]"),
    min_spikes=20,
)

FUNCTIONS_IN_CODE = Case(
    "syn_timed_arrays_and_subexpressions_in_strings",
    """
    start_scope()
    ta = TimedArray([0.1, 0.5, 0.2, 0.4], dt=5*ms)
    ta2 = TimedArray([[0.1, 0.2, 0.3, 0.4], [0.3, 0.1, 0.2, 0.5]], dt=10*ms)
    E = 2.0
    G = NeuronGroup(4, '''dv/dt = (I - v)/(10*ms) : 1
                          I = 1.2 + g*(E - v) : 1
                          dg/dt = -g/(5*ms) : 1''', threshold='v > 1', reset='v = ta(t)',
                    method='euler')
    G.v = [0, 0.2, 0.4, 0.6]
    S = Synapses(G, G, '''w : 1
                          x = w*I_pre : 1''',
                 on_pre='g_post += x*ta2(t, j)', on_post='w += 0.1*ta(t)')
    S.connect(i=[0, 1, 2, 3], j=[1, 2, 3, 0])
    S.w = 0.3
    S.w = '0.2 + 0.1*x + ta2(t + 12*ms, i)'
    SM = SpikeMonitor(G)
    M = StateMonitor(G, ['v', 'g'], record=True)
    run(40*ms)
    """,
    spikes=("SM",),
    traces=("M.v", "M.g", "S.w[:]", "S.x[:]"),
    min_spikes=10,
)

CASES = (TWO_NEURONS, CONNECTIVITY, DELAYS, STDP, SUMMED, SUMMED_SUBGROUP, PATHWAYS,
         SUBGROUPS, FUNCTIONS_IN_CODE)

#: Random: rand() in on_pre (each event passes with probability p); compare counts.
RANDOM_ON_PRE = Case(
    "syn_rand_in_on_pre",
    """
    start_scope()
    p = 0.3
    inp = SpikeGeneratorGroup(1, [0]*400, arange(400)*0.5*ms)
    G = NeuronGroup(50, 'n : 1')
    S = Synapses(inp, G, on_pre='n_post += 1.0*(rand() < p)')
    S.connect()
    run(201*ms)
    total = int(sum(G.n[:]))
    """,
    exact=("total",),
    min_spikes=0,
)

#: Random: a probabilistic connection; the synapse count must be within 4 sigma.
RANDOM_CONNECT = Case(
    "syn_probabilistic_count",
    """
    start_scope()
    G = NeuronGroup(400, 'v : 1')
    S = Synapses(G, G)
    S.connect(p=0.05)
    n_syn = len(S)
    """,
    exact=("n_syn",),
    min_spikes=0,
)
