"""KernelSource (generated Python text) -> a compiled, cached callable.

Two layers of cache make "compile structure, pass values" cheap:

- **In memory**: a dict keyed by the source hash returns the same :class:`Kernel` for the
  same text, so a re-run in the same process never touches Numba.
- **On disk**: the text is written to ``<cache dir>/kernels/<hash>.py`` and imported from
  there, and the function is wrapped with ``numba.njit(cache=True)``. Numba then keeps the
  machine code in ``__pycache__`` next to that file and, in a new process, loads it
  instead of compiling. Numba checks a cache entry against the source file's
  (mtime, size), so every writer gives the file the same fixed mtime: rewriting the same
  text (another process, a crashed write repaired) never invalidates the cache.

The cache directory is ``$LABKIT_CACHE_DIR/kernels``, else
``$XDG_CACHE_HOME/labkit/kernels``, else ``~/.cache/labkit/kernels``, read at each call.

Generated source is registered in :mod:`linecache` (as ``lambdify`` does), so tracebacks
and Numba's error messages show the generated lines even if the file is deleted.

Counting compilations: Numba compiles lazily, at the first call with a new argument type
signature, and records per dispatcher whether it loaded that signature from its disk cache
(``stats.cache_hits``) or compiled it (``stats.cache_misses``). :func:`compile_stats` sums
these over every kernel dispatcher made in this process.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import importlib.util
import inspect
import linecache
import os
import sys
import tempfile
import threading
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from labkit.cache import cache_root
from labkit.codegen import support
from labkit.logs import warn

__all__ = [
    "CompileStats",
    "Kernel",
    "KernelSource",
    "cache_dir",
    "clear_memory_cache",
    "compile_count",
    "compile_numba",
    "compile_numpy",
    "compile_stats",
    "in_memory",
    "lean_cache_loads",
    "source_hash",
    "write_source",
]

#: The mtime every kernel file gets (see the module docstring): 2001-09-09.
_FIXED_MTIME = 1_000_000_000
#: Options of every Numba kernel. error_model='numpy': x/0 gives inf/nan as in numpy and
#: C++, instead of raising ZeroDivisionError (which also costs a check per division).
NJIT_OPTIONS = {"cache": True, "error_model": "numpy"}


def _versions() -> str:
    """numba and Python versions and the support modules: what compiled code depends on
    besides its own text (labkit's version would add nothing: the text is labkit's)."""
    numba_support = Path(support.__file__).with_name("support_numba.py")
    support_text = Path(support.__file__).read_bytes() + numba_support.read_bytes()
    support_hash = hashlib.sha256(support_text).hexdigest()[:16]
    python = "{}.{}".format(*sys.version_info[:2])
    return f"numba={_numba_version()} py={python} {support_hash}"


def _numba_version() -> str:
    """numba's version without importing it (numpy kernels hash this too; numba is
    optional: Pyodide has none). From the name of its ``numba-<version>.dist-info``
    directory when there is exactly one beside the package: ``importlib.metadata`` costs
    a first run ~20 ms of imports (email, zipfile, csv)."""
    spec = importlib.util.find_spec("numba")
    if spec is None:
        return "none"
    if spec.origin:
        found = list(Path(spec.origin).parent.parent.glob("numba-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len("numba-"):-len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version("numba")
    except metadata.PackageNotFoundError:
        return "none"


_VERSIONS: list[str] = []  # computed once, on first use


def source_hash(text: str) -> str:
    """Source text -> sha256 hex of the text plus the versions the compiled code depends on.

    The support module's own hash is included because Numba's disk cache does not notice
    when a function a kernel calls (``_exprel``) changes.
    """
    if not _VERSIONS:
        _VERSIONS.append(_versions())
    return hashlib.sha256(f"{_VERSIONS[0]}\n{text}".encode()).hexdigest()


@dataclass(frozen=True)
class KernelSource:
    """Generated Python module text defining one function ``name(*arg_names)``.

    The text is a whole module (imports included, see ``printers.PRELUDES``);
    ``hash`` is derived from it. ``str(src)`` is the text itself.

    >>> src = KernelSource('def double(x):\\n    return 2*x\\n', 'double', ('x',))
    >>> src.arg_names, len(src.hash)
    (('x',), 64)
    """

    text: str
    name: str
    arg_names: tuple[str, ...]
    hash: str = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "arg_names", tuple(self.arg_names))
        object.__setattr__(self, "hash", source_hash(self.text))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        lines = self.text.count("\n") + (not self.text.endswith("\n"))
        args = ", ".join(self.arg_names)
        return f"<KernelSource {self.name}({args}), {lines} lines, hash {self.hash[:12]}>"


@dataclass(frozen=True)
class Kernel:
    """A compiled kernel: call it like the generated function; ``source`` is its text.

    ``func`` is the underlying callable (a Numba dispatcher for ``language='numba'``, which
    other jitted code can call, and whose ``stats`` say whether it was compiled or loaded).
    """

    source: KernelSource
    func: Callable[..., Any] = field(repr=False)
    language: str

    def __call__(self, *args):
        if self.language == "numpy":
            # Plain Python: a float argument as numpy's float64, so that a division by 0.0
            # in scalar code (a hoisted 1/tau) gives inf as compiled, not ZeroDivisionError
            args = [np.float64(a) if type(a) is float else a for a in args]
        # Numba loads machine code at the first call; an unreadable cache entry (a
        # truncated .nbi/.nbc, of the kernel or of a support function it calls) would
        # fail every later run of this model until deleted by hand: delete and retry.
        for attempt in range(2):
            try:
                return self.func(*args)
            except Exception as error:
                if self.language != "numba" or not _repair_cache(error, self.source, attempt,
                                                                 self.func):
                    raise
        return self.func(*args)

    def __repr__(self) -> str:
        return f"<Kernel {self.language} {self.source!r}>"


@dataclass(frozen=True)
class CompileStats:
    """How kernels came to be in this process: compiled by Numba, loaded from disk, exec'd."""

    numba_compiled: int
    numba_loaded: int
    numpy_built: int


