"""Integration results survive the process: a warm start skips sympy's solve."""

import pytest

from labkit.equations import Equations
from labkit.errors import IntegrationError
from labkit.integration import base, clear_cache, exact, integrate

EQS = "dv/dt = (I - v)/tau : 1\nI : 1"


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(tmp_path))
    clear_cache()
    yield tmp_path
    clear_cache()


def _forbid_solving(monkeypatch):
    def refuse(self, equations):
        raise AssertionError("solved again instead of reading the disk cache")

    monkeypatch.setattr(base.Method, "block", refuse)


def test_second_process_reads_the_block_from_disk(fresh_cache, monkeypatch):
    first = integrate(Equations(EQS), "exact")
    assert list((fresh_cache / "integration").glob("*.pickle"))
    clear_cache()  # as a new process: memory empty, disk full
    _forbid_solving(monkeypatch)
    assert integrate(Equations(EQS), "exact") == first


def test_refusals_are_cached_too(fresh_cache, monkeypatch):
    nonlinear = Equations("dv/dt = -v**2/tau : 1")
    with pytest.raises(IntegrationError, match="non-linear"):
        exact(nonlinear)
    clear_cache()
    _forbid_solving(monkeypatch)
    with pytest.raises(IntegrationError, match="non-linear"):
        exact(nonlinear)


def test_unreadable_entry_is_recomputed(fresh_cache):
    block = integrate(Equations(EQS), "euler")
    for path in (fresh_cache / "integration").glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    clear_cache()
    assert integrate(Equations(EQS), "euler") == block
