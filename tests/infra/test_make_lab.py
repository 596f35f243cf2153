"""``make lab`` as a learner types it: JupyterLab opens on lesson 00.

The test runs the Makefile's own ``lab`` target (its venv taken as installed: ``-o`` the
stamp) with a free port, no token and Jupyter's config in a temporary directory, then
requests ``/`` and follows the redirect.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lab_server import assert_opens_start_notebook, free_port, private_env, server_args, serving

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def test_make_lab_opens_lesson_00(tmp_path):
    make = shutil.which("make")
    assert make, "make is needed to run the course (README: what a machine needs)"
    port = free_port()
    lab_args = " ".join(server_args(port, tmp_path))
    command = [make, "--no-print-directory", "-o", ".venv/.installed-stamp", "lab",
               f"LAB_ARGS={lab_args}"]
    log = tmp_path / "lab.log"
    with serving(command, cwd=REPO, env=private_env(tmp_path), port=port, log=log) as base:
        assert_opens_start_notebook(base, REPO, log)