_lock = threading.RLock()
_memory: dict[tuple[str, str], Kernel] = {}
_dispatchers: list[Any] = []  # every Numba kernel dispatcher made, for compile_stats()
_numpy_built = [0]


def cache_dir() -> Path:
    """Environment -> the directory kernel files go to (not created here)."""
    return cache_root() / "kernels"


def compile_stats() -> CompileStats:
    """Counts since this process started (Numba counts per argument-type signature)."""
    with _lock:
        compiled = sum(sum(d.stats.cache_misses.values()) for d in _dispatchers)
        loaded = sum(sum(d.stats.cache_hits.values()) for d in _dispatchers)
        return CompileStats(compiled, loaded, _numpy_built[0])


def compile_count() -> int:
    """How many real Numba compilations of kernels happened in this process."""
    return compile_stats().numba_compiled


def clear_memory_cache() -> None:
    """Forget in-memory kernels (the disk cache stays); counts are kept."""
    with _lock:
        _memory.clear()


def in_memory(src: KernelSource, parallel: bool = False) -> bool:
    """Whether this process holds the Numba kernel of ``src`` (no loading needed); a
    ``parallel`` one (see :func:`compile_numba`)."""
    with _lock:
        return ("numba-parallel" if parallel else "numba", src.hash) in _memory


def _register_lines(filename: str, text: str) -> None:
    """Put text into linecache under filename; mtime None makes checkcache keep it."""
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)


def _find_function(namespace: dict, src: KernelSource, filename: str):
    """Module namespace -> the kernel function, checked against the declared name and args."""
    func = namespace.get(src.name)
    if not inspect.isfunction(func):
        raise ValueError(f"generated source {filename} defines no function {src.name!r}")
    params = tuple(inspect.signature(func).parameters)
    if params != src.arg_names:
        raise ValueError(
            f"generated function {src.name!r} in {filename} takes {params}, "
            f"but its KernelSource declares {src.arg_names}"
        )
    return func


