"""labkit cpp_standalone next to Brian2 cpp_standalone: compile, simulation loop, whole process.

    python benchmarks/cpp_standalone.py                  # CUBA and COBAHH neurons, 1 s each
    python benchmarks/cpp_standalone.py --models cuba    # one model
    python benchmarks/cpp_standalone.py --coupled        # CUBA with Synapses (needs them)
    python benchmarks/cpp_standalone.py --repeats 3      # medians over fresh processes

Models (models-reference 6.1 and 6.2): CUBA, 4000 LIF neurons, exact integration, dt 0.1 ms;
COBAHH's 4000 Traub-Miles HH neurons with decaying conductances, exponential Euler,
dt 0.1 ms. Until labkit has Synapses both run **uncoupled** (``--coupled`` adds CUBA's
two Synapses objects: one block, ``SYNAPSES``; COBAHH's follow the same pattern).

Each measurement is a fresh process with empty caches and a new project directory, so
both simulators generate and compile from scratch:

- compile: labkit's ``make`` (``device.timings['compile']``) vs Brian2's ``make``
  (``device.timers['compile']['make']``);
- simulation loop: the time each binary reports for its loop over time steps (labkit
  sums its program's calls: the runner resumes it when a spike buffer grows);
- whole process: interpreter start to exit (import, build, generate, compile, run, load).

Targets (issue 6): loop <= 1.0x Brian2's, compile <= 0.7x.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import (
    Caches,
    fmt_ratio,
    fmt_seconds,
    machine_summary,
    median,
    print_table,
    repeat,
    run_snippet,
    versions_summary,
)

CUBA = """
taum = 20*ms; taue = 5*ms; taui = 10*ms
Vt = -50*mV; Vr = -60*mV; El = -49*mV
eqs = '''
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
'''
P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='exact')
P.v = Vr + (Vt - Vr)*np.arange(N)/N
P.ge = 0*mV
P.gi = 0*mV
"""

#: CUBA's recurrent connections (--coupled), as benchmarks/cuba.py has them.
SYNAPSES = """
we = (60*0.27/10)*mV
wi = (-20*4.5/10)*mV
Ce = Synapses(P, P, on_pre='ge += we')
Ci = Synapses(P, P, on_pre='gi += wi')
Ce.connect('i<int(0.8*N)', p=0.02)
Ci.connect('i>=int(0.8*N)', p=0.02)
"""

COBAHH = """
area = 20000*umetre**2
Cm = (1*ufarad*cm**-2) * area
gl = (5e-5*siemens*cm**-2) * area
El = -60*mV; EK = -90*mV; ENa = 50*mV
g_na = (100*msiemens*cm**-2) * area
g_kd = (30*msiemens*cm**-2) * area
VT = -63*mV
taue = 5*ms; taui = 10*ms; Ee = 0*mV; Ei = -80*mV
eqs = Equations('''
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-g_na*(m*m*m)*h*(v-ENa)-g_kd*(n*n*n*n)*(v-EK))/Cm : volt
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
''')
P = NeuronGroup(N, model=eqs, threshold='v>-20*mV', refractory=3*ms,
                method='exponential_euler')
P.v = 'El + (randn() * 5 - 5)*mV'
P.ge = '(randn() * 1.5 + 4) * 10.*nS'
P.gi = '(randn() * 12 + 20) * 10.*nS'
"""

MODELS = {"cuba": CUBA, "cobahh": COBAHH}

SNIPPET = """
import numpy as np
{import_line}
set_device('cpp_standalone', directory=_os.environ['BENCH_DIR'])
start_scope()
defaultclock.dt = 0.1*ms
N = {n}
seed(11)
{model}
{synapses}
s_mon = SpikeMonitor(P)
_t = _time.perf_counter()
run({duration}*second)
_run_s = _time.perf_counter() - _t
{after}
report(run_s=_run_s, spikes=int(s_mon.num_spikes), **_extra)
"""

LABKIT = {
    "import_line": "from labkit import *",
    "after": """
_d = get_device()
_extra = dict(compile_s=_d.timings['compile'], loop_s=_d.timings['loop'],
              binary_s=_d.timings['run'])
""",
}

BRIAN2 = {
    "import_line": "from brian2 import *",
    "after": """
_extra = dict(compile_s=float(device.timers['compile']['make']),
              loop_s=float(device._last_run_time), binary_s=float(device.timers['run_binary']))
""",
}


def measure(backend: dict, model: str, args, tmp: Path) -> list:
    def once():
        caches = Caches.fresh(tmp)
        code = SNIPPET.format(import_line=backend["import_line"], n=args.n,
                              model=MODELS[model], duration=args.duration,
                              synapses=SYNAPSES if args.coupled and model == "cuba" else "",
                              after=backend["after"])
        env = caches.env() | {"BENCH_DIR": str(caches.root / "project")}
        return run_snippet(code, env=env)

    return repeat(once, args.repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--duration", type=float, default=1.0, help="seconds simulated")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--coupled", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-cpp-"))
    print(machine_summary())
    print(versions_summary())
    rows = []
    for model in args.models:
        print(f"{model}: labkit ...", flush=True)
        lab = measure(LABKIT, model, args, tmp)
        print(f"{model}: Brian2 ...", flush=True)
        b2 = measure(BRIAN2, model, args, tmp)
        for label, key in (("compile (make)", "compile_s"), ("simulation loop", "loop_s"),
                           ("binary incl. start/IO", "binary_s"), ("run() call", "run_s"),
                           ("whole process", None)):
            mine, theirs = median(lab, key), median(b2, key)
            rows.append([f"{model}: {label}", fmt_seconds(mine), fmt_seconds(theirs),
                         fmt_ratio(mine, theirs)])
        rows.append([f"{model}: spikes", str(lab[0]["spikes"]), str(b2[0]["spikes"]), ""])
    print()
    print_table(["measure", "labkit cpp", "Brian2 cpp", "ratio"], rows)
    print("\nTargets: simulation loop <= 1.0x, compile <= 0.7x (issue 6).")


if __name__ == "__main__":
    main()
