"""connect() arguments -> the (i, j) index arrays of new synapses, in Brian2's order.

This is the pure, engine-free part of ``Synapses.connect``: sizes, strings, variable
arrays and a random generator in; two int32 arrays out. The cases are Brian2's:

- ``condition`` (a string, ``True`` or ``None`` with no ``i``/``j``): every pair for which
  the condition holds, each kept with probability ``p`` (a number in [0, 1], or a string
  expression evaluated per pair, where ``rand() < p`` decides), ``n`` synapses each;
  ordered by ``i``, then ``j``.
- ``i`` and ``j`` as integers or arrays (broadcast together): one pair per element, in the
  given order, kept with probability ``p``, ``n`` (int or array) synapses each.
- ``j`` as a generator string (``'k for k in range(i-3, i+4) if k != i'``, ``'i'``,
  ``'k for k in sample(N_post, p=0.1)'``): for each ``i`` in order, the generated targets
  in generator order. ``i`` as a generator does the same over targets ``j`` (ordered by
  ``j``). Out-of-range indices are an IndexError unless ``skip_if_invalid=True``.

Strings are parsed through labkit's whitelist (never ``eval``-ed), checked for units once,
and turned into a compiled loop (:mod:`labkit.synapses.connect_kernels`); see
:mod:`labkit.synapses.connect_rule` for how names resolve.

Random numbers: ``rng`` is a ``numpy.random.Generator``. For string rules, each source
``i`` (in order) whose ``i``-only part of the condition holds draws ``rng.random(S*m)``
for its ``m`` candidates (``S`` = 1 for ``p``/``sample`` plus one per ``rand()`` call),
unless the draw is decided per row (a ``p`` that reads neither ``j`` nor ``rand()``,
``sample(..., p=...)``, ``sample(..., size=...)``): then the row draws about as many
uniforms as it keeps candidates (:mod:`labkit.synapses.connect_draws`), so such rules
cost time in proportion to the synapses made. Both devices draw the same numbers, so the
numba and numpy devices give identical arrays for the same seed. The streams are not
Brian2's, so random rules agree with Brian2 in distribution only; deterministic rules
agree exactly.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from labkit.core.namespace import Namespace
from labkit.synapses import connect_run
from labkit.synapses.connect_args import plain_connections
from labkit.synapses.connect_kernels import plain_rule
from labkit.synapses.connect_rule import build_rule

__all__ = ["generate_connections"]


def generate_connections(
    n_source: int,
    n_target: int,
    *,
    condition=None,
    i=None,
    j=None,
    p=1.0,
    n=1,
    skip_if_invalid: bool = False,
    namespace: Mapping | Namespace | None = None,
    source_vars: Mapping | None = None,
    target_vars: Mapping | None = None,
    rng: np.random.Generator,
    device: str = "numba",
    limit: int = 1 << 62,
    remember_as: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """connect() arguments -> (i, j) int32 arrays of the synapses to create.

    Parameters
    ----------
    n_source, n_target : int
        Sizes of the source and target groups.
    condition : str or bool, optional
        Brian2's ``connect(condition)``: ``'i != j'``, ``'abs(i-j) < 3 and v_pre > v_post'``,
        ``True`` (all pairs), ``False`` (none).
    i, j : int, array of int or str, optional
        Index arrays (both given), or a generator string for one of them.
    p : float or str
        Probability per candidate pair: a number in [0, 1] or an expression of ``i``, ``j``
        and variables. Not allowed with generator strings (use ``sample``).
    n : int or str (or array of int with index arrays)
        Synapses per pair.
    skip_if_invalid : bool
        Generator strings only: skip out-of-range indices instead of raising IndexError.
    namespace : mapping or labkit.core.namespace.Namespace, optional
        Names the strings use -> numbers or scalar Quantities, looked up after the
        defaults (units, ``pi``, ``e``, ``inf``), as every string's names are.
    source_vars, target_vars : mapping, optional
        Group variables -> arrays of length ``n_source``/``n_target`` (or scalars for
        shared variables); read in strings as ``x_pre``, ``x_post`` and, for target
        variables, plain ``x``. A Quantity carries its units; a plain array is
        dimensionless.
    rng : numpy.random.Generator
        The only source of randomness (see the module docstring for the draw order).
    device : {'numba', 'numpy', 'auto'}
        A compiled Numba kernel, or vectorised numpy in blocks of rows. Both give the same
        synapses, so ``'auto'`` takes numpy for small rules (less work than loading a
        compiled kernel: :data:`SMALL_WORK`), else Numba.
    limit : int
        The most synapses there is memory for: a rule stops as soon as it has made more
        (``connect_run.TooManySynapses``, with the projected total).
    remember_as : str, optional
        Keep a string rule that ran on disk under this key
        (:func:`labkit.synapses.connect_run.rule_key`), so that a later process connects
        it without sympy.

    Returns
    -------
    i, j : numpy.ndarray of int32

    Raises
    ------
    ValueError, TypeError, IndexError
        As Brian2: bad combinations of arguments, ``p`` outside [0, 1], indices out of range.
    UnknownNameError, ExpressionError, DimensionMismatchError
        For strings with unknown names, syntax outside the whitelist, or wrong units.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> i, j = generate_connections(4, 4, condition="i != j and abs(i - j) < 2", rng=rng)
    >>> i.tolist(), j.tolist()
    ([0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2])
    >>> i, j = generate_connections(6, 6, j="k for k in range(i-1, i+2) if k != i",
    ...                             skip_if_invalid=True, rng=rng, device="numpy")
    >>> list(zip(i.tolist(), j.tolist()))[:4]
    [(0, 1), (1, 0), (1, 2), (2, 1)]
    >>> generate_connections(3, 3, i=[0, 5], j=1, rng=rng)
    Traceback (most recent call last):
    ...
    IndexError: i=5 is outside the source group's range 0..2
    """
    if device not in ("numba", "numpy", "auto"):
        raise ValueError(f"unknown device {device!r}; use 'numba', 'numpy' or 'auto'")
    found = plain_connections(n_source, n_target, condition=condition, i=i, j=j, p=p, n=n,
                              skip_if_invalid=skip_if_invalid, rng=rng)
    if found is not None:  # index arrays, or no pair (False)
        return found
    n_source, n_target = int(n_source), int(n_target)
    if condition is None and i is None and j is None:
        condition = True
    kwds = dict(p=p, n=n, namespace=namespace, source_vars=source_vars,
                target_vars=target_vars)
    record: dict = {}  # what build_rule's names resolved to, kept with the rule
    if condition is not None:
        if i is not None or j is not None:
            raise ValueError("cannot combine condition with i or j arguments")
        rule, values = build_rule(n_source, n_target, condition=condition, record=record,
                                  **kwds)
        return _run(rule, values, n_source, n_target, rng, skip_if_invalid, device, limit,
                    remember_as, record)
    if isinstance(i, str) or isinstance(j, str):
        over = "j" if isinstance(i, str) else "i"
        generator, other = (i, j) if over == "j" else (j, i)
        if other is not None:
            raise TypeError(f"a generator string for {'ij'[over == 'i']} cannot be combined "
                            f"with the {over} argument")
        rule, values = build_rule(n_source, n_target, generator=generator, over=over,
                                  record=record, **kwds)
        sizes = (n_source, n_target) if over == "i" else (n_target, n_source)
        outer, result = _run(rule, values, *sizes, rng, skip_if_invalid, device, limit,
                             remember_as, record)
        return (outer, result) if over == "i" else (result, outer)
    raise ValueError("specify a condition, both i and j, or a generator string for i or j")


def _run(rule, values, n_outer, n_result, rng, skip, device, limit, remember_as, record):
    """Run a rule (:func:`labkit.synapses.connect_run.run`); once it ran, keep it on disk
    under ``remember_as`` (None: not kept) for processes that connect it again."""
    plain = plain_rule(rule, tuple(sorted(values)))
    result = connect_run.run(plain, values, n_outer, n_result, rng, skip, device, limit)
    connect_run.remember(remember_as, plain, record["loop_variable"], record["found"])
    return result


#: See :data:`labkit.synapses.connect_run.SMALL_WORK`.
SMALL_WORK = connect_run.SMALL_WORK
