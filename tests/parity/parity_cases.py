"""The deterministic parity scripts: each is what a Brian2 user would write, minus the import.

Durations are short (tens to a few hundred ms at dt = 0.1 ms, small N) because Brian2's
numpy target, the reference, costs a Python round trip per object per step.
"""

from __future__ import annotations

from harness import Case

COURSE_LIF = Case(
    "course_lif",
    """
    start_scope()
    defaultclock.dt = 0.1*ms
    tau = 10*ms; V_t = 0.8; V_r = 0; tau_ref = 5*ms
    eqs = '''
    dv/dt = (-v + I)/tau : 1 (unless refractory)
    I : 1
    '''
    G = NeuronGroup(1, eqs, threshold='v > V_t', reset='v = V_r', refractory=tau_ref,
                    method='exact')
    G.v = V_r; G.I = 1
    Vmon = StateMonitor(G, 'v', record=True); Smon = SpikeMonitor(G)
    run(70*ms)
    """,
    spikes=("Smon",),
    traces=("Vmon.t", "Vmon.v", "G.v"),
    exact=("Smon.count",),
    min_spikes=3,
)

COURSE_LIF_N10 = Case(
    "course_lif_n10_current_by_index",
    """
    start_scope()
    defaultclock.dt = 0.1*ms
    tau = 10*ms; V_t = 0.8; V_r = 0; tau_ref = 5*ms
    eqs = '''
    dv/dt = (-v + I)/tau : 1 (unless refractory)
    I : 1
    '''
    G = NeuronGroup(10, eqs, threshold='v > V_t', reset='v = V_r', refractory=tau_ref,
                    method='exact')
    G.v = V_r
    G.I = 'i*0.3'
    Vmon = StateMonitor(G, 'v', record=[0, 3, 9]); Smon = SpikeMonitor(G)
    run(70*ms)
    trains = Smon.spike_trains()
    """,
    spikes=("Smon",),
    traces=("Vmon.t", "Vmon.v", "Vmon.v_", "Vmon[3].v", "trains[3]", "trains[9]", "G.v_"),
    exact=("Smon.count", "Smon.num_spikes", "G.i", "G.N"),
    min_spikes=30,
)

COURSE_LIF_TAU_ARRAY = Case(
    "course_lif_tau_and_refractory_per_neuron",
    """
    start_scope()
    defaultclock.dt = 0.1*ms
    V_t = 0.8; V_r = 0
    eqs = '''
    dv/dt = (-v + I)/tau : 1 (unless refractory)
    I : 1
    tau : second
    ref : second
    '''
    G = NeuronGroup(6, eqs, threshold='v > V_t', reset='v = V_r', refractory='ref',
                    method='exact')
    G.v = V_r
    G.I = 1.3
    G.tau = [5, 8, 10, 15, 20, 30]*ms
    G.ref = [1, 2, 3, 4, 5, 6]*ms
    Vmon = StateMonitor(G, 'v', record=True); Smon = SpikeMonitor(G)
    run(100*ms)
    """,
    spikes=("Smon",),
    traces=("Vmon.t", "Vmon.v", "G.v", "G.tau"),
    exact=("Smon.count",),
    min_spikes=30,
)

_LIF_UNITS = """
    start_scope()
    defaultclock.dt = 0.1*ms
    El = -70*mV; R = 50*Mohm; tau = 10*ms
    eqs = '''
    dv/dt = (El - v + R*I)/tau : volt (unless refractory)
    I : amp
    '''
    G = NeuronGroup(5, eqs, threshold='v > -50*mV', reset='v = -65*mV', refractory=REFRACTORY,
                    method='METHOD')
    G.v = El
    G.I = '(0.35 + 0.12*i)*nA'
    M = StateMonitor(G, 'v', record=True); S = SpikeMonitor(G)
    run(100*ms)
    """

