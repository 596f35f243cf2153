"""Runtime helpers that printed code calls by name -> the functions themselves.

``exp`` and ``exprel`` are labkit's own, written out of arithmetic only, because the
library ones stop a compiler from vectorising a loop: ``math.exp`` and ``expm1`` are
opaque calls to libm, one element at a time, and a Hodgkin-Huxley update makes ten of
them per neuron and step. Ours are branch-free, so Numba (LLVM) and g++ turn a whole
neuron loop into SIMD code, and the runtime and C++ devices compute the same bits.

The algorithm is the classic one of fdlibm's ``e_exp.c`` (Sun, 1993), written anew here:
``x = k ln2 + r`` with ``|r| <= ln2/2`` (``ln2`` split in two parts, so ``r`` is exact),
then ``exp(r) = 1 + r + r c/(2 - c)`` with ``c = r - r^2 P(r^2)``, a degree-5 Remez
polynomial. ``em = exp(r) - 1`` is kept apart, so ``expm1(x) = 2^k em + (2^k - 1)``
loses no digits near 0 and ``exprel(x) = expm1(x)/x`` comes from the same parts.
``2^k`` is built from its bit pattern (two factors, so subnormal results come out
right). Accuracy, checked against mpmath in tests/codegen/test_codegen_support.py:
``exp`` within 1 ulp (libm: under 1 ulp), ``exprel`` within 2 ulp.

Each language gets its own copy of the same operations, in the same order:

- ``support_numba._lk_exp``/``_exprel``: Numba, inlined into kernels; kept in their own
  module so that the numpy device never imports Numba (Pyodide);
- ``exp_scalar``/``exprel_scalar``: plain Python, for the numpy device's per-step terms
  (``exp(-dt/tau)``), so these equal the runtime device's to the last bit;
- ``CPP_SUPPORT``: the C++ source of ``_lk_exp``, ``_exprel``, ``_sign`` (numpy's sign,
  NaN stays NaN) and ``_mod`` (Python's floored ``%``, which C's ``fmod`` is not).

Over whole arrays the numpy device uses numpy's own ``exp`` and ``expm1``
(``_exprel_vec``): written out in numpy, ours cost ~25 passes instead of one, which made
a one-neuron Hodgkin-Huxley run on the numpy device five times slower. Per-element
values there may differ from the runtime device's in the last bit.

All agree: ``exprel(0) = 1``, ``exprel(x) = inf`` for ``x > 717`` (``expm1`` overflows
before; Brian2 uses the same cut), ``exprel(-inf) = 0``, NaN stays NaN; ``exp`` is 0
below -745.2, inf above 709.8.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["CPP_SUPPORT", "EXP_CONSTANTS", "exp_scalar", "exprel_scalar", "_exprel_vec",
           "rank_of_equal", "rounds"]

#: Above this, expm1(x) overflows; exprel(x) is +inf there (as Brian2 has it).
EXPREL_OVERFLOW = 717.0

#: The constants of the algorithm (see the module docstring), shared by all three copies.
EXP_CONSTANTS = {
    "P1": 1.66666666666666019037e-01,
    "P2": -2.77777777770155933842e-03,
    "P3": 6.61375632143793436117e-05,
    "P4": -1.65339022054652515390e-06,
    "P5": 4.13813679705723846039e-08,
    "LN2HI": 6.93147180369123816490e-01,  # ln2's first 32 bits: k*LN2HI is exact
    "LN2LO": 1.90821492927058770002e-10,
    "INVLN2": 1.44269504088896338700e+00,
    "XMAX": 709.8,  # exp overflows above 709.78; clamping keeps 2^k's bits valid
    "XMIN": -745.2,  # and underflows to 0 below -745.13
    "MAGIC": 6755399441055744.0,  # 1.5*2^52: kf + MAGIC holds the integer kf in its low bits
}
_C = EXP_CONSTANTS
_MAGIC_BITS = int(np.float64(_C["MAGIC"]).view(np.int64))


def _exp_parts(x: float) -> tuple[float, int]:
    """x (not NaN) -> (em, k) with exp(x) = (1 + em)*2^k: the operations of the Numba copy."""
    x = _C["XMAX"] if x > _C["XMAX"] else x
    x = _C["XMIN"] if x < _C["XMIN"] else x
    kf = float(math.floor(x * _C["INVLN2"] + 0.5))
    hi = x - kf * _C["LN2HI"]
    lo = kf * _C["LN2LO"]
    r = hi - lo
    t = r * r
    c = r - t * (_C["P1"] + t * (_C["P2"] + t * (_C["P3"] + t * (_C["P4"] + t * _C["P5"]))))
    return hi - (lo - (r * c) / (2.0 - c)), int(kf)


def _scale(y: float, k: int) -> float:
    """y*2^k rounded once, as ``y*2^k1*2^k2`` is in Numba and C++ (``y*2^k1`` is exact)."""
    try:
        return math.ldexp(y, k)
    except OverflowError:
        return math.copysign(math.inf, y)


def exp_scalar(x) -> np.float64:
    """exp(x) with the bits of the Numba and C++ ``_lk_exp``, as numpy's float64: kernels
    run as Python compute on with it, and numpy's x/0.0 is inf where Python's raises.

    >>> [float(exp_scalar(x)) for x in (0.0, 2.0, -math.inf, 1000.0)]
    [1.0, 7.38905609893065, 0.0, inf]
    """
    return np.float64(_exp_float(x))


def exprel_scalar(x) -> np.float64:
    """(exp(x) - 1)/x with exprel(0) = 1, the bits of the Numba ``_exprel``; numpy's float64
    (see ``exp_scalar``).

    >>> [round(float(exprel_scalar(x)), 12) for x in (0.0, 1e-300, 1.0)]
    [1.0, 1.0, 1.718281828459]
    """
    return np.float64(_exprel_float(x))


def _exp_float(x) -> float:
    x = float(x)
    if x != x:
        return x
    if x < _C["XMIN"]:  # as the Numba and C++ copies: +0.0, what the clamped x gives
        return 0.0
    em, k = _exp_parts(x)
    return _scale(1.0 + em, k)


def _exprel_float(x) -> float:
    x = float(x)
    if x != x:
        return x
    if x > EXPREL_OVERFLOW:
        return math.inf
    if x == 0.0:
        return 1.0
    em, k = _exp_parts(x)
    s = _scale(1.0, k)
    return (em * s + (s - 1.0)) / x


def _exprel_vec(x):
    """Array (or scalar) x -> exprel of each element, with numpy's expm1 (see the module).

    >>> _exprel_vec(np.array([0.0, 1e-12, -np.inf])).tolist()
    [1.0, 1.0000000000005, 0.0]
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.expm1(x) / x
    out = np.where(x == 0.0, 1.0, out)
    out = np.where(x > EXPREL_OVERFLOW, np.inf, out)
    return out[()]  # a 0-d result becomes a numpy scalar


