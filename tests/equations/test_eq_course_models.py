"""Every model of /work/shared/models-reference.md parses and passes the unit checks."""

import pytest

from labkit import (
    Hz,
    amp,
    cm,
    mS,
    ms,
    msiemens,
    mV,
    nS,
    ohm,
    second,
    siemens,
    uF,
    ufarad,
    um,
    umetre,
    volt,
)
from labkit.equations import (
    Equations,
    check_condition,
    check_dimensions,
    check_statement,
    parse_expression,
    parse_statements,
    resolver,
)


def check_model(eqs, namespace, threshold=None, reset=None, on_pre=None, pre=None):
    """Parse-level checks a NeuronGroup / Synapses would do at build time."""
    r = resolver(eqs, namespace)
    check_dimensions(eqs, r)
    if threshold:
        check_condition(parse_expression(threshold), r, where="threshold")
    for code in (reset, on_pre):
        if code:
            for stmt in parse_statements(code):
                check_statement(stmt, resolver(eqs, {**namespace, **(pre or {})}))
    missing = [name for name in eqs.identifiers if name not in r.dims]
    assert missing == []
    return r


# -- 1.5 multi-scale neuron ------------------------------------------------------------------

MULTI_SCALE = """
dV/dt  = (-V + a_fm*tanh(V - d_fm) - a_sp*tanh(Vs - d_sp)
              + a_sm*tanh(Vs - d_sm) - a_up*tanh(Vu - d_up) + I_app) / tau_m : 1
dVs/dt = (V - Vs) / tau_s : 1
dVu/dt = (V - Vu) / tau_u : 1
"""
MULTI_SCALE_VALUES = dict(
    tau_m=1 * ms, tau_s=50 * ms, tau_u=2500 * ms, a_fm=2, d_fm=0, a_sp=2.5, d_sp=0,
    a_sm=1.5, d_sm=-1.5, a_up=1.5, d_up=-1.5, I_app=-1,
)


def test_multi_scale_neuron():
    eqs = Equations(MULTI_SCALE)
    assert eqs.diff_eq_names == ("V", "Vs", "Vu")
    check_model(eqs, MULTI_SCALE_VALUES, threshold="V > 0")
    check_condition(parse_expression("V > -0.5"), resolver(eqs), where="refractory")


# -- 2.1 / 2.2 neuromodulating synapses ---------------------------------------------------------

MODULATED = MULTI_SCALE.replace("a_sp*tanh", "(a_sp + alpha_mod)*tanh") + """
alpha_mod = sign/(1 + exp(-(beta*s - theta))) : 1
ds/dt = -s/tau_syn : hertz
"""

DEPRESSING = MULTI_SCALE.replace("a_sp*tanh", "(a_sp + g*alpha_mod)*tanh") + """
alpha_mod = sign/(1 + exp(-(beta_fac*s_fac - theta_fac))) : 1
g = g0/(1 + exp(beta_dep*s_dep + theta_dep)) : 1
ds_fac/dt = -s_fac/tau_fac : hertz
ds_dep/dt = -s_dep/tau_dep : hertz
"""


def test_additive_modulatory_synapse():
    eqs = Equations(MODULATED)
    values = dict(MULTI_SCALE_VALUES, sign=-1, tau_syn=200 * ms, beta=0.5 * second, theta=5)
    check_model(eqs, values, threshold="V > 0", on_pre="s += 1/tau_syn")
    assert "alpha_mod" in eqs.subexpr_names


def test_depressing_modulatory_synapse():
    eqs = Equations(DEPRESSING)
    values = dict(
        MULTI_SCALE_VALUES, sign=-1, tau_fac=200 * ms, beta_fac=0.5 * second, theta_fac=5,
        tau_dep=5000 * ms, g0=1, theta_dep=-5, beta_dep=0.4 * second,
    )
    check_model(eqs, values, on_pre="s_fac += 1/tau_fac\ns_dep += 1/tau_dep")
    substituted = dict(eqs.get_substituted_expressions())
    assert {s.name for s in substituted["V"].free_symbols} >= {"s_fac", "s_dep", "g0"}


# -- 3.1 Traub-Miles HH (COBAHH), 3.2 HH 1952 --------------------------------------------------