LIF_UNITS_EULER = Case(
    "lif_units_euler_refractory_string_time",
    _LIF_UNITS.replace("REFRACTORY", "'5*ms'").replace("METHOD", "euler"),
    spikes=("S",),
    traces=("M.t", "M.v", "G.v"),
    min_spikes=20,
)

LIF_UNITS_RK4 = Case(
    "lif_units_rk4_refractory_quantity",
    _LIF_UNITS.replace("REFRACTORY", "4*ms").replace("METHOD", "rk4"),
    spikes=("S",),
    traces=("M.t", "M.v", "G.v"),
    min_spikes=20,
)

_TRAUB_MILES = """
    start_scope()
    defaultclock.dt = 0.1*ms
    area = 20000*umetre**2
    Cm = (1*ufarad*cm**-2) * area
    gl = (5e-5*siemens*cm**-2) * area
    El = -60*mV
    EK = -90*mV
    ENa = 50*mV
    g_na = (100*msiemens*cm**-2) * area
    g_kd = (30*msiemens*cm**-2) * area
    VT = -63*mV
    eqs = Equations('''
    dv/dt = (gl*(El-v) - g_na*(m*m*m)*h*(v-ENa) - g_kd*(n*n*n*n)*(v-EK) + I)/Cm : volt
    dm/dt = ALPHA_M*(1-m) - BETA_M*m : 1
    dn/dt = ALPHA_N*(1.-n) - .5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
    dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
    I : amp
    ''')
    G = NeuronGroup(4, eqs, threshold='v > -20*mV', refractory=3*ms,
                    method='exponential_euler')
    G.v = El
    M = StateMonitor(G, ['v', 'm', 'h', 'n'], record=True)
    S = SpikeMonitor(G)
    run(20*ms)
    G.I = [0, 0.1, 0.3, 0.8]*nA
    run(130*ms)
    """

_EXPREL = {
    "ALPHA_M": "0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms",
    "BETA_M": "0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms",
    "ALPHA_N": "0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms",
}
_QUOTIENT = {
    "ALPHA_M": "0.32*(mV**-1)*(13.*mV-v+VT)/(exp((13.*mV-v+VT)/(4.*mV))-1.)/ms",
    "BETA_M": "0.28*(mV**-1)*(v-VT-40.*mV)/(exp((v-VT-40.*mV)/(5.*mV))-1.)/ms",
    "ALPHA_N": "0.032*(mV**-1)*(15.*mV-v+VT)/(exp((15.*mV-v+VT)/(5.*mV))-1.)/ms",
}


def _fill(template: str, table: dict) -> str:
    for key, value in table.items():
        template = template.replace(key, value)
    return template


TRAUB_MILES_EXPREL = Case(
    "traub_miles_hh_exprel",
    _fill(_TRAUB_MILES, _EXPREL),
    spikes=("S",),
    traces=("M.t", "M.v", "M.m", "M.h", "M.n", "G.v"),
    min_spikes=5,
)

TRAUB_MILES_QUOTIENT = Case(
    "traub_miles_hh_quotient",
    _fill(_TRAUB_MILES, _QUOTIENT),
    spikes=("S",),
    traces=("M.t", "M.v", "M.m", "M.h", "M.n", "G.v"),
    min_spikes=5,
)

