"""One JupyterLab server, one Chromium and one JupyterLab page for all the browser tests,
each test still on its own: it starts with every document closed, opens its notebook on a
new kernel, and the kernels it started are shut down when it ends.

The server serves a temporary directory holding a copy of the course (JupyterLab
autosaves, and the committed notebooks must keep their nbval outputs); a test that needs a
notebook of its own writes it there. Starting JupyterLab and Chromium once instead of per
module saves their start-up (measured in the README's Development section).

Chromium is the Debian package (``make test`` installs it through tools/system-packages.sh);
Playwright drives it through ``executable_path``, so no browser download is needed.
Screenshots of the lessons' panels go to ``out/screenshots/`` (not committed).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from .lab_page import ROOT, SCREENSHOTS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
#: Tall enough that a whole lesson panel fits on screen (its screenshot shows all of it).
VIEWPORT = {"width": 1400, "height": 2400}


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its base URL and the directory it serves."""

    url: str
    root: Path

    def kernels(self) -> list[str]:
        import json

        with urllib.request.urlopen(f"{self.url}/api/kernels", timeout=10) as reply:
            return [k["id"] for k in json.loads(reply.read())]

    def shutdown_kernels(self, keep=()) -> None:
        """Stop every kernel not in ``keep`` (those a test started)."""
        for kernel in self.kernels():
            if kernel not in keep:
                request = urllib.request.Request(f"{self.url}/api/kernels/{kernel}",
                                                 method="DELETE")
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(request, timeout=10).close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer at {url} within {timeout} s")


@contextlib.contextmanager
def jupyterlab(root: Path, state: Path):
    """JupyterLab serving ``root`` (its settings, workspaces and runtime files in ``state``);
    yields the base URL, then stops the server and its kernels."""
    port = _free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
               f"--ServerApp.root_dir={root}", "--ServerApp.disable_check_xsrf=True",
               f"--LabApp.workspaces_dir={state / 'workspaces'}",
               f"--LabApp.user_settings_dir={state / 'settings'}",
               "--LabApp.news_url=", "--ServerApp.open_browser=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
           "JUPYTER_PLATFORM_DIRS": "1"}
    log = open(state / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/status", timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)      # the server and its kernels
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)
        log.close()


#: Run in the background while the tests go: executes the lessons, last first, so that the
#: kernels they compile are in the session's cache (LABKIT_CACHE_DIR, inherited) when the
#: tests reach them. The tests run one lesson at a time on one core; this uses the other,
#: when there is one (see _spare_core).
WARM = """
import sys
from pathlib import Path
import nbformat
from nbclient import NotebookClient
for path in map(Path, sys.argv[1:]):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
"""


@contextlib.contextmanager
def warming(notebooks: list[Path], log: Path):
    """Compile the kernels of ``notebooks`` in a background process while the block runs."""
    with open(log, "w") as out:
        warm = subprocess.Popen([sys.executable, "-c", WARM, *map(str, notebooks)],
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield warm
        finally:
            if warm.poll() is None:
                os.killpg(warm.pid, signal.SIGTERM)    # it and the kernels it started
                try:
                    warm.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(warm.pid, signal.SIGKILL)
                    warm.wait(timeout=5)


def _spare_core() -> bool:
    """Whether a core is left for the warm-up: not under pytest-xdist with a worker per core
    (make test), where the other workers keep every core busy. There the warm-up only adds
    a second execution of every lesson (the tests compile what they run themselves):
    executing the 13 lessons took 194 s of CPU with an empty cache, 76 s with a warm one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) < (cores or 1)


@pytest.fixture(scope="package")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of the course (notebooks/, exercises/); yields a Lab."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it: "
                    "tools/system-packages.sh)")
    state = tmp_path_factory.mktemp("lab-state")
    root = tmp_path_factory.mktemp("lab-root")
    for folder in ("notebooks", "exercises"):
        shutil.copytree(ROOT / folder, root / folder)
    stack = contextlib.ExitStack()
    if _spare_core():
        warm_copies = tmp_path_factory.mktemp("warm")    # its own copies: it never saves,
        for path in (root / "notebooks").glob("*.ipynb"):  # but the server autosaves
            shutil.copy(path, warm_copies / path.name)
        stack.enter_context(warming(sorted(warm_copies.glob("*.ipynb"), reverse=True),
                                    state / "warm.log"))
    settings = state / "settings" / "@jupyterlab"
    for extension, name, value in (
            # render every cell (JupyterLab 4 otherwise draws only the cells in view)
            ("notebook-extension", "tracker", '{"windowingMode": "none"}'),
            # no "would you like news?" toast over the panels in the screenshots
            ("apputils-extension", "notification",
             '{"fetchNews": "false", "checkForUpdates": false}')):
        (settings / extension).mkdir(parents=True)
        (settings / extension / f"{name}.jupyterlab-settings").write_text(value)
    with stack, jupyterlab(root, state) as url:
        yield Lab(url, root)


@pytest.fixture(scope="package")
def browser(lab):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True, timeout=30_000)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def _lab_page(browser, lab):
    """One JupyterLab page for the session: loading JupyterLab takes 8-20 s, opening a
    notebook in it 4 s."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    _load(tab, lab)
    yield tab
    context.close()


def _load(tab, lab) -> None:
    tab.goto(f"{lab.url}/lab?reset")                      # no restored workspace
    tab.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
    tab.locator("div.lm-MenuBar-itemLabel:text-is('File')").wait_for(timeout=60_000)


def close_all_tabs(tab) -> None:
    """Close every document, discarding changes (a notebook run is a changed notebook)."""
    tab.keyboard.press("Escape")                          # a menu or dialog left open
    tab.click("div.lm-MenuBar-itemLabel:text-is('File')")
    tab.click("li.lm-Menu-item[data-command='application:close-all']")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        dialog = tab.locator(".jp-Dialog")
        if dialog.count():
            dialog.locator("button", has_text="Discard").first.click()
        elif not tab.locator(".jp-NotebookPanel").count():
            return
        time.sleep(0.1)
    raise TimeoutError("the notebooks did not close")


@pytest.fixture
def page(_lab_page, lab, request):
    """The session's JupyterLab page, every document closed, for one test; afterwards a
    failed test leaves a full-page screenshot in out/screenshots/failed-<test>.png, and
    the kernels the test started are shut down: each test runs on its own kernel."""
    before = set(lab.kernels())
    try:
        close_all_tabs(_lab_page)
    except Exception:  # noqa: BLE001 - a page in a state we cannot undo: load it again
        _load(_lab_page, lab)
    yield _lab_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "._-" else "_" for c in request.node.name)
        with contextlib.suppress(Exception):
            _lab_page.screenshot(path=str(SCREENSHOTS / f"failed-{name}.png"), full_page=True)
    with contextlib.suppress(Exception):
        close_all_tabs(_lab_page)
    lab.shutdown_kernels(keep=before)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (the page fixture reads ``rep_call``)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
