"""Parity scripts for the features Brian2's own examples need, written after those models.

Each is our own short script in the spirit of one of Brian2's examples (named in its
docstring), not a copy: the same feature, a smaller network, a run of tens of ms, so that
Brian2's numpy target (the reference) stays quick. Deterministic ones must give the same
spikes; ``RANDOM_CASES`` (PoissonInput) only the same rates.
"""

from __future__ import annotations

from harness import Case

# reliability / Brette_Guigon_2003: neurons read a shared input through a linked variable
LINKED_INPUT = Case(
    "example_linked_input",
    """
    start_scope()
    tau = 10*ms; tau_in = 3*ms
    source = NeuronGroup(1, 'dx/dt = (1.6 - x + sin(2*pi*25*Hz*t))/tau_in : 1',
                         method='euler')
    G = NeuronGroup(8, '''dv/dt = (I*(1 + 0.1*i) - v)/tau : 1
                          I : 1 (linked)''', threshold='v > 1', reset='v = 0',
                    method='exact')
    G.I = linked_var(source, 'x')
    S = SpikeMonitor(G)
    M = StateMonitor(G, 'I', record=[0, 5])
    run(60*ms)
    """,
    spikes=("S",),
    traces=("M.I", "G.v"),
    min_spikes=10,
)

# compare_GSL_to_conventional / Kremer_et_al_2011: a parameter changed by code run
# regularly inside the simulation, on a subgroup and with a (shared) variable
RUN_REGULARLY = Case(
    "example_run_regularly",
    """
    start_scope()
    tau = 5*ms
    G = NeuronGroup(6, '''dv/dt = (drive - v)/tau : 1
                          drive : 1
                          phase : 1 (shared)''', threshold='v > 0.9', reset='v = 0',
                    method='exact')
    G.run_regularly('''phase = phase + 1
                       drive = 0.5 + 0.2*(i + phase % 3)''', dt=4*ms)
    G[3:].run_regularly('v = v*0.5', dt=7*ms, when='end')
    S = SpikeMonitor(G)
    M = StateMonitor(G, 'drive', record=True)
    run(50*ms)
    """,
    spikes=("S",),
    traces=("M.drive", "G.v", "ravel(G.phase)"),  # labkit: shape (1,), Brian2: ()
    min_spikes=10,
)

# network_operation_stop: a network operation ends the run early with stop()
STOP = Case(
    "example_stop",
    """
    start_scope()
    G = NeuronGroup(3, 'dv/dt = (1.5 - v)/(8*ms) : 1', threshold='v > 1', reset='v = 0',
                    method='exact')
    G.v = 'i*0.3'
    S = SpikeMonitor(G)

    @network_operation(dt=1*ms)
    def enough():
        if S.num_spikes >= 7:
            stop()

    run(100*ms)
    t_end = float(defaultclock.t/ms)
    """,
    spikes=("S",),
    exact=("t_end",),
    min_spikes=7,
)

# Brette_2004 / Rothman_Manis_2003: a monitor created between two run() calls of the
# magic network (Brian2 runs the group on, from where it stopped)
MONITOR_BETWEEN_RUNS = Case(
    "example_monitor_between_runs",
    """
    start_scope()
    G = NeuronGroup(4, 'dv/dt = (1.2 + 0.1*i - v)/(10*ms) : 1', threshold='v > 1',
                    reset='v = 0', method='exact')
    run(20*ms)
    S = SpikeMonitor(G)
    M = StateMonitor(G, 'v', record=[1])
    run(40*ms)
    """,
    spikes=("S",),
    traces=("M.v", "M.t"),
    min_spikes=5,
)

# synapses/state_variables, Brunel_Wang_2001: values and selections by strings with units
STRING_INDEXING = Case(
    "example_string_indexing",
    """
    start_scope()
    G = NeuronGroup(10, '''dv/dt = (v0 - v)/(5*ms) : volt
                           v0 : volt''', threshold='v > 10*mV', reset='v = 0*mV',
                    method='exact')
    G.v0['i > 4'] = 12*mV
    G.v0[:3] = '11*mV + i*0.5*mV'
    S = Synapses(G, G, 'w : volt', on_pre='v += w')
    S.connect(condition='i != j')
    S.w['i > j'] = '0.2*mV*exp(-(i - j)**2/8.0)'
    S.w[S.indices[:, 7]] = 1*mV
    spikes = SpikeMonitor(G)
    run(40*ms)
    w = S.w[:]
    """,
    spikes=("spikes",),
    traces=("w", "G.v0"),
    min_spikes=5,
)

# Clopath_et_al_2010: temporaries in pathway code (names assigned and read within it)
SYNAPTIC_TEMPORARIES = Case(
    "example_synaptic_temporaries",
    """
    start_scope()
    inp = SpikeGeneratorGroup(3, [0, 1, 2, 0, 1], [1, 2, 3, 6, 8]*ms)
    G = NeuronGroup(2, '''dv/dt = -v/(10*ms) : volt
                          u : volt''', threshold='v > 3*mV', reset='v = 0*mV',
                    method='exact')
    G.u = '(i + 1)*2*mV'
    S = Synapses(inp, G, 'w : 1', on_pre='''a = w*(u_post/mV)
                                            b = a*mV + 0.5*mV
                                            v_post += b
                                            w = clip(w + a*0.01, 0, 1)''')
    S.connect()
    S.w = 'j*0.1 + i*0.05 + 0.1'
    M = StateMonitor(G, 'v', record=True)
    spikes = SpikeMonitor(G)
    run(12*ms)
    w = S.w[:]
    """,
    spikes=("spikes",),
    traces=("M.v", "w"),
    min_spikes=1,
)

CASES = (SYNAPTIC_TEMPORARIES, LINKED_INPUT, RUN_REGULARLY, STOP, MONITOR_BETWEEN_RUNS,
         STRING_INDEXING)

# Brunel_2000 / Wang_2002: PoissonInput in its exact (binomial) and approximate (normal)
# regimes; random streams differ, so the spike counts must agree statistically
POISSON_INPUT = Case(
    "example_poisson_input",
    """
    start_scope()
    G = NeuronGroup(50, 'dv/dt = -v/(10*ms) : volt', threshold='v > 8*mV',
                    reset='v = 0*mV', method='exact')
    rare = PoissonInput(G[:25], 'v', N=20, rate=30*Hz, weight=1.5*mV)
    dense = PoissonInput(G[25:], 'v', N=800, rate=8*Hz, weight=0.15*mV)
    S = SpikeMonitor(G)
    run(200*ms)
    """,
    spikes=("S",),
    min_spikes=100,
)

RANDOM_CASES = (POISSON_INPUT,)