def rank_of_equal(key: np.ndarray) -> np.ndarray:
    """numpy device: ``out[k]`` = how many earlier entries of ``key`` equal ``key[k]``.

    >>> rank_of_equal(np.array([3, 1, 3, 3, 1])).tolist()
    [0, 0, 1, 2, 1]
    """
    n = key.shape[0]
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.ones(n, dtype=np.bool_)
    starts[1:] = ordered[1:] != ordered[:-1]
    positions = np.arange(n)
    out = np.empty(n, dtype=np.int64)
    out[order] = positions - np.maximum.accumulate(np.where(starts, positions, 0))
    return out


def rounds(*keys: np.ndarray) -> np.ndarray:
    """numpy device: the round of each event so that no round has two events with an equal
    entry in any of ``keys``, and events sharing an entry keep their order across rounds.

    >>> rounds(np.array([0, 1, 0]), np.array([5, 5, 6])).tolist()
    [0, 1, 1]
    """
    if len(keys) == 1:
        return rank_of_equal(keys[0])
    out = np.zeros(keys[0].shape[0], dtype=np.int64)
    last = [{} for _ in keys]
    for k in range(out.shape[0]):
        values = [int(key[k]) for key in keys]
        r = max(seen.get(v, -1) for seen, v in zip(last, values, strict=True)) + 1
        out[k] = r
        for seen, v in zip(last, values, strict=True):
            seen[v] = r
    return out


