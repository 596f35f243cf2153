"""Fixtures for codegen tests: every test writes kernels into a temporary cache."""

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _session_kernel_cache(tmp_path_factory):
    """Keep kernels of the whole session out of the user's ~/.cache."""
    old = os.environ.get("LABKIT_CACHE_DIR")
    os.environ["LABKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("labkit-cache"))
    yield
    if old is None:
        os.environ.pop("LABKIT_CACHE_DIR", None)
    else:
        os.environ["LABKIT_CACHE_DIR"] = old


@pytest.fixture
def kernel_cache(tmp_path, monkeypatch):
    """A fresh, empty cache directory for one test."""
    root = tmp_path / "cache"
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(root))
    return root
