"""tools/system-packages.sh --check on a PATH holding exactly the commands a test gives it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "tools" / "system-packages.sh"
WITHOUT_ROOT = """make test SYSTEM_PACKAGES= PYTEST_ARGS='-m "not cpp and not browser"'"""
BASH = shutil.which("bash")


def _check(tmp_path: Path, commands: list[str]) -> subprocess.CompletedProcess:
    """Run the script with --check where only ``commands`` (and what it uses) exist."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("id", "cat"):
        os.symlink(shutil.which(tool), bin_dir / tool)
    for name in commands:
        stub = bin_dir / name
        stub.write_text(f"#!/bin/sh\necho {name} >> {tmp_path / 'ran'}\n")
        stub.chmod(0o755)
    return subprocess.run([BASH, str(SCRIPT), "--check"], capture_output=True, text=True,
                          env={"PATH": str(bin_dir)}, timeout=30)


@pytest.mark.parametrize("chromium", ["chromium", "chromium-browser"])
def test_either_chromium_name_is_enough(tmp_path, chromium):
    """The browser tests accept both names Debian and Ubuntu use; so does the script."""
    done = _check(tmp_path, ["g++", "make", "cmake", chromium])
    assert (done.returncode, done.stderr) == (0, "")


def test_missing_packages_are_named_with_the_way_out(tmp_path):
    done = _check(tmp_path, ["make", "chromium-browser"])
    assert done.returncode == 1
    assert "missing system packages: g++ cmake\n" in done.stderr
    assert "apt-get install g++ cmake" in done.stderr
    assert WITHOUT_ROOT in done.stderr


def test_readme_gives_the_same_way_out():
    assert f"`{WITHOUT_ROOT}`" in (REPO / "README.md").read_text(encoding="utf-8")


def test_check_never_installs(tmp_path):
    """--check only reports, even as root with apt-get at hand (which would run here)."""
    done = _check(tmp_path, ["apt-get"])
    assert done.returncode == 1
    assert "installing" not in done.stdout and not (tmp_path / "ran").exists()
    assert "missing system packages: g++ make cmake chromium" in done.stderr


def test_unknown_option_is_refused(tmp_path):
    done = subprocess.run([BASH, str(SCRIPT), "--install"], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 2 and "usage" in done.stderr
