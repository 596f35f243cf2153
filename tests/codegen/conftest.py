"""Fixtures for codegen tests (the session-wide kernel cache is in tests/conftest.py)."""


import pytest


@pytest.fixture
def kernel_cache(tmp_path, monkeypatch):
    """A fresh, empty cache directory for one test."""
    root = tmp_path / "cache"
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(root))
    return root
