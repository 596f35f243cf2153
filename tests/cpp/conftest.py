"""cpp_standalone tests: skipped without a C++ compiler; the parity harness is shared."""

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parity"))


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.cpp)


@pytest.fixture(autouse=True)
def _needs_compiler():
    if not (shutil.which("g++") or shutil.which("clang++")) or not shutil.which("make"):
        pytest.skip("no C++ compiler or make")


@pytest.fixture
def cpp():
    """The cpp_standalone device, freshly configured (projects in the session's cache)."""
    from labkit import get_device, set_device

    set_device("cpp_standalone")
    device = get_device()
    device.timings.clear()
    return device
