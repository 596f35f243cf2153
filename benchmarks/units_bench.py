"""Cost of unit checking: Quantity arithmetic vs the same numpy operation on plain arrays.

Run: ``python benchmarks/units_bench.py``. Prints, for 1e6-element arrays, the time of each
operation with Quantities and with plain float64 arrays and their ratio (target <= 1.5x),
then the per-operation time of scalar Quantity arithmetic in microseconds.
"""

from __future__ import annotations

import timeit

import numpy as np

from labkit.units import exp, ms, mV, nA

N = 1_000_000


def best_of(statement, namespace, repeat=7, number=20):
    """Smallest mean time of one execution, in seconds."""
    times = timeit.repeat(statement, globals=namespace, repeat=repeat, number=number)
    return min(times) / number


def paired(first, second, namespace, repeat=25, number=10):
    """Best times of two statements measured alternately (fair on a busy machine)."""
    timers = [timeit.Timer(s, globals=namespace) for s in (first, second)]
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for k, timer in enumerate(timers):
            best[k] = min(best[k], timer.timeit(number) / number)
    return best


def array_table():
    rng = np.random.default_rng(0)
    a_raw, b_raw = rng.normal(size=N), rng.normal(size=N)
    namespace = {
        "a": a_raw * mV, "b": b_raw * mV, "i": b_raw * nA, "t": np.abs(a_raw) * ms,
        "tau": 10 * ms, "ar": a_raw * 1e-3, "br": b_raw * 1e-3, "ir": b_raw * 1e-9,
        "tr": np.abs(a_raw) * 1e-3, "taur": 10e-3, "exp": exp, "np": np,
    }
    cases = [
        ("add", "a + b", "ar + br"),
        ("subtract", "a - b", "ar - br"),
        ("multiply", "a * i", "ar * ir"),
        ("divide", "a / i", "ar / ir"),
        ("scale by number", "a * 2.5", "ar * 2.5"),
        ("compare", "a > b", "ar > br"),
        ("compare with 0", "a > 0", "ar > 0"),
        ("exp(-t/tau)", "exp(-t / tau)", "exp(-tr / taur)"),
        ("sum", "a.sum()", "ar.sum()"),
        ("mean", "a.mean()", "ar.mean()"),
        ("in-place add", "a.__iadd__(b)", "ar.__iadd__(br)"),
    ]
    print("1e6-element arrays (best of 25, alternated; ms per operation); target ratio <= 1.5")
    print(f"{'operation':18s} {'Quantity':>10s} {'numpy':>10s} {'ratio':>7s}")
    worst = 0.0
    for label, with_units, plain in cases:
        t_units, t_plain = paired(with_units, plain, namespace)
        ratio = t_units / t_plain
        worst = max(worst, ratio)
        print(f"{label:18s} {t_units * 1e3:10.3f} {t_plain * 1e3:10.3f} {ratio:7.2f}")
    print(f"worst ratio: {worst:.2f}")


def scalar_table():
    namespace = {"a": 3 * mV, "b": 2 * mV, "i": 1 * nA, "mV": mV, "np": np}
    cases = [
        ("3*mV", "3 * mV"), ("a + b", "a + b"), ("a - b", "a - b"), ("a * i", "a * i"),
        ("a / b (-> float)", "a / b"), ("a > b", "a > b"), ("a > 0", "a > 0"),
        ("a ** 2", "a ** 2"), ("-a", "-a"), ("np.sqrt(a*a)", "np.sqrt(a * a)"),
        ("float(a/mV)", "float(a / mV)"), ("str(a)", "str(a)"),
    ]
    print()
    print("scalar Quantity operations (best of 7, microseconds per operation)")
    for label, statement in cases:
        t = best_of(statement, namespace, number=20_000)
        print(f"{label:18s} {t * 1e6:8.2f} us")


if __name__ == "__main__":
    array_table()
    scalar_table()