def _cpp_constants() -> str:
    """The algorithm's constants as exact C++ literals (hexadecimal floats)."""
    lines = [f"static constexpr double _lk_{name} = {float.hex(value)};"
             for name, value in EXP_CONSTANTS.items()]
    lines.append(f"static constexpr double _lk_EXPREL_OVERFLOW = {float.hex(EXPREL_OVERFLOW)};")
    lines.append(f"static constexpr int64_t _lk_MAGIC_BITS = {_MAGIC_BITS};")
    return "\n".join(lines) + "\n\n"


#: C++ source of the helpers the C++ printer calls; needs <cmath>, <cstdint>, <cstring>.
CPP_SUPPORT = _cpp_constants() + """\
static inline double _lk_f64(const int64_t bits)
{
    double value;
    std::memcpy(&value, &bits, sizeof value);  // a bit cast; compiles to nothing
    return value;
}

static inline double _lk_pow2(const double kf)
{
    double shifted = kf + _lk_MAGIC;
    int64_t bits;
    std::memcpy(&bits, &shifted, sizeof bits);
    return _lk_f64((bits - _lk_MAGIC_BITS + 1023) << 52);
}

// exp(x) = (1 + em)*f1*f2 with f1*f2 = 2^k (see labkit/codegen/support.py)
static inline double _lk_exp_parts(double x, double* f1, double* f2)
{
    x = x > _lk_XMAX ? _lk_XMAX : x;
    x = x < _lk_XMIN ? _lk_XMIN : x;
    double kf = std::floor(x * _lk_INVLN2 + 0.5);
    kf = kf == kf ? kf : 0.0;
    const double hi = x - kf * _lk_LN2HI;
    const double lo = kf * _lk_LN2LO;
    const double r = hi - lo;
    const double t = r * r;
    const double c = r - t * (_lk_P1 + t * (_lk_P2 + t * (_lk_P3 + t * (_lk_P4 + t * _lk_P5))));
    const double k1 = std::floor(kf * 0.5);
    *f1 = _lk_pow2(k1);
    *f2 = _lk_pow2(kf - k1);
    return hi - (lo - (r * c) / (2.0 - c));
}

static inline double _lk_exp(const double x)
{
    // below XMIN: +0.0 without the underflowing product (a slow microcode assist on x86)
    const bool under = x < _lk_XMIN;
    double f1, f2;
    const double em = _lk_exp_parts(under ? 0.0 : x, &f1, &f2);
    const double out = (1.0 + em) * f1 * f2;
    return under ? 0.0 : out;
}

static inline double _exprel(const double x)
{
    double f1, f2;
    const double em = _lk_exp_parts(x, &f1, &f2);
    const double s = f1 * f2;
    const double out = (em * s + (s - 1.0)) / x;
    return x > _lk_EXPREL_OVERFLOW ? INFINITY : (x == 0.0 ? 1.0 : out);
}

static inline double _sign(const double x)
{
    // 1, -1, or x itself for 0, -0 and NaN (as numpy.sign)
    return x > 0.0 ? 1.0 : (x < 0.0 ? -1.0 : x);
}

static inline double _mod(const double a, const double b)
{
    // Python's a % b: the result has the sign of b (C's fmod has the sign of a)
    const double r = std::fmod(a, b);
    return (r != 0.0 && ((r < 0.0) != (b < 0.0))) ? r + b : r;
}
"""
