"""Synaptic operations -> the parts of their code the loop assemblers share.

Synaptic statements index each name in one of three ways (``SynapticCode.indices``): by
the synapse (``w``), by its source element (``v_pre``) or by its target element
(``v_post``). :func:`synaptic_texts` gives every name its text inside the loop over
synapses; :func:`rank_lines` writes the numpy code that numbers repeated keys
(0 for the first occurrence, 1 for the second, ...), which both the numpy push (the
position of an event in its slot) and the numpy delivery (rounds of synapses that do not
share a written element) need.
"""

from __future__ import annotations

from labkit.codegen.loop_common import symbol_texts

__all__ = ["synaptic_texts", "rank_lines", "SYN", "PRE", "POST"]

#: Loop-local names holding the current synapse and its source and target elements.
SYN, PRE, POST = "_s", "_lk_pre", "_lk_post"


def synaptic_texts(op, p: int, writer, rindex: str) -> dict[str, str]:
    """Model names of a synaptic operation -> their text in the loop (or vector) code."""
    texts = symbol_texts(op, p, writer, index=SYN, arrays=f"[{SYN}]", rindex=rindex)
    where = {"syn": SYN, "pre": PRE, "post": POST}
    for name, kind in op.indices:
        symbol = op.roles().get(name)
        if symbol is not None and symbol.role == "array":
            texts[name] = f"{symbol.arg}[{where[kind]}]"
    return texts


def uses(op, kind: str) -> bool:
    """True when some name of ``op`` is indexed by ``kind`` ('pre' or 'post')."""
    return any(k == kind for _, k in op.indices)


def rank_lines(w, d: int, key: str, n: str, out: str) -> None:
    """numpy lines: ``out[k]`` = how many earlier entries of ``key[:n]`` equal ``key[k]``."""
    w(d, f"_lk_o = np.argsort({key}, kind='stable')")
    w(d, f"_lk_sk = {key}[_lk_o]")
    w(d, f"_lk_st = np.ones({n}, dtype=np.bool_)")
    w(d, "_lk_st[1:] = _lk_sk[1:] != _lk_sk[:-1]")
    w(d, f"_lk_ar = np.arange({n})")
    w(d, f"{out} = np.empty({n}, dtype=np.int64)")
    w(d, f"{out}[_lk_o] = _lk_ar - np.maximum.accumulate(np.where(_lk_st, _lk_ar, 0))")


def element_indices(op, w, d, lang: str = "python") -> None:
    """Lines binding the pre- and post-synaptic element of synapse ``SYN`` (as used).

    ``lang``: ``'python'`` (Numba, numpy) or ``'cpp'`` (a typed constant).
    """
    decl = "const int64_t " if lang == "cpp" else ""
    end = ";" if lang == "cpp" else ""
    for kind, local, arg in (("pre", PRE, op.pre), ("post", POST, op.post)):
        if uses(op, kind):
            w.use(arg)
            w(d, f"{decl}{local} = {arg}[{SYN}]{end}")
