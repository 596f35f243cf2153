"""COBAHH (Brette et al. 2007 benchmark 3), labkit next to Brian2: whole process, run(), loop.

    python benchmarks/cobahh.py              # everything (Brian2's cold Cython compile too)
    python benchmarks/cobahh.py --quick      # skip Brian2's cold-cache run, 1 repeat
    python benchmarks/cobahh.py --duration 0.2 --no-standalone

The network is models-reference 6.2, as Brian2's ``examples/COBAHH.py`` writes it: 4000
Traub-Miles Hodgkin-Huxley neurons (exponential Euler, dt = 0.1 ms), the first 3200
excitatory (``ge += we``, 6 nS), the last 800 inhibitory (``gi += wi``, 67 nS), every pair
connected with p = 0.02 (~320 000 synapses, no delays), random initial v, ge, gi; 1 s.
We report this "coupled" variant (the example as is), not the pseudo-coupled GPU variants.
Connectivity and initial values are random, so spikes agree in their rate only
(~35 Hz, ~140 000-150 000 spikes in 1 s with Brian2 2.9.0).

The rows and the measuring machinery are ``cuba.py``'s (see there): whole process with
warm and cold caches vs Brian2 runtime (Cython), ``run()`` times, and labkit's loop vs
Brian2 ``cpp_standalone``'s.
"""

from __future__ import annotations

import cuba

#: The neurons and their initial state, as Brian2's examples/COBAHH.py.
MODEL = """
area = 20000*umetre**2
Cm = (1*ufarad*cm**-2) * area
gl = (5e-5*siemens*cm**-2) * area
El = -60*mV
EK = -90*mV
ENa = 50*mV
g_na = (100*msiemens*cm**-2) * area
g_kd = (30*msiemens*cm**-2) * area
VT = -63*mV
taue = 5*ms
taui = 10*ms
Ee = 0*mV
Ei = -80*mV
we = 6*nS
wi = 67*nS
eqs = '''
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
         g_na*(m*m*m)*h*(v-ENa)-
         g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
'''
P = NeuronGroup(N, model=eqs, threshold='v>-20*mV', refractory=3*ms,
                method='exponential_euler')
P.v = 'El + (randn() * 5 - 5)*mV'
P.ge = '(randn() * 1.5 + 4) * 10.*nS'
P.gi = '(randn() * 12 + 20) * 10.*nS'
"""

#: The recurrent connections: excitatory from the first 80 %, inhibitory from the rest.
SYNAPSES = """
n_exc = int(0.8*N)
Pe = P[:n_exc]
Pi = P[n_exc:]
Ce = Synapses(Pe, P, on_pre='ge+=we')
Ci = Synapses(Pi, P, on_pre='gi+=wi')
Ce.connect(p=0.02)
Ci.connect(p=0.02)
"""


def main(argv=None) -> None:
    cuba.main(argv, title="COBAHH", cells="HH", model=MODEL, synapses=SYNAPSES,
              always_coupled=True, doc=__doc__)


if __name__ == "__main__":
    main()