HH_1952 = Case(
    "hodgkin_huxley_1952",
    """
    start_scope()
    defaultclock.dt = 0.05*ms
    Cm = 1*uF/cm**2
    gNa = 120*msiemens/cm**2; gK = 36*msiemens/cm**2; gL = 0.3*msiemens/cm**2
    ENa = 50*mV; EK = -77*mV; EL = -54.387*mV
    eqs = '''
    dv/dt = (I - gNa*m**3*h*(v - ENa) - gK*n**4*(v - EK) - gL*(v - EL))/Cm : volt
    dm/dt = alpha_m*(1 - m) - beta_m*m : 1
    dh/dt = alpha_h*(1 - h) - beta_h*h : 1
    dn/dt = alpha_n*(1 - n) - beta_n*n : 1
    alpha_m = 0.1/mV*(v + 40*mV)/(1 - exp(-(v + 40*mV)/(10*mV)))/ms : Hz
    beta_m = 4*exp(-(v + 65*mV)/(18*mV))/ms : Hz
    alpha_h = 0.07*exp(-(v + 65*mV)/(20*mV))/ms : Hz
    beta_h = 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms : Hz
    alpha_n = 0.01/mV*(v + 55*mV)/(1 - exp(-(v + 55*mV)/(10*mV)))/ms : Hz
    beta_n = 0.125*exp(-(v + 65*mV)/(80*mV))/ms : Hz
    I : amp/meter**2
    '''
    G = NeuronGroup(4, eqs, threshold='v > -20*mV', refractory='v > -20*mV',
                    method='exponential_euler')
    G.v = -65*mV; G.m = 0.0529; G.h = 0.5961; G.n = 0.3177
    G.I = '(2 + 6*i)*uA/cm**2'
    M = StateMonitor(G, ['v', 'm', 'h', 'n'], record=True)
    S = SpikeMonitor(G)
    run(100*ms)
    """,
    spikes=("S",),
    traces=("M.t", "M.v", "M.m", "M.h", "M.n", "G.v"),
    dt=0.05e-3,
    min_spikes=10,
)

_MULTI_SCALE = """
    start_scope()
    defaultclock.dt = 0.1*ms
    tau_m = 1*ms; tau_s = 50*ms; tau_u = 2500*ms
    a_fm = 2; d_fm = 0; d_sp = 0; a_sm = 1.5; d_sm = -1.5; a_up = 1.5; d_up = -1.5
    eqs = '''
    dV/dt = (-V + I_fast - I_slow_pos + I_slow_neg - I_ultra + I_app)/tau_m : 1
    dVs/dt = (V - Vs)/tau_s : 1
    dVu/dt = (V - Vu)/tau_u : 1
    I_fast = a_fm*tanh(V - d_fm) : 1
    I_slow_pos = a_sp*tanh(Vs - d_sp) : 1
    I_slow_neg = a_sm*tanh(Vs - d_sm) : 1
    I_ultra = a_up*tanh(Vu - d_up) : 1
    a_sp : 1
    I_app : 1
    '''
    G = NeuronGroup(4, eqs, threshold='V > 0', refractory='V > -0.5', method='METHOD')
    G.V = -1.9; G.Vs = -1.8; G.Vu = -1.8
    G.a_sp = [2.5, 3.0, 4.0, 1.5]
    G.I_app = -1
    M = StateMonitor(G, ['V', 'Vs', 'Vu'], record=True)
    S = SpikeMonitor(G)
    run(300*ms)
    """

MULTI_SCALE_EULER = Case(
    "multi_scale_neuron_euler",
    _MULTI_SCALE.replace("METHOD", "euler"),
    spikes=("S",),
    traces=("M.t", "M.V", "M.Vs", "M.Vu", "G.V"),
    min_spikes=10,
)

MULTI_SCALE_RK4 = Case(
    "multi_scale_neuron_rk4",
    _MULTI_SCALE.replace("METHOD", "rk4"),
    spikes=("S",),
    traces=("M.t", "M.V", "M.Vs", "M.Vu", "G.V"),
    min_spikes=10,
)

CUBA_UNCOUPLED = Case(
    "cuba_neurons_uncoupled",
    """
    import numpy as np
    start_scope()
    defaultclock.dt = 0.1*ms
    taum = 20*ms; taue = 5*ms; taui = 10*ms
    Vt = -50*mV; Vr = -60*mV; El = -49*mV
    eqs = '''
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''
    P = NeuronGroup(50, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms,
                    method='exact')
    P.v = Vr + (Vt - Vr)*np.arange(50)/50.
    P.ge = '(i % 5)*1.62*mV'
    P.gi = '-(i % 3)*3*mV'
    M = StateMonitor(P, ['v', 'ge', 'gi'], record=[0, 7, 25, 49])
    S = SpikeMonitor(P)
    run(100*ms)
    """,
    spikes=("S",),
    traces=("M.t", "M.v", "M.ge", "M.gi", "P.v", "P.ge", "P.gi"),
    exact=("S.count",),
    min_spikes=50,
)

