"""CppCode + argument types -> the text of every file of a C++ project.

``kernels.cpp_code`` writes the operations without types (the same text whatever the
dtypes); here each argument gets its C++ type from the values of the first call: the declarations
in ``lk_args.h``, the loading and saving in ``lk_args.cpp``, and at the top of each
operation function a local ``__restrict`` copy of every pointer it uses (so the compiler
knows arrays do not overlap, and vectorises loops). The project's hash covers every file,
so a new structure or a new dtype gives a new program, and the same ones reuse it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from labkit.codegen import cpp_templates as templates
from labkit.codegen.kernels import CppCode, CppFunction
from labkit.codegen.spec import FIXED_ARGS

__all__ = ["ArgType", "CTYPES", "Project", "render", "object_name"]

#: numpy dtype code -> C++ type.
CTYPES = {"f8": "double", "f4": "float", "i8": "int64_t", "i4": "int32_t", "i2": "int16_t",
          "i1": "int8_t", "u8": "uint64_t", "u4": "uint32_t", "u2": "uint16_t",
          "u1": "uint8_t", "b1": "bool"}

#: Inputs the program reads besides the kernel arguments.
EXTRA_ARGS = ("_lk_threads",)


@dataclass(frozen=True)
class ArgType:
    """An argument's dtype code (``'f8'``) and ndim (0: a scalar)."""

    dtype: str
    ndim: int

    @property
    def ctype(self) -> str:
        return CTYPES[self.dtype]


@dataclass(frozen=True)
class Project:
    """Relative path -> text of every generated file, and their combined hash."""

    files: dict
    hash: str
    objects: tuple[str, ...]


def object_name(functions: tuple[CppFunction, ...]) -> str:
    """Labels of one object's operations ('g update', 'g threshold') -> its name ('g')."""
    words = [f.label.split() for f in functions]
    common = []
    for column in zip(*words, strict=False):
        if any(w != column[0] for w in column):
            break
        common.append(column[0])
    return " ".join(common) or words[0][0]


def _by_owner(code: CppCode) -> dict[str, list[CppFunction]]:
    owners: dict[str, list[CppFunction]] = {}
    for f in code.functions:
        owners.setdefault(f.owner, []).append(f)
    return owners


