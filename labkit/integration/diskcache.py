"""(equations, method) -> UpdateBlock or refusal, kept on disk between processes.

Why: sympy's exact solution of a small linear system takes 0.3-1.5 s, which is most of a
warm start. The key is the printed equations plus the method, the source of every module
that shapes the result (so a changed method never serves a stale block) and the sympy
version; the value is the pickled UpdateBlock (or the IntegrationError that refused).
"""

from __future__ import annotations

from labkit.equations import stored

_PACKAGES = ("integration", "equations")


def _code_version() -> str:
    """A hash of the sources the integration result depends on, computed once."""
    return stored.code_version(_PACKAGES, ("codegen/ir.py",))


def load(key: str):
    """The stored result for ``key``, or None when there is none (or it is unreadable)."""
    return stored.load("integration", key, _code_version())


def save(key: str, result) -> None:
    """Store ``result``; a cache that cannot be written only costs time, never an error."""
    stored.save("integration", key, _code_version(), result)