TIMED_ARRAY = Case(
    "timed_array_lif",
    """
    import numpy as np
    start_scope()
    defaultclock.dt = 0.1*ms
    tau = 10*ms
    ta = TimedArray([0, 1.5, 0.6, 2.5, 1.1], dt=20*ms)
    G1 = NeuronGroup(1, 'dv/dt = (-v + ta(t))/tau : 1', threshold='v > 0.8', reset='v = 0',
                     method='euler')
    values = np.array([[0.5, 1.2, 2.0], [1.6, 0.2, 1.0], [3.0, 0.9, 1.4], [0.0, 2.2, 0.7]])
    ta2 = TimedArray(values, dt=25*ms)
    G2 = NeuronGroup(3, 'dv/dt = (-v + ta2(t, i))/tau : 1', threshold='v > 0.8',
                     reset='v = 0', method='euler')
    El = -70*mV; R = 50*Mohm
    I_step = TimedArray([0, 0.6, 0.2, 0.9]*nA, dt=25*ms)
    G3 = NeuronGroup(1, 'dv/dt = (El - v + R*I_step(t))/tau : volt', threshold='v > -50*mV',
                     reset='v = El', method='euler')
    G3.v = El
    M1 = StateMonitor(G1, 'v', record=True); S1 = SpikeMonitor(G1)
    M2 = StateMonitor(G2, 'v', record=True); S2 = SpikeMonitor(G2)
    M3 = StateMonitor(G3, 'v', record=True); S3 = SpikeMonitor(G3)
    run(100*ms)
    """,
    spikes=("S1", "S2", "S3"),
    traces=("M1.t", "M1.v", "M2.v", "M3.v"),
    min_spikes=20,
)

TIMED_ARRAY_EXACT = Case(
    "timed_array_in_exact_integration",
    """
    import numpy as np
    start_scope()
    defaultclock.dt = 0.1*ms
    tau = 10*ms; El = -70*mV; R = 50*Mohm
    I_step = TimedArray([0, 0.6, 0.2, 0.9, 0.45]*nA, dt=20*ms)
    G1 = NeuronGroup(1, 'dv/dt = (El - v + R*I_step(t))/tau : volt', threshold='v > -50*mV',
                     reset='v = El', method='exact')
    G2 = NeuronGroup(1, 'dv/dt = (El - v + R*I_step(t))/tau : volt', threshold='v > -50*mV',
                     reset='v = El', refractory=3*ms)
    values = np.array([[0.5, 1.2, 2.0], [1.6, 0.2, 1.0], [3.0, 0.9, 1.4], [0.0, 2.2, 0.7]])
    ta2 = TimedArray(values, dt=25*ms)
    eqs = '''
    dv/dt = (-v + ta2(t, i))/tau_v : 1
    dw/dt = (v - w)/(2*tau_v) : 1
    '''
    G3 = NeuronGroup(3, eqs, threshold='v > 0.8', reset='v = 0', method='exact')
    tau_v = 7*ms
    G1.v = El; G2.v = El
    M1 = StateMonitor(G1, 'v', record=True); S1 = SpikeMonitor(G1)
    M2 = StateMonitor(G2, 'v', record=True); S2 = SpikeMonitor(G2)
    M3 = StateMonitor(G3, ['v', 'w'], record=True); S3 = SpikeMonitor(G3)
    run(100*ms)
    """,
    spikes=("S1", "S2", "S3"),
    traces=("M1.v", "M2.v", "M3.v", "M3.w"),
    min_spikes=20,
)