COBAHH = """
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
         g_na*(m*m*m)*h*(v-ENa)-
         g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = 0.32*(mV**-1)*4*mV/exprel((13.*mV-v+VT)/(4*mV))/ms*(1-m)-0.28*(mV**-1)*5*mV/exprel((v-VT-40.*mV)/(5*mV))/ms*m : 1
dn/dt = 0.032*(mV**-1)*5*mV/exprel((15.*mV-v+VT)/(5*mV))/ms*(1.-n)-.5*exp((10.*mV-v+VT)/(40.*mV))/ms*n : 1
dh/dt = 0.128*exp((17.*mV-v+VT)/(18.*mV))/ms*(1.-h)-4./(1+exp((40.*mV-v+VT)/(5.*mV)))/ms*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
"""  # noqa: E501  (as written in Brian2's examples/COBAHH.py)

TRAUB_QUOTIENTS = """
dv/dt = (gl*(El - v) - g_na*m**3*h*(v - ENa) - g_kd*n**4*(v - EK) + I)/Cm : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
u = v - VT : volt
alpha_m = 0.32/mV*(13*mV - u)/(exp((13*mV - u)/(4*mV)) - 1)/ms : Hz
beta_m = 0.28/mV*(u - 40*mV)/(exp((u - 40*mV)/(5*mV)) - 1)/ms : Hz
alpha_h = 0.128*exp((17*mV - u)/(18*mV))/ms : Hz
beta_h = 4/(1 + exp((40*mV - u)/(5*mV)))/ms : Hz
alpha_n = 0.032/mV*(15*mV - u)/(exp((15*mV - u)/(5*mV)) - 1)/ms : Hz
beta_n = 0.5*exp((10*mV - u)/(40*mV))/ms : Hz
I : amp
"""

AREA = 20000 * umetre**2
TRAUB_VALUES = dict(
    Cm=1 * ufarad * cm**-2 * AREA, gl=5e-5 * siemens * cm**-2 * AREA, El=-60 * mV,
    EK=-90 * mV, ENa=50 * mV, g_na=100 * msiemens * cm**-2 * AREA,
    g_kd=30 * msiemens * cm**-2 * AREA, VT=-63 * mV,
)
COBAHH_VALUES = dict(TRAUB_VALUES, taue=5 * ms, taui=10 * ms, Ee=0 * mV, Ei=-80 * mV,
                     we=6 * nS, wi=67 * nS)


def test_cobahh_as_in_brian2():
    eqs = Equations(COBAHH)
    assert eqs.diff_eq_names == ("v", "m", "n", "h", "ge", "gi")
    check_model(eqs, COBAHH_VALUES, threshold="v > -20*mV", on_pre="ge += we",
                pre=COBAHH_VALUES)
    check_model(eqs, COBAHH_VALUES, on_pre="gi += wi")


def test_traub_miles_with_explicit_rate_quotients():
    eqs = Equations(TRAUB_QUOTIENTS)
    check_model(eqs, TRAUB_VALUES, threshold="v > -40*mV")
    assert [eq.name for eq in eqs.ordered][4] == "u"  # used by the rates: first


HH_1952 = """
dV/dt = (I - gNa*m**3*h*(V - ENa) - gK*n**4*(V - EK) - gL*(V - EL))/C : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
alpha_m = 0.1/mV*(V + 40*mV)/(1 - exp(-(V + 40*mV)/(10*mV)))/ms : Hz
beta_m = 4*exp(-(V + 65*mV)/(18*mV))/ms : Hz
alpha_h = 0.07*exp(-(V + 65*mV)/(20*mV))/ms : Hz
beta_h = 1/(1 + exp(-(V + 35*mV)/(10*mV)))/ms : Hz
alpha_n = 0.01/mV*(V + 55*mV)/(1 - exp(-(V + 55*mV)/(10*mV)))/ms : Hz
beta_n = 0.125*exp(-(V + 65*mV)/(80*mV))/ms : Hz
I : amp/meter**2
"""
HH_VALUES = dict(C=1 * uF / cm**2, gNa=120 * mS / cm**2, gK=36 * mS / cm**2,
                 gL=0.3 * mS / cm**2, ENa=50 * mV, EK=-77 * mV, EL=-54.387 * mV)


def test_hodgkin_huxley_1952():
    eqs = Equations(HH_1952)
    check_model(eqs, HH_VALUES, threshold="V > 0*mV")
    assert eqs["I"].dim == (amp / umetre**2).dim


def test_hh_1952_written_with_exprel():
    text = HH_1952.replace(
        "alpha_m = 0.1/mV*(V + 40*mV)/(1 - exp(-(V + 40*mV)/(10*mV)))/ms : Hz",
        "alpha_m = 1/exprel(-(V + 40*mV)/(10*mV))/ms : Hz",
    )
    check_model(Equations(text), HH_VALUES)


# -- 4.1 eye movements -----------------------------------------------------------------------

