"""Fixtures every test shares: a private kernel cache, a clean engine, CI-stable fuzzing."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time, so a red main always means a real regression;
# locally hypothesis keeps exploring new examples.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True, scope="session")
def _session_kernel_cache(tmp_path_factory):
    """Keep the kernels compiled by the suite out of the user's ~/.cache.

    Under xdist the workers share one cache (each worker's base temp is a child of the
    run's), so a kernel two workers need is compiled once; writes are atomic
    (labkit.cache), so sharing is safe. The suite checks the compiled kernels (counters,
    threads, parity), so the runtime device's fast start (small runs on numpy) is off here
    and in the processes tests start; tests/devices/test_fast_start.py switches it on.
    """
    old = os.environ.get("LABKIT_CACHE_DIR")
    if "PYTEST_XDIST_WORKER" not in os.environ:
        cache = tmp_path_factory.mktemp("labkit-cache")
    else:
        cache = tmp_path_factory.getbasetemp().parent / "labkit-cache"
        cache.mkdir(exist_ok=True)
    os.environ["LABKIT_CACHE_DIR"] = str(cache)
    os.environ["LABKIT_FAST_START"] = "0"
    yield
    if old is None:
        os.environ.pop("LABKIT_CACHE_DIR", None)
    else:
        os.environ["LABKIT_CACHE_DIR"] = old


@pytest.fixture()
def counted(monkeypatch):
    """``counted(module, "name")``: ``module.name`` wrapped for the test; returns the list
    each call appends to (how the tests tell a cold path taken from one read back)."""

    def wrap(owner, name):
        calls = []
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            calls.append(1)
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)
        return calls

    return wrap


@pytest.fixture(autouse=True)
def _fresh_engine():
    """Every test starts from a new scope, dt = 0.1 ms and the runtime device."""
    from labkit import defaultclock, ms, prefs, set_device, start_scope

    def reset():
        start_scope()
        defaultclock.timestep = 0
        defaultclock.dt = 0.1 * ms
        set_device("runtime")
        prefs.codegen.target = "auto"
        prefs.devices.runtime.fast_start = False

    reset()
    yield
    reset()


@pytest.fixture(autouse=True)
def _fresh_display_units():
    """Every test starts with no user-built display units, as a new process does (units
    such as ``mV/ms`` register themselves for display when they are built)."""
    from labkit.units.registry import USER

    saved, USER.units_for_dimensions = USER.units_for_dimensions, {}
    yield
    USER.units_for_dimensions = saved


@pytest.fixture(params=["runtime", "numpy"])
def device_name(request):
    """Run a test on both devices."""
    from labkit import set_device

    set_device(request.param)
    return request.param


#: Modules that take minutes (a Brian2 reference compiled with Cython, a Binder image,
#: JupyterLab with Chromium): first in the queue, so that under xdist they do not start
#: last on one worker while the other has finished (longest first).
LONG_FIRST = ("tests/browser/", "tests/infra/test_binder.py",
              "tests/spatial/test_spatialneuron_parity.py")


def pytest_collection_modifyitems(config, items):
    def long(item) -> bool:
        path = item.path.relative_to(config.rootpath).as_posix()
        return path.startswith(LONG_FIRST)

    items.sort(key=lambda item: not long(item))  # stable: each module keeps its order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under pytest-xdist (make test), keep each test module on one worker, so that
    module- and package-scoped fixtures (a Brian2 reference, a Binder image) are built once;
    tests/browser shares one JupyterLab and one Chromium, so it is one unit.

    A scheduler of our own, not ``--dist loadgroup`` with ``xdist_group`` markers: with
    pytest 9.2, xdist 3.8 marks a group by rewriting ``item._nodeid``, which pytest no longer
    reads, so every test was its own group and a module's fixtures were built again on
    each worker (the passive tree's Brian2 reference: twice 500 s in a CI run)."""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return "tests/browser" if path.startswith("tests/browser/") else path

    config.option.loadscopereorder = False  # LONG_FIRST's order, not the test counts
    return ModuleScheduling(config, log)



# -- CPU time per test phase ----------------------------------------------------------------
# --durations reports wall time, which on a shared machine (CI's 2 cores, the suite's two
# workers, Binder's build kernels) measures the neighbours as much as the test. Each phase's
# CPU time (this process and the children it waited for: compilers, Brian2, pip) travels
# with its report, and the summary lists the largest next to their wall time.


def _cpu_seconds() -> float:
    own, children = (resource.getrusage(who) for who in
                     (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    started = item.stash.get(_CPU_AT, None)
    if started is not None:
        outcome.get_result().user_properties.append(("cpu_seconds", _cpu_seconds() - started))


_CPU_AT = pytest.StashKey[float]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    item.stash[_CPU_AT] = _cpu_seconds()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    item.stash[_CPU_AT] = _cpu_seconds()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    item.stash[_CPU_AT] = _cpu_seconds()
    yield


_CPU_REPORTS: list = []


def pytest_runtest_logreport(report):
    cpu = dict(report.user_properties).get("cpu_seconds")
    if cpu is not None:
        gateway = getattr(getattr(report, "node", None), "gateway", None)  # xdist's worker
        worker = gateway.id if gateway is not None else "main"
        _CPU_REPORTS.append((cpu, report.duration, report.when, report.nodeid, worker))


def pytest_terminal_summary(terminalreporter):
    if not _CPU_REPORTS:
        return
    largest = sorted(_CPU_REPORTS, reverse=True)[:15]
    terminalreporter.write_sep("=", "largest CPU times (CPU / wall seconds)")
    for cpu, wall, when, nodeid, _ in largest:
        terminalreporter.write_line(f"{cpu:7.2f}s {wall:7.2f}s {when:8} {nodeid}")
    # per module (the unit the scheduler hands a worker; fixtures included): where the
    # suite's CPU goes, to see what a change to make test's time has to aim at
    modules: dict[str, list[float]] = {}
    for cpu, wall, _, nodeid, _ in _CPU_REPORTS:
        total = modules.setdefault(nodeid.split("::", 1)[0], [0.0, 0.0])
        total[0] += cpu
        total[1] += wall
    terminalreporter.write_sep("=", "largest CPU times per module (CPU / wall seconds)")
    for module, (cpu, wall) in sorted(modules.items(), key=lambda m: -m[1][0])[:25]:
        terminalreporter.write_line(f"{cpu:7.1f}s {wall:7.1f}s {module}")
    # the longest worker is the critical path; LONG_FIRST is what balances them
    for worker in sorted({report[4] for report in _CPU_REPORTS}):
        mine = [report for report in _CPU_REPORTS if report[4] == worker]
        terminalreporter.write_line(f"{worker}: {sum(r[0] for r in mine):.0f} s of CPU, "
                                    f"{sum(r[1] for r in mine):.0f} s of wall in tests")


@pytest.fixture()
def plain_cache(tmp_path, monkeypatch):
    """A fresh cache for the plan store (labkit.plan), as a new process finds it."""
    import labkit.cache

    monkeypatch.setenv("LABKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(labkit.cache, "_plain_written", {})  # this process wrote many
    return tmp_path


@pytest.fixture()
def two_processes(tmp_path):
    """``run(script, *argv, timeout=120, **env) -> (first, second)``: the JSON on the last
    line each of two processes prints, which run the script one after the other on one
    fresh cache (the first takes the cold path, the second reads what the first stored)."""
    root = Path(__file__).resolve().parents[1]

    def run(script, *argv, timeout=120, **env):
        environ = dict(os.environ, LABKIT_CACHE_DIR=str(tmp_path), PYTHONPATH=str(root),
                       **env)

        def one() -> dict:
            out = subprocess.run([sys.executable, "-c", script, *argv], env=environ,
                                 capture_output=True, text=True, timeout=timeout, check=True)
            return json.loads(out.stdout.strip().splitlines()[-1])

        return one(), one()
    return run