def _writable_dir() -> Path:
    """The cache directory, created; a per-user temp directory if that fails (warned)."""
    path = cache_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
        if os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"labkit-kernels-{os.getuid()}"
    warnings.warn(
        f"labkit: cannot write the kernel cache {path}; using {fallback}. "
        "Set LABKIT_CACHE_DIR to a writable directory to keep compiled kernels.",
        RuntimeWarning,
        stacklevel=3,
    )
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def write_source(src: KernelSource) -> Path:
    """KernelSource -> path of ``<hash>.py`` in the cache directory, written atomically.

    An existing file with the same text is left alone (its mtime is reset if a copy lost
    it, so a cache directory copied into an image stays warm); otherwise the text goes to
    a temporary file, gets the fixed mtime, and replaces the target in one
    ``os.replace``, so concurrent writers never expose a half-written file or a changing
    mtime.
    """
    directory = _writable_dir()
    path = directory / f"{src.hash}.py"
    try:
        if path.read_text(encoding="utf-8") == src.text:
            if os.stat(path).st_mtime != _FIXED_MTIME:  # copied without its mtime
                os.utime(path, (_FIXED_MTIME, _FIXED_MTIME))
            return path
    except (FileNotFoundError, UnicodeDecodeError):
        pass
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{src.hash[:12]}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(src.text)
        os.utime(tmp, (_FIXED_MTIME, _FIXED_MTIME))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _import_file(path: Path, module_name: str):
    """Python file -> a new module executed from it (registered in sys.modules)."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


#: Whether :func:`_numba_registries_without_scipy` has run (once a process).
_blas_checked: list[bool] = []


def _numba_registries_without_scipy() -> None:
    """Import the part of Numba that asks for a BLAS without letting it import scipy.linalg.

    Numba fills its registries at the first compile or cache load of a process; one of the
    modules it imports (``numba.np.arraymath``) checks at import whether a BLAS is there by
    importing ``scipy.linalg.cython_blas``, i.e. all of scipy.linalg: 0.25 s of CPU (scipy
    1.17), a seventh of a warm HH axon script's whole process. The only use of that check
    is ``np.correlate``/``np.convolve`` in jitted code, which then loop themselves instead
    of calling BLAS; no labkit kernel calls them. Everything else in Numba that needs BLAS
    or LAPACK (``np.dot`` on matrices, ``np.linalg``) imports scipy when it is typed, and
    still does. So the module is imported here once, with scipy.linalg's BLAS hidden (a
    None entry in sys.modules makes that one import fail without importing scipy.linalg),
    under Numba's compiler lock so that no other thread compiles meanwhile; the entry is
    removed right after. Nothing is hidden if scipy.linalg is already imported (it is then
    free) or if arraymath is (too late).
    """
    if _blas_checked:
        return
    _blas_checked.append(True)
    blas = "scipy.linalg.cython_blas"
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    from numba.core.compiler_lock import global_compiler_lock

    with global_compiler_lock:
        if blas in sys.modules:
            return
        sys.modules[blas] = None
        try:
            import numba.np.arraymath  # noqa: F401
        finally:
            if sys.modules.get(blas, 0) is None:
                del sys.modules[blas]


def _runtime_cache_path(codegen) -> Path:
    """Where the runtime's machine code is kept: one file per Numba, llvmlite and host
    (the CPU name and features the code was made for: Numba's ``magic_tuple``)."""
    import llvmlite
    import numba

    key = f"{numba.__version__} {llvmlite.__version__} {codegen.magic_tuple()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return cache_dir() / f"numba-runtime-{digest}.pickle"


def _initialize_runtime(target_context) -> None:
    """Numba's ``rtsys.initialize(target_context)``, with the runtime's machine code from
    labkit's cache when it is there (the caller holds Numba's compiler lock).

    Why: ``rtsys.initialize`` compiles Numba's runtime functions (reference counting,
    atomics) with LLVM's optimiser and code generator, whose first use in a process costs
    20 MB of resident memory (numba 0.68) that loading machine code does not need. So the
    runtime's object code is saved once, as Numba saves a kernel's, and later processes
    load it as they load a cached kernel (registering the same symbols first). Anything
    unexpected (another Numba without these internals, an unreadable file) falls back to
    ``rtsys.initialize``.
    """
    import pickle

    from numba.core.runtime import _nrt_python, nrtdynmod, rtsys

    if not (hasattr(rtsys, "_init") and hasattr(nrtdynmod, "create_nrt_module")):
        rtsys.initialize(target_context)
        return
    if rtsys._init:
        return
    codegen = target_context.codegen()
    path = _runtime_cache_path(codegen)
    try:
        state = pickle.loads(path.read_bytes())
        if not (isinstance(state, tuple) and len(state) == 3 and state[1] == "object"):
            raise ValueError("not a saved library")
    except Exception:  # noqa: BLE001 - none yet, or damaged: compile and save it (again)
        state = None
    _add_runtime_symbols(rtsys, _nrt_python)
    if state is not None:
        try:
            rtsys._library = codegen.unserialize_library(state)
            rtsys._init = True
            return
        except Exception:  # noqa: BLE001 - its bitcode unreadable (parsed before use)
            pass
    ir_module, library = nrtdynmod.create_nrt_module(target_context)
    library.enable_object_caching()
    library.add_ir_module(ir_module)
    library.finalize()
    rtsys._library = library
    rtsys._init = True
    with contextlib.suppress(OSError):
        directory = _writable_dir()
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".numba-runtime-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pickle.dumps(library.serialize_using_object_code()))
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _add_runtime_symbols(rtsys, nrt) -> None:
    """The symbols ``rtsys.initialize`` gives LLVM (the runtime's C functions)."""
    import llvmlite.binding as ll
    from numba.core import config

    if config.NRT_STATS:
        nrt.memsys_enable_stats()
    for py_name, address in nrt.c_helpers.items():
        ll.add_symbol(py_name if py_name.startswith("_") else "NRT_" + py_name, address)


def lean_cache_loads(dispatcher):
    """Let ``dispatcher`` load its machine code from Numba's disk cache without filling
    Numba's target registries first; -> ``dispatcher``.

    Why: before every cache load Numba calls ``target_context.refresh()``, which imports
    the implementations of everything a jitted function could call (arrays, unicode,
    typed containers, the random generators ...) and installs them: measured with numba
    0.68, 58 MB of resident memory and about a third of a second of CPU, a third of a warm
    CUBA script's peak. Loading machine code needs none of it: the code is linked already
    (a kernel's object code contains the functions it calls); what it needs are the
    symbols it refers to: the helper library's and the external math functions (given to
    LLVM when the target context is made) and the runtime's (``NRT_*``, given by
    ``rtsys.initialize``, which is the part of the refresh kept here). A cached parallel
    kernel starts its thread pool itself (its ``reload_init``). When the cache has no entry
    (or a stale one) the registries are filled as Numba would before it compiles, so a
    compile is unchanged. A cache without the methods this relies on is left as it is.
    """
    cache = getattr(dispatcher, "_cache", None)
    load = getattr(cache, "_load_overload", None)
    guard = getattr(cache, "_guard_against_spurious_io_errors", None)
    if load is None or guard is None:
        return dispatcher

    def load_overload(sig, target_context):
        _initialize_runtime(target_context)
        cres = None
        with guard():
            cres = load(sig, target_context)
        if cres is None:  # Numba compiles next: what its compiler needs
            _numba_registries_without_scipy()
            target_context.refresh()
        return cres

    cache.load_overload = load_overload
    return dispatcher


def _jit(func, parallel: bool = False):
    """Python function -> Numba dispatcher with a disk cache (without one if impossible)."""
    import numba  # only here: the numpy device works without it

    options = {**NJIT_OPTIONS, "parallel": True} if parallel else NJIT_OPTIONS
    try:
        return lean_cache_loads(numba.njit(**options)(func))
    except RuntimeError as error:  # "cannot cache function ...: no locator available"
        warnings.warn(
            f"labkit: {error}; compiling without a disk cache", RuntimeWarning, stacklevel=3
        )
        _numba_registries_without_scipy()
        return numba.njit(**{**options, "cache": False})(func)


def _from_cache(error: BaseException) -> bool:
    """Whether ``error`` was raised while Numba read or updated its disk cache."""
    return any(Path(f.filename).name == "caching.py" and "numba" in f.filename
               for f in traceback.extract_tb(error.__traceback__))


def _cache_files(attempt: int, src: KernelSource, dispatcher=None) -> list[Path]:
    """The disk-cache files to delete at repair ``attempt``: first the kernel's own (where
    Numba keeps them: beside the kernel files, or under ``NUMBA_CACHE_DIR``), then those of
    the support functions it calls (compiled, or loaded, as the kernel is)."""
    if attempt == 0:
        cache = getattr(dispatcher, "_cache", None)
        directory = Path(getattr(cache, "cache_path", None) or cache_dir() / "__pycache__")
        return [p for p in directory.glob(f"{src.hash}.*") if p.suffix in (".nbi", ".nbc")]
    from labkit.codegen import support_numba

    found = []
    for value in vars(support_numba).values():
        cache = getattr(value, "_cache", None)
        index = getattr(getattr(cache, "_cache_file", None), "_index_name", None)
        if index:
            base = index[: -len(".nbi")]
            directory = Path(cache._cache_path)
            found += [directory / index, *directory.glob(f"{glob.escape(base)}.*.nbc")]
    return found


def _repair_cache(error: BaseException, src: KernelSource, attempt: int,
                  dispatcher=None) -> bool:
    """Delete unreadable cache files behind ``error`` (see :func:`_cache_files`) and say so
    once -> whether the call may be repeated (Numba then compiles and saves anew)."""
    if attempt > 1 or not _from_cache(error):
        return False
    removed = []
    for path in _cache_files(attempt, src, dispatcher):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    if attempt == 0:
        where = removed[0].parent if removed else cache_dir() / "__pycache__"
        warn(f"the compiled-kernel cache of {src.name} ({src.hash[:12]}) could not be read: "
             f"{type(error).__name__}: {error}, a truncated or damaged file in {where}. "
             f"Deleted {len(removed)} file(s) and compiling the kernel again; this takes a "
             "few seconds once.", "kernel_cache")
    return True


def compile_numba(src: KernelSource, parallel: bool = False) -> Kernel:
    """KernelSource -> Kernel wrapping a Numba dispatcher, cached in memory and on disk.

    Numba compiles at the first call (per argument types); with a warm disk cache that
    call loads machine code instead. Calling again with new values never recompiles.
    ``parallel``: compile with ``parallel=True`` (a source with ``prange`` loops, whose
    text, hence hash and cache file, differs from the serial kernel's).
    """
    key = ("numba-parallel" if parallel else "numba", src.hash)
    with _lock:
        kernel = _memory.get(key)
        if kernel is not None:
            return kernel
        path = write_source(src)
        _register_lines(str(path), src.text)
        module = _import_file(path, f"_labkit_kernel_{src.hash[:20]}")
        func = _find_function(vars(module), src, str(path))
        dispatcher = _jit(func, parallel)
        _dispatchers.append(dispatcher)
        kernel = _memory[key] = Kernel(src, dispatcher, "numba")
        return kernel


def compile_numpy(src: KernelSource) -> Kernel:
    """KernelSource -> Kernel wrapping the plain Python function (exec'd, cached in memory).

    The text is compiled under the name ``<labkit-kernel NAME HASH>``, registered in
    linecache, so tracebacks through it show the generated lines.
    """
    with _lock:
        kernel = _memory.get(("numpy", src.hash))
        if kernel is not None:
            return kernel
        filename = f"<labkit-kernel {src.name} {src.hash[:12]}>"
        _register_lines(filename, src.text)
        namespace = {"__name__": f"_labkit_kernel_{src.hash[:20]}"}
        exec(compile(src.text, filename, "exec"), namespace)
        func = _find_function(namespace, src, filename)
        _numpy_built[0] += 1
        kernel = _memory[("numpy", src.hash)] = Kernel(src, func, "numpy")
        return kernel