EYE = """
dx/dt = velocity : 1
dvelocity/dt = alpha*(x0 - x) - beta*velocity : 1/second
dx0/dt = -x0/tau_muscle : 1
dx_object/dt = (noise - x_object)/tau_object : 1
dnoise/dt = -noise/tau_object + tau_object**(-0.5)*xi : 1
"""
MOTONEURON = "dv/dt = -v/taum : 1 (unless refractory)"
RETINA = """
I = gain*exp(-((x_object - x_eye - x_neuron)/width)**2) : 1
x_neuron : 1 (constant)
x_object : 1 (linked)
x_eye : 1 (linked)
dv/dt = (I - (1 + gs)*v)/taum : 1
gs : 1
"""


def test_eye_movement_model():
    eye = Equations(EYE)
    check_model(eye, dict(alpha=(1 / (50 * ms)) ** 2, beta=1 / (50 * ms), tau_muscle=20 * ms,
                          tau_object=500 * ms))
    motor = Equations(MOTONEURON)
    check_model(motor, dict(taum=20 * ms), threshold="v > 1", reset="v = 0")
    retina = Equations(RETINA)
    check_model(retina, dict(gain=4, width=0.1, taum=20 * ms), threshold="v > 1", reset="v = 0")
    # motor synapses act on the eye: x0_post += w
    motor_syn = Equations("w : 1")
    r = resolver(motor_syn, {"x0_post": 0.0})
    check_statement(parse_statements("x0_post += w")[0],
                    resolver(motor_syn + "x0_post : 1", {}))
    assert r("x0_post").is_dimensionless


def test_eye_noise_with_wrong_scaling_is_caught():
    wrong = Equations(EYE.replace("tau_object**(-0.5)*xi", "xi/tau_object"))
    with pytest.raises(Exception, match="different units"):
        check_dimensions(wrong, resolver(wrong, dict(alpha=400 * Hz**2, beta=20 * Hz,
                                                     tau_muscle=20 * ms, tau_object=0.5 * second)))


# -- 5.2 ball-and-stick with point currents ---------------------------------------------------

BALL_AND_STICK = """
Im = gL*(EL - v) : amp/meter**2
Is = gs*(Es - v) : amp (point current)
dgs/dt = -gs/taus : siemens
IN = gN*(0*mV - v)/(1 + exp(-0.062*v/mV)*Mg/3.57) : amp (point current)
dgN/dt = -gN/tauN : siemens
I : amp (point current)
"""


def test_ball_and_stick():
    eqs = Equations(BALL_AND_STICK)
    assert {eq.name for eq in eqs.values() if "point current" in eq.flags} == {"Is", "IN", "I"}
    values = dict(gL=1e-4 * siemens / cm**2, EL=-70 * mV, Es=0 * mV, taus=2 * ms,
                  tauN=50 * ms, Mg=1, v=-70 * mV, Ri=150 * ohm * cm, diameter=2 * um)
    check_model(eqs, values, threshold="v > 0*mV")
    check_condition(parse_expression("v > -10*mV"), resolver(eqs, values), where="refractory")


# -- 6.x benchmark networks, and the LIF script ------------------------------------------------

CUBA = """
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
COBA = """
dv/dt = (-(v - El) + ge*(Ee - v) + gi*(Ei - v))/taum : volt (unless refractory)
dge/dt = -ge/taue : 1
dgi/dt = -gi/taui : 1
"""


def test_cuba():
    values = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
                  El=-49 * mV, we=60 * 0.27 / 10 * mV, wi=-20 * 4.5 / 10 * mV)
    eqs = Equations(CUBA)
    check_model(eqs, values, threshold="v > Vt", reset="v = Vr", on_pre="ge += we")


def test_coba():
    values = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, El=-60 * mV, Ee=0 * mV,
                  Ei=-80 * mV, Vt=-50 * mV, Vr=-60 * mV)
    eqs = Equations(COBA)
    check_model(eqs, values, threshold="v > Vt", reset="v = Vr", on_pre="ge += 0.6\ngi += 6.7")


def test_lif_script():
    eqs = Equations("dv/dt = (-v + I)/tau : 1 (unless refractory)")
    check_model(eqs, dict(I=2, tau=10 * ms), threshold="v > 1", reset="v = 0")
    assert eqs["v"].flags == frozenset({"unless refractory"})


@pytest.mark.parametrize("text", [MULTI_SCALE, MODULATED, DEPRESSING, COBAHH, TRAUB_QUOTIENTS,
                                  HH_1952, EYE, RETINA, BALL_AND_STICK, CUBA, COBA])
def test_every_course_model_round_trips_through_str(text):
    eqs = Equations(text)
    assert Equations(str(eqs)) == eqs
    assert volt is not None
