"""Parity scripts for the features Brian2's own examples need, written after those models.

Each is our own short script in the spirit of one of Brian2's examples (named in its
docstring), not a copy: the same feature, a smaller network, a run of tens of ms, so that
Brian2's numpy target (the reference) stays quick. Deterministic ones must give the same
spikes; ``RANDOM_CASES`` (PoissonInput) only the same rates.
"""

from __future__ import annotations

from harness import Case
from spatial_cases import SPATIAL_CASES

# reliability / Brette_Guigon_2003: neurons read a shared input through a linked variable
# (named: within a slot, groups update in the order of their names, in Brian2 as here, and
# the automatic names' counters differ between the two after the other cases)
LINKED_INPUT = Case(
    "example_linked_input",
    """
    start_scope()
    tau = 10*ms; tau_in = 3*ms
    source = NeuronGroup(1, 'dx/dt = (1.6 - x + sin(2*pi*25*Hz*t))/tau_in : 1',
                         method='euler', name='source')
    G = NeuronGroup(8, '''dv/dt = (I*(1 + 0.1*i) - v)/tau : 1
                          I : 1 (linked)''', threshold='v > 1', reset='v = 0',
                    method='exact', name='cells')
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
    traces=("M.drive", "G.v", "G.phase[:]"),  # shape (), as in Brian2
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

# advanced/custom_events: a custom event with code run on it, an EventMonitor recording a
# variable at the event, and a synaptic pathway triggered by it
CUSTOM_EVENTS = Case(
    "example_custom_events",
    """
    start_scope()
    inp = SpikeGeneratorGroup(1, [0]*30, (arange(30)*4.3 + 1)*ms)
    G = NeuronGroup(1, '''dv/dt = (g - v)/(50*ms) : 1
                          dg/dt = -g/(10*ms) : 1
                          allow_gspike : boolean''', threshold='v > 1',
                    reset='v = 0; g = 0; allow_gspike = True',
                    events={'gspike': 'g > 1 and allow_gspike',
                            'end_gspike': 'g < 1 and not allow_gspike'}, method='exact')
    G.run_on_event('gspike', 'allow_gspike = False')
    G.run_on_event('end_gspike', 'allow_gspike = True')
    H = NeuronGroup(1, '''dx/dt = -x/(10*ms) : 1
                          dy/dt = -y/(10*ms) : 1''', method='exact')
    Sin = Synapses(inp, G, on_pre='g += 0.5')
    Sin.connect()
    S = Synapses(G, H, on_pre={'pre': 'x += 1', 'gpath': 'y += 1'},
                 on_event={'pre': 'spike', 'gpath': 'gspike'})
    S.connect()
    gspikes = EventMonitor(G, 'gspike', 'g')
    ends = EventMonitor(G, 'end_gspike')
    spikes = SpikeMonitor(G, 'v')
    MH = StateMonitor(H, ('x', 'y'), record=True)
    G.allow_gspike = True
    run(150*ms)
    """,
    spikes=("gspikes", "ends", "spikes"),
    traces=("gspikes.g", "MH.x", "MH.y"),
    exact=("gspikes.count",),
    min_spikes=20,
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

# synapses/nonlinear: NMDA-like synapses with clock-driven traces summed into the target;
# a StateMonitor of the Synapses records 'g', the target's variable at each synapse
SYNAPSE_MONITOR_OF_TARGET = Case(
    "example_synapse_monitor_of_target",
    """
    start_scope()
    rate = 1/(8*ms)
    drivers = NeuronGroup(2, 'dv/dt = (1 + 0.3*i)/(6*ms) : 1', threshold='v > 1',
                          reset='v = 0', method='euler')
    cell = NeuronGroup(1, '''dv/dt = (g - v)/(10*ms) : 1
                             g : 1''', threshold='v > 0.4', reset='v = 0', method='exact')
    S = Synapses(drivers, cell, '''dg_syn/dt = -rate*g_syn + rate*x*(1 - g_syn) : 1 (clock-driven)
                                   g_post = g_syn : 1 (summed)
                                   dx/dt = -rate*x : 1 (clock-driven)
                                   w : 1''', on_pre='x += w', method='euler')
    S.connect()
    S.w = [1.5, 6.]
    drivers.v = [0., 0.4]
    M = StateMonitor(S, ['g', 'g_syn', 'v_pre'], record=[0, 1])
    Mn = StateMonitor(cell, 'g', record=0)
    spikes = SpikeMonitor(cell)
    run(80*ms)
    """,
    spikes=("spikes",),
    traces=("M.g", "M.g_syn", "M.v_pre", "Mn.g"),
    min_spikes=2,
)

# Stimberg_et_al_2018 example 1: short-term plasticity, the synapses of one source neuron
# recorded through record=S[i, :] after the synapses' slot
SYNAPTIC_SUBGROUP_RECORD = Case(
    "example_synaptic_subgroup_record",
    """
    start_scope()
    inp = SpikeGeneratorGroup(3, [0, 1, 0, 2, 0, 1], [2, 3, 9, 11, 15, 22]*ms)
    cells = NeuronGroup(4, '''dv/dt = (ge - v)/(10*ms) : 1
                              dge/dt = -ge/(5*ms) : 1''', threshold='v > 0.3',
                        reset='v = 0', method='exact')
    S = Synapses(inp, cells, '''du_S/dt = (0.2 - u_S)/(30*ms) : 1 (event-driven)
                                dx_S/dt = (1 - x_S)/(40*ms) : 1 (event-driven)
                                w : 1''',
                 on_pre='''u_S += 0.2*(1 - u_S)
                           r_S = u_S*x_S
                           x_S -= r_S
                           ge_post += w*r_S''')
    S.connect(condition='i != j')
    S.x_S = 1
    S.u_S = 0.2
    S.w = '1 + i + 0.5*j'
    M = StateMonitor(S, ['u_S', 'x_S'], record=S[0, :], when='after_synapses')
    spikes = SpikeMonitor(cells)
    run(30*ms)
    """,
    spikes=("spikes",),
    traces=("M.u_S", "M.x_S"),
    min_spikes=2,
)

# Tetzlaff_2015: clock-driven synaptic weights and summed currents reading the neurons'
# rate, a subexpression of the source and target (F_pre, F_post)
SIDE_SUBEXPRESSIONS = Case(
    "example_side_subexpressions",
    """
    start_scope()
    beta = 5; eps = 0.5
    G = NeuronGroup(4, '''F = 1/(1 + exp(beta*(eps - u))) : 1
                          du/dt = (0.25*(i + 1) + I_E - u)/(10*ms) : 1
                          I_E : 1''', threshold='u > 0.9', reset='u = 0', method='euler')
    S = Synapses(G, G, '''dw/dt = F_pre*F_post/(40*ms) - F_post*w**2/(60*ms) : 1 (clock-driven)
                          I_E_post = w*F_pre : 1 (summed)''', method='euler')
    S.connect(condition='i != j')
    S.w = 'i*0.1 + j*0.05'
    M = StateMonitor(S, ['w', 'F_post'], record=[0, 5, 11])
    spikes = SpikeMonitor(G)
    run(60*ms)
    """,
    spikes=("spikes",),
    traces=("M.w", "M.F_post", "G.u"),
    min_spikes=3,
)

# synapses/homeostatic_stdp_at_inhibitory_synapes: a synaptic variable linked to a
# subexpression of a one-element group (a global factor), read in pathway code and recorded
LINKED_SUBEXPRESSION = Case(
    "example_linked_subexpression",
    """
    start_scope()
    gamma = 5*Hz; tau_H = 20*ms
    drive = SpikeGeneratorGroup(4, [0, 1, 2, 3, 0, 1, 2, 3, 0], [1, 2, 3, 4, 11, 12, 13, 14, 20]*ms)
    factor = NeuronGroup(1, '''G = H - gamma : Hz
                               dH/dt = -H/tau_H : Hz''', method='exact')
    aggregate = Synapses(drive, factor, on_pre='H_post += 1/(tau_H*4)')
    aggregate.connect()
    pre = SpikeGeneratorGroup(2, [0, 1, 0, 1], [5, 7, 15, 18]*ms)
    post = SpikeGeneratorGroup(2, [1, 0, 1, 0], [6, 9, 16, 21]*ms)
    S = Synapses(pre, post, '''G : Hz (linked)
                               wij : siemens
                               dzi/dt = -zi/(10*ms) : 1 (event-driven)
                               dzj/dt = -zj/(10*ms) : 1 (event-driven)''',
                 on_pre='''zi += 1
                           wij += 1*nS*second*G*zj''',
                 on_post='''zj += 1
                            wij += 1*nS*second*G*(zi + 1)''')
    S.connect()
    S.G = linked_var(factor, 'G')
    M = StateMonitor(S, ['G', 'wij'], record=True, dt=1*ms)
    spikes = SpikeMonitor(pre)
    run(25*ms)
    w = S.wij[:]
    G_now = S.G[:]
    """,
    spikes=("spikes",),
    traces=("M.G", "M.wij", "w", "G_now"),
    min_spikes=4,
)

# Izhikevich_2007: a reward Synapses whose target is another Synapses (its post is a
# synapse): reward spikes raise the target synapse's 'd', which gates the eligibility
# trace 'c' into the weight 's'; Stimberg_et_al_2018 (examples 2-6): astrocytes and
# synapses exchanging summed values (a group's value summed into the synapses, the
# synapses' into a group) and connect() conditions over a synapse's variables
SYNAPSES_ON_SYNAPSES = Case(
    "example_synapses_on_synapses",
    """
    start_scope()
    inp = SpikeGeneratorGroup(2, [0, 1, 0, 1, 0, 1], [2, 4, 10, 11, 20, 23]*ms)
    G = NeuronGroup(3, '''dv/dt = (ge - v)/(5*ms) : 1
                          dge/dt = -ge/(3*ms) : 1''', threshold='v > 0.3', reset='v = 0',
                    method='euler')
    drive = Synapses(inp, G, on_pre='v_post += 0.8')
    drive.connect(i=[0, 1], j=[0, 1])
    S = Synapses(G, G, '''dc/dt = -c/(20*ms) : 1 (clock-driven)
                          dd/dt = -d/(8*ms) : 1 (clock-driven)
                          ds/dt = c*d*(1 + G_A)/(2*ms) : 1 (clock-driven)
                          dApre/dt = -Apre/(10*ms) : 1 (event-driven)
                          G_A : 1
                          astro_index : integer (constant)''',
                 on_pre='''ge_post += s
                           Apre += 0.1
                           c = clip(c - 0.05, -1, 1)''',
                 on_post='c = clip(c + Apre, -1, 1)', method='euler')
    S.connect(i=[0, 1, 0], j=[1, 2, 2])
    S.s = [0.5, 0.4, 0.2]
    S.astro_index = 'j % 2'
    reward = SpikeGeneratorGroup(2, [0, 1, 0], [5, 12, 21]*ms)
    R = Synapses(reward, S, 'k : 1', on_pre='d_post += k')
    R.connect(j='i + 1')
    R.k = [0.6, 1.5]
    astro = NeuronGroup(2, '''dA/dt = (Y_S - A)/(5*ms) : 1
                              Y_S : 1''', method='euler')
    to_syn = Synapses(astro, S, 'G_A_post = A_pre : 1 (summed)')
    to_syn.connect('i == astro_index_post')
    from_syn = Synapses(S, astro, 'Y_S_post = 3*d_pre/N_incoming : 1 (summed)')
    from_syn.connect('astro_index_pre == j and i_pre != j')
    M = StateMonitor(S, ['c', 'd', 's', 'G_A'], record=True)
    MA = StateMonitor(astro, ['A', 'Y_S'], record=True)
    spikes = SpikeMonitor(G)
    run(30*ms)
    """,
    spikes=("spikes",),
    traces=("M.c", "M.d", "M.s", "M.G_A", "MA.A", "MA.Y_S", "S.d[:]"),
    exact=("R.i[:]", "R.j[:]", "len(R)", "to_syn.j[:]", "from_syn.i[:]", "from_syn.j[:]"),
    min_spikes=4,
)

# Brunel_2000: excitatory and inhibitory parts of one group as sources (subgroups) onto the
# whole group, one delay per pathway, 'v += J' onto neurons whose v is '(unless refractory)'
# (a refractory target does not take the input, as in Brian2); connectivity by a rule of
# our own instead of p= (random streams differ), a steady drive instead of PoissonInput
SPARSE_EXCITATION_INHIBITION = Case(
    "example_sparse_excitation_inhibition",
    """
    start_scope()
    N_E = 40; N_I = 10
    tau = 20*ms; theta = 20*mV; V_r = 10*mV; J = 0.8*mV; g = 3
    neurons = NeuronGroup(N_E + N_I, '''dv/dt = (mu - v)/tau : volt (unless refractory)
                                        mu : volt''',
                          threshold='v > theta', reset='v = V_r', refractory=2*ms,
                          method='exact')
    neurons.mu = '20.5*mV + 3*mV*((i*7) % 11)/10.0'
    neurons.v = '(i % 5)*3*mV'
    exc = Synapses(neurons[:N_E], neurons, on_pre='v += J', delay=1.5*ms)
    exc.connect(condition='(i*13 + j*7) % 10 == 0')
    inh = Synapses(neurons[N_E:], neurons, on_pre='v += -g*J', delay=0.7*ms)
    inh.connect(condition='(i*5 + j*3) % 4 == 0')
    S = SpikeMonitor(neurons)
    R = PopulationRateMonitor(neurons[:N_E])
    run(150*ms)
    """,
    spikes=("S",),
    traces=("neurons.v", "R.rate"),
    min_spikes=100,
)

# Brunel_Wang_2001: NMDA synapses whose clock-driven rise and decay are summed into the
# target ('s_NMDA_tot_post = w*s_NMDA : 1 (summed)'), a Mg block of v in the current,
# weights of a selective population set through S.indices[...], AMPA and GABA pathways
# onto decaying gates; a steady drive instead of PoissonInput
NMDA_SUMMED_SELECTIVE = Case(
    "example_nmda_summed_selective",
    """
    start_scope()
    V_L = -70*mV; V_thr = -50*mV; V_reset = -55*mV; V_E = 0*mV; V_I = -70*mV
    C_m = 0.5*nF; g_m = 25*nS; g_AMPA = 0.5*nS; g_NMDA = 0.15*nS; g_GABA = 1.0*nS
    tau_AMPA = 2*ms; tau_NMDA_rise = 2*ms; tau_NMDA_decay = 100*ms; tau_GABA = 10*ms
    alpha = 0.5/ms; Mg2 = 1.
    eqs = '''
    dv/dt = (-g_m*(v - V_L) - I_syn + I_ext)/C_m : volt (unless refractory)
    I_syn = I_AMPA + I_NMDA + I_GABA : amp
    I_AMPA = g_AMPA*(v - V_E)*s_AMPA : amp
    I_NMDA = g_NMDA*(v - V_E)/(1 + Mg2*exp(-0.062*v/mV)/3.57)*s_NMDA_tot : amp
    I_GABA = g_GABA*(v - V_I)*s_GABA : amp
    ds_AMPA/dt = -s_AMPA/tau_AMPA : 1
    ds_GABA/dt = -s_GABA/tau_GABA : 1
    s_NMDA_tot : 1
    I_ext : amp
    '''
    E = NeuronGroup(20, eqs, threshold='v > V_thr', reset='v = V_reset', refractory=2*ms,
                    method='euler')
    I = NeuronGroup(5, eqs, threshold='v > V_thr', reset='v = V_reset', refractory=1*ms,
                    method='euler')
    E.v = V_L; I.v = V_L
    E.I_ext = '0.49*nA + 0.02*nA*(i % 7)'
    I.I_ext = 0.52*nA
    glut = '''s_NMDA_tot_post = w*s_NMDA : 1 (summed)
              ds_NMDA/dt = -s_NMDA/tau_NMDA_decay + alpha*x*(1 - s_NMDA) : 1 (clock-driven)
              dx/dt = -x/tau_NMDA_rise : 1 (clock-driven)
              w : 1'''
    EE = Synapses(E, E, glut, on_pre='s_AMPA += w; x += 1', method='euler')
    EE.connect('i != j')
    EE.w[:] = 1
    EE.w[EE.indices[:, 10:15]] = 0.8
    EE.w[EE.indices[10:15, 10:15]] = 2.1
    EI = Synapses(E, I, glut, on_pre='s_AMPA += w; x += 1', method='euler')
    EI.connect()
    EI.w[:] = 1
    IE = Synapses(I, E, on_pre='s_GABA += 1')
    IE.connect()
    SE = SpikeMonitor(E); SI = SpikeMonitor(I)
    M = StateMonitor(E, ('v', 's_NMDA_tot'), record=[0, 12])
    run(80*ms)
    """,
    spikes=("SE", "SI"),
    traces=("M.v", "M.s_NMDA_tot", "EE.s_NMDA[:]", "I.s_NMDA_tot"),
    min_spikes=20,
)

# Izhikevich_2003: one Synapses with two pathways (delays 0 and 1 ms at dt = 1 ms: the
# second queue's index wraps every step), code run regularly on two subgroups (i counted
# from each subgroup's start), and a network_operation at the end of every step, whose
# resumed call meets a SpikeMonitor buffer with no room left for another step
TWO_PATHWAYS = Case(
    "example_two_pathways",
    """
    start_scope()
    defaultclock.dt = 1*ms
    N = NeuronGroup(12, '''dv/dt = (0.04*v**2 + 5*v + 140 - u + I + I_noise)/ms : 1
                           du/dt = (a*(b*v - u))/ms : 1
                           I : 1
                           I_noise : 1
                           a : 1
                           b : 1
                           c : 1
                           d : 1''', threshold='v >= 30', reset='v = c; u += d',
                    method='euler')
    N.v = -65
    exc = N[:9]
    inh = N[9:]
    exc.a = 0.02
    exc.b = 0.2
    exc.c = '-65 + 15*(i/9.0)**2'
    exc.d = '8 - 6*(i/9.0)**2'
    inh.a = '0.02 + 0.08*i/3.0'
    inh.b = '0.25 - 0.05*i/3.0'
    inh.c = -65
    inh.d = 2
    N.u = 'b*v'
    S = Synapses(N, N, 'w : 1', on_pre={'up': 'I += w', 'down': 'I -= w'},
                 delay={'up': 0*ms, 'down': 1*ms})
    S.connect()
    S.w = 'int(i < 9)*0.5*(1 + (i*7 + j*3) % 5) - int(i >= 9)*(1 + (i + j) % 3)'
    exc.run_regularly('I_noise = 12 + 6*((i*5 + int(t/ms + 0.5)) % 7)/7.0', dt=1*ms)
    inh.run_regularly('I_noise = 8 + (i*3 + int(t/ms + 0.5)) % 5', dt=1*ms)
    calls = []
    count = network_operation(when='end')(lambda: calls.append(1))
    SM = SpikeMonitor(N)
    M = StateMonitor(N, ('v', 'I'), record=[0, 10], when='after_thresholds')
    run(150*ms)
    n_calls = len(calls)
    """,
    spikes=("SM",),
    traces=("M.v", "M.I", "N.u[:]", "M.t"),
    exact=("n_calls",),
    dt=1e-3,
    min_spikes=100,
)

CASES = (TWO_PATHWAYS, SPARSE_EXCITATION_INHIBITION, NMDA_SUMMED_SELECTIVE, SYNAPSES_ON_SYNAPSES,
         LINKED_SUBEXPRESSION, SIDE_SUBEXPRESSIONS, SYNAPSE_MONITOR_OF_TARGET,
         SYNAPTIC_SUBGROUP_RECORD, CUSTOM_EVENTS,
         SYNAPTIC_TEMPORARIES, LINKED_INPUT, RUN_REGULARLY, STOP, MONITOR_BETWEEN_RUNS,
         STRING_INDEXING) + SPATIAL_CASES

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
