"""A command that starts a Jupyter server -> a running server on localhost, then stopped.

Shared by the tests that check which page JupyterLab opens on (``make lab``, the Binder
environment). The server runs in its own session so that stopping it also stops what it
started (``make``'s child, kernels); its output goes to a log file that failures quote.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

START_PATH = "/lab/tree/notebooks/00_start_here.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_args(port: int, state: Path) -> list[str]:
    """Options for a private, token-less server on ``port`` keeping its files in ``state``."""
    return [f"--port={port}", "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
            "--no-browser", "--ServerApp.token=", "--ServerApp.password=",
            f"--LabApp.workspaces_dir={state / 'workspaces'}",
            f"--LabApp.user_settings_dir={state / 'settings'}", "--LabApp.news_url="]


def private_env(state: Path, **extra: str) -> dict[str, str]:
    """The environment with Jupyter's config and runtime files under ``state`` (so no
    ``~/.jupyter`` setting of the machine's user changes what the test sees)."""
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(state / "config"),
           "JUPYTER_RUNTIME_DIR": str(state / "runtime"), "JUPYTER_PLATFORM_DIRS": "1"}
    env.update(extra)
    return env


def get(url: str) -> tuple[str, int, str]:
    """GET ``url``, following redirects -> (final URL, status, body)."""
    with urllib.request.urlopen(url, timeout=10) as reply:
        return reply.geturl(), reply.status, reply.read().decode("utf-8", "replace")


@contextlib.contextmanager
def serving(command: list[str], *, cwd: Path, env: dict[str, str], port: int, log: Path,
            timeout: float = 90):
    """Run ``command`` until the server answers on ``port``; yield its base URL."""
    with open(log, "w") as out:
        server = subprocess.Popen(command, cwd=cwd, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, server, log, timeout)
            yield base
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)


def _wait_until_up(base: str, server: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}):\n{log.read_text()}")
        with contextlib.suppress(OSError):
            if get(f"{base}/api/status")[1] == 200:
                return
        time.sleep(0.25)
    raise TimeoutError(f"no server at {base} after {timeout} s:\n{log.read_text()}")


def assert_opens_start_notebook(base: str, repo: Path, log: Path) -> None:
    """``/`` redirects to lesson 00, JupyterLab's page there opens that file, the file
    exists, and the URL the server printed at start points there too."""
    url, status, body = get(f"{base}/")
    assert (status, url) == (200, base + START_PATH), (status, url)
    tree_path = START_PATH.removeprefix("/lab/tree/")
    assert f'"treePath": "{tree_path}"' in body, body[:2000]
    assert (repo / tree_path).is_file()
    assert f"127.0.0.1:{base.rsplit(':', 1)[1]}{START_PATH}" in log.read_text(), \
        log.read_text()