def _file_name(owner: str, name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")[:40] or "object"
    return f"objects/{owner.lstrip('_')}_{safe}.cpp"


def _prelude(f: CppFunction, types: dict[str, ArgType]) -> list[str]:
    """Local copies of the arguments and clock values an operation function uses."""
    text = "\n".join(f.body)
    lines = ["    const int64_t _lk_s = st.s;"]
    c = f.clock
    lines += [f"    const int64_t _lk_ts{c} = st.ts[{c}];",
              f"    const double _lk_dt{c} = st.dt[{c}];",
              f"    const double _lk_t{c} = st.t[{c}];"]
    for name in sorted(f.args):
        kind = types[name]
        if kind.ndim == 0:
            lines.append(f"    const {kind.ctype} {name} = lk::{name};")
            continue
        lines.append(f"    {kind.ctype}* const __restrict {name} = lk::{name};")
        for axis in ("n0", "n1"):
            if re.search(rf"\b{name}_{axis}\b", text):
                lines.append(f"    const int64_t {name}_{axis} = lk::{name}_{axis};")
    return lines


def _object_file(owner: str, functions: list[CppFunction], types) -> str:
    name = object_name(tuple(functions))
    out = [f"// labkit: the operations of the Python object '{name}' (argument prefix {owner}).",
           "// Generated from the model's statements; edit the Python script, not this file.",
           '#include "../lk_args.h"', "", "namespace lk {", ""]
    for f in functions:
        for scratch in f.scratch:
            out.append(f"static Scratch {scratch}_buf;")
        out.append(f"// operation {f.p}: {f.kind} {f.label}")
        out.append(f"int op{f.p}(const Step& st)")
        out.append("{")
        out += _prelude(f, types)
        out += list(f.body)
        out.append("    return 0;")
        out.append("}")
        out.append("")
    out.append("}  // namespace lk")
    return "\n".join(out) + "\n"


def _args_h(code: CppCode, types) -> str:
    n = max(code.n_clocks, 1)
    out = ["// labkit: the arguments of this simulation and their types (generated).",
           "#pragma once", '#include "lk_runtime.h"', "", "namespace lk {", "",
           "// the clocks' values at one time step, handed to every operation",
           "struct Step {", "    int64_t s;", f"    int64_t ts[{n}];", f"    double dt[{n}];",
           f"    double t[{n}];", f"    bool on[{n}];", "};", ""]
    for name, kind in types.items():
        if name == "_rng":
            continue  # declared in lk_runtime.h
        if kind.ndim == 0:
            out.append(f"extern {kind.ctype} {name};")
        else:
            out.append(f"extern {kind.ctype}* {name};")
            out.append(f"extern int64_t {name}_n0, {name}_n1;")
    out.append("")
    out += [f"int op{f.p}(const Step& st);" for f in code.functions]
    out += ["void load(const char* directory);", "void save(const char* directory);", "",
            "}  // namespace lk"]
    return "\n".join(out) + "\n"


def _args_cpp(code: CppCode, types, owners: dict[str, str]) -> str:
    out = ["// labkit: reading the arguments from static/, writing them to results/.",
           '#include "lk_args.h"', '#include "lk_io.h"', "", "namespace lk {", ""]
    load, save = [], []
    for name, kind in types.items():
        if kind.ndim == 0:
            out.append(f"{kind.ctype} {name} = 0;")
            load.append(f'    in.scalar("{name}", "{kind.dtype}", &{name}, '
                        f"(int)sizeof({name}));")
            continue
        out.append(f"{kind.ctype}* {name} = nullptr;")
        out.append(f"int64_t {name}_n0 = 0, {name}_n1 = 0;")
        load.append(f'    in.array("{name}", "{kind.dtype}", {kind.ndim}, (void**)&{name}, '
                    f"&{name}_n0, &{name}_n1);")
        owner = owners.get(name.split("_")[1] if name.startswith("_o") else "", "")
        save.append(f'    out.array("{name}", "{kind.dtype}", {name}, {kind.ndim}, {name}_n0, '
                    f'{name}_n1, (int)sizeof(*{name}), "{owner}");')
    out += ["", "void load(const char* directory)", "{", "    Inputs in(directory);", *load,
            "}", "", "void save(const char* directory)", "{", "    Results out(directory);",
            *save, "    out.close();", "}", "", "}  // namespace lk"]
    return "\n".join(out) + "\n"


def _main_cpp(code: CppCode, objects: list[str]) -> str:
    out = ["// labkit: one run() of the simulation as a loop over time steps (generated).",
           "// Objects: " + ", ".join(objects) + ".",
           '#include "lk_args.h"', "#include <cstdio>", "#include <ctime>", "#ifdef _OPENMP",
           "#include <omp.h>", "#endif", "",
           "namespace lk {", "",
           "// the schedule; leaves _lk_status[0] = 0 when done, else why and where it stopped",
           "static void simulate()", "{"]
    out += ["    " + line for line in code.main_loop]
    out += ["}", "", "}  // namespace lk", "",
            "int main(int argc, char** argv)", "{",
            '    const char* inputs = argc > 1 ? argv[1] : "static";',
            '    const char* results = argc > 2 ? argv[2] : "results";',
            "    lk::load(inputs);",
            "#ifdef _OPENMP",
            "    omp_set_num_threads(lk::_lk_threads > 0 ? (int)lk::_lk_threads : 1);",
            "#endif",
            "    timespec t0, t1;  // the loop's own time, printed for benchmarks",
            "    clock_gettime(CLOCK_MONOTONIC, &t0);",
            "    lk::simulate();",
            "    clock_gettime(CLOCK_MONOTONIC, &t1);",
            "    lk::save(results);",
            '    std::printf("labkit loop_seconds %.9f\\n", (t1.tv_sec - t0.tv_sec) + '
            '1e-9*(t1.tv_nsec - t0.tv_nsec));',
            "    return 0;", "}"]
    return "\n".join(out) + "\n"


def render(code: CppCode, types: dict[str, ArgType], openmp: str) -> Project:
    """CppCode + ``types`` (every argument, in argument order) -> Project.

    ``openmp`` is the compiler flag for OpenMP (``'-fopenmp'``) or ``''``.
    """
    missing = [n for n in code.arg_names if n not in types]
    if missing:
        raise KeyError(f"internal error: no type for arguments {missing}")
    order = [n for n in FIXED_ARGS if n in types] + sorted(
        n for n in types if n not in FIXED_ARGS)
    types = {n: types[n] for n in order}
    by_owner = _by_owner(code)
    names = {owner.lstrip("_"): object_name(tuple(fs)) for owner, fs in by_owner.items()}
    files = {"lk_runtime.h": templates.RUNTIME_H, "lk_io.h": templates.IO_H,
             "lk_io.cpp": templates.IO_CPP, "lk_args.h": _args_h(code, types),
             "lk_args.cpp": _args_cpp(code, types, names)}
    objects = []
    for owner, functions in by_owner.items():
        path = _file_name(owner, names[owner.lstrip("_")])
        files[path] = _object_file(owner, functions, types)
        objects.append(f"'{names[owner.lstrip('_')]}' ({path})")
    files["main.cpp"] = _main_cpp(code, objects or ["none"])
    files["Makefile"] = templates.MAKEFILE.format(openmp=openmp)
    files["CMakeLists.txt"] = templates.CMAKELISTS.format(use_openmp="ON" if openmp else "OFF")
    files["README.md"] = templates.README.format(objects=", ".join(objects) or "none")
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    return Project(files, digest.hexdigest(), tuple(objects))