NAMESPACE_AND_STORE = Case(
    "namespace_reread_and_store_restore",
    """
    import numpy as np
    start_scope()
    defaultclock.dt = 0.1*ms
    tau = 10*ms; drive = 1.5
    eqs = '''
    dv/dt = (drive*gain - v)/tau : 1
    gain : 1 (constant)
    '''
    G = NeuronGroup(3, eqs, threshold='v > 1', reset='v = 0', method='exact')
    G.gain = [1.0, 1.2, 1.5]
    S = SpikeMonitor(G)
    M = StateMonitor(G, 'v', record=[0, 2])
    run(30*ms)
    v_first = np.array(G.v)
    tau = 5*ms
    run(30*ms)
    v_second = np.array(G.v)
    store()
    drive = 3.0
    run(20*ms)
    v_branch_a = np.array(G.v)
    count_a = np.array(S.count)
    restore()
    drive = 2.0
    run(20*ms)
    t_end = defaultclock.t/ms
    """,
    spikes=("S",),
    traces=("v_first", "v_second", "v_branch_a", "M.t", "M.v", "G.v", "t_end"),
    exact=("count_a", "S.count"),
    min_spikes=10,
)

STORE_RESTORE_IN_FLIGHT = Case(
    "store_restore_with_events_in_flight",
    """
    import numpy as np
    start_scope()
    defaultclock.dt = 0.1*ms
    gen = SpikeGeneratorGroup(5, [0, 1, 2, 3, 4, 0, 2, 4, 1, 3, 2],
                              [1, 3, 5, 7, 9, 12, 15, 21, 26, 33, 9.5]*ms)
    pgen = SpikeGeneratorGroup(2, [0, 1], [2, 4.5]*ms, period=7*ms)
    eqs = '''
    dv/dt = (v0 - v)/tau : volt (unless refractory)
    dx/dt = -x/(20*ms) : 1
    v0 : volt
    tau : second
    '''
    G = NeuronGroup(6, eqs, threshold='v > 10*mV', reset='v = 0*mV; x += 1',
                    refractory='2*ms + 0.5*ms*(i % 2)', method='exact')
    G.tau = [5, 6, 7, 8, 9, 10]*ms
    S = Synapses(gen, G, 'w : volt', on_pre='v += w', delay=8*ms)
    S.connect(condition='(i + j) % 3 != 1')
    S.w = '8*mV + 0.7*mV*i + 0.3*mV*j'
    S2 = Synapses(pgen, G[2:5], 'w2 : volt', on_pre='v_post += w2')
    S2.connect()
    S2.w2 = '4*mV + j*mV'
    S2.delay = '(1 + 2*i + j)*ms'
    S3 = Synapses(G, G, 'dtr/dt = -tr/(5*ms) : 1 (event-driven)', on_pre='tr += 1',
                  on_post='v_pre += 0.5*mV*tr', delay={'pre': 3*ms})
    S3.connect(condition='i != j and abs(i - j) < 3')
    sm = SpikeMonitor(G)
    gm = SpikeMonitor(gen)
    st = StateMonitor(G, ['v', 'x'], record=[0, 3])
    rm = PopulationRateMonitor(G)
    net = Network(gen, pgen, G, S, S2, S3, sm, gm, st, rm)

    def phase():
        return (np.array([np.asarray(sm.i[:]), np.round(np.asarray(sm.t_[:]) / 1e-4)]),
                np.array([len(gm.i), len(st.t), len(rm.t), round(float(net.t/ms) * 10)]),
                np.asarray(G.v_[:]).copy(), np.asarray(S3.tr[:]).copy())

    net.store('initial')
    net.run(10*ms)
    net.store()  # events in flight: gen's spikes of 5-9.5 ms arrive 8 ms later
    net.run(12*ms)
    a_spikes, a_sizes, a_v, a_tr = phase()
    net.restore()
    G.v0 = 6*mV
    S.w = 'w*1.5'
    net.run(15*ms)
    b_spikes, b_sizes, b_v, b_tr = phase()
    net.restore()
    S2.w2 = 'w2*0.5'
    net.run(9.3*ms)
    c_spikes, c_sizes, c_v, c_tr = phase()
    net.restore('initial')
    net.run(40*ms)
    d_spikes, d_sizes, d_v, d_tr = phase()
    net.restore()
    net.run(5*ms)
    """,
    spikes=("sm", "gm"),
    traces=("a_v", "a_tr", "b_v", "b_tr", "c_v", "c_tr", "d_v", "d_tr", "st.v", "st.x",
            "G.v", "S3.tr"),
    exact=("a_spikes", "a_sizes", "b_spikes", "b_sizes", "c_spikes", "c_sizes", "d_spikes",
           "d_sizes", "len(st.t)", "len(rm.t)"),
    min_spikes=10,
)

SPIKE_GENERATOR_AND_RATE = Case(
    "spike_generator_and_population_rate",
    """
    start_scope()
    defaultclock.dt = 0.1*ms
    SG = SpikeGeneratorGroup(5, [0, 2, 4, 1, 0, 3], [1.0, 3.2, 3.2, 7.0, 15.0, 19.9]*ms)
    S_gen = SpikeMonitor(SG)
    SGp = SpikeGeneratorGroup(3, [0, 1, 2], [0.5, 2.0, 4.5]*ms, period=10*ms)
    S_periodic = SpikeMonitor(SGp)
    SG_off_grid = SpikeGeneratorGroup(2, [0, 1, 0, 1], [0.25, 1.04, 2.96, 3.05]*ms)
    S_off_grid = SpikeMonitor(SG_off_grid)
    tau = 10*ms
    eqs = '''
    dv/dt = (I - v)/tau : 1 (unless refractory)
    I : 1
    '''
    G = NeuronGroup(20, eqs, threshold='v > 1', reset='v = 0', refractory=2*ms, method='exact')
    G.I = '1.1 + 0.05*i'
    R = PopulationRateMonitor(G)
    S = SpikeMonitor(G)
    run(40*ms)
    """,
    spikes=("S_gen", "S_periodic", "S_off_grid", "S"),
    traces=("R.t", "R.rate"),
    min_spikes=30,
)

SCHEDULE_AND_CLOCKS = Case(
    "network_operation_clocks_subgroups",
    """
    start_scope()
    defaultclock.dt = 0.1*ms
    tau = 10*ms
    eqs = '''
    dv/dt = (I - v)/tau : 1 (unless refractory)
    I : 1
    '''
    G = NeuronGroup(6, eqs, threshold='v > 1', reset='''
    v = 0
    I = I*0.9
    ''', refractory=2*ms, method='euler')
    G[:3].I = 1.5
    G[3:].I = 2.5
    H = NeuronGroup(2, 'dw/dt = (1.8 - w)/(5*ms) : 1', threshold='w > 1', reset='w = 0',
                    method='exact', dt=0.5*ms)
    H.w = [0, 0.5]
    M = StateMonitor(G, ['v', 'I'], record=[0, 4], dt=1*ms)
    MH = StateMonitor(H, 'w', record=True)
    S = SpikeMonitor(G)
    SH = SpikeMonitor(H)
    S_sub = SpikeMonitor(G[3:])

    @network_operation(dt=10*ms)
    def drive_up():
        G.I = G.I + 0.1

    run(50*ms)
    """,
    spikes=("S", "SH", "S_sub"),
    traces=("M.t", "M.v", "M.I", "MH.t", "MH.w", "G.v", "G.I"),
    exact=("S_sub.count",),
    min_spikes=30,
)

FUNCTIONS_AND_FLAGS = Case(
    "functions_flags_and_refractory_state",
    """
    start_scope()
    defaultclock.dt = 0.1*ms
    tau = 10*ms
    eqs = '''
    dv/dt = (clip(I - v, -0.5, 2) + 0.2*abs(sin(2*pi*t/(20*ms))))/tau : 1 (unless refractory)
    I : 1 (constant)
    '''
    G = NeuronGroup(4, eqs, threshold='v > 1 and t > 5*ms', reset='v = -0.2*int(i % 2 == 0)',
                    refractory=3*ms, method='rk2')
    G.I = [0.9, 1.2, 1.6, 3.0]
    G.v = 'exp(-i)'
    M = StateMonitor(G, 'v', record=True)
    S = SpikeMonitor(G)
    run(47.35*ms)
    last = G.lastspike[:]
    refractory_now = G.not_refractory[:]
    """,
    spikes=("S",),
    traces=("M.t", "M.v", "G.v", "last"),
    exact=("refractory_now",),
    min_spikes=10,
)

ADEX_NETWORK = Case(
    "adex_explicit_network",
    """
    start_scope()
    defaultclock.dt = 0.1*ms
    C = 281*pF; gL = 30*nS; EL = -70.6*mV; VT = -50.4*mV; DeltaT = 2*mV
    Vcut = VT + 5*DeltaT
    tauw = 144*ms; a = 4*nS; b = 0.0805*nA; Vr = -70.6*mV
    eqs = '''
    dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
    dw/dt = (a*(vm - EL) - w)/tauw : amp
    I : amp
    '''
    neuron = NeuronGroup(3, model=eqs, threshold='vm>Vcut', reset="vm=Vr; w+=b",
                         method='euler')
    neuron.vm = EL
    trace = StateMonitor(neuron, ['vm', 'w'], record=True)
    spikes = SpikeMonitor(neuron)
    net = Network(neuron, trace, spikes)
    net.run(20*ms)
    neuron.I = [0.6, 1.0, 2.0]*nA
    net.run(130*ms)
    """,
    spikes=("spikes",),
    traces=("trace.t", "trace.vm", "trace.w", "neuron.vm", "neuron.w"),
    exact=("spikes.count",),
    min_spikes=10,
)

CASES = (
    COURSE_LIF,
    COURSE_LIF_N10,
    COURSE_LIF_TAU_ARRAY,
    LIF_UNITS_EULER,
    LIF_UNITS_RK4,
    TRAUB_MILES_EXPREL,
    TRAUB_MILES_QUOTIENT,
    HH_1952,
    MULTI_SCALE_EULER,
    MULTI_SCALE_RK4,
    CUBA_UNCOUPLED,
    TIMED_ARRAY,
    TIMED_ARRAY_EXACT,
    NAMESPACE_AND_STORE,
    STORE_RESTORE_IN_FLIGHT,
    SPIKE_GENERATOR_AND_RATE,
    SCHEDULE_AND_CLOCKS,
    FUNCTIONS_AND_FLAGS,
    ADEX_NETWORK,
)

#: A noisy LIF group: labkit and Brian2 draw different random numbers, so only statistics
#: can agree. Seeded so the test itself is reproducible.
NOISY_LIF = Case(
    "noisy_lif_rate",
    """
    start_scope()
    defaultclock.dt = 0.1*ms
    seed(2718)
    tau = 10*ms; mu = 0.9; sigma = 0.3
    G = NeuronGroup(200, 'dv/dt = (mu - v)/tau + sigma*xi*tau**-0.5 : 1 (unless refractory)',
                    threshold='v > 1', reset='v = 0', refractory=2*ms, method='euler')
    G.v = 'i/200.'
    S = SpikeMonitor(G)
    run(200*ms)
    """,
    spikes=("S",),
    min_spikes=200,
)

#: Independent Poisson spike trains: only the rate can agree.
POISSON = Case(
    "poisson_group_rate",
    """
    start_scope()
    defaultclock.dt = 0.1*ms
    seed(31415)
    P = PoissonGroup(200, rates=40*Hz)
    S = SpikeMonitor(P)
    run(200*ms)
    """,
    spikes=("S",),
    min_spikes=800,
)
