"""Kernel argument values <-> the files the compiled program reads and writes.

Inputs: ``<dir>/index.txt`` (one line per argument: ``name dtype ndim n0 n1 offset
nbytes``) and ``<dir>/inputs.bin`` (the bytes, each argument 64-byte aligned so the
program can use them in place). Results: ``<dir>/index.json`` and ``<dir>/<name>.bin``
per array. Reading results is all-or-nothing: every file is read and checked before any
value is copied into labkit's arrays, so a failed run leaves the previous state intact.
An array may come back larger than it went in only if its object declared it growable
(the program enlarged a full buffer); it is then handed back as a new array.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from labkit.codegen.cpp_project import CTYPES, ArgType
from labkit.errors import DeviceError

__all__ = ["arg_type", "as_input", "write_inputs", "read_results"]

_ALIGN = 64


def _code(dtype: np.dtype) -> str:
    code = f"{dtype.kind}{dtype.itemsize}"
    if code not in CTYPES:
        raise DeviceError(f"cpp_standalone cannot pass arrays of dtype {dtype} to C++")
    return code


def as_input(value, role: str | None = None) -> np.ndarray:
    """A kernel argument value -> the array written for it (0-d for scalars).

    ``role`` comes from the operations' symbols: ``'scalar'`` values are always doubles
    and ``'int'`` values int64, so a constant given once as ``1`` and once as ``1.5``
    does not change the program's types (and does not recompile it).
    """
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return value
    if role == "scalar":
        return np.asarray(float(value), dtype=np.float64)
    if role == "int":
        return np.asarray(int(value), dtype=np.int64)
    if isinstance(value, (bool, np.bool_)):
        return np.asarray(bool(value))
    if isinstance(value, (int, np.integer)):
        return np.asarray(int(value), dtype=np.int64)
    return np.asarray(float(value), dtype=np.float64)


def arg_type(array: np.ndarray) -> ArgType:
    if array.ndim > 2:
        raise DeviceError(f"cpp_standalone passes arrays of up to 2 dimensions, not {array.ndim}")
    return ArgType(_code(array.dtype), array.ndim)


def write_inputs(directory: Path, arrays: dict[str, np.ndarray]) -> None:
    """name -> array (0-d for scalars) -> index.txt + inputs.bin in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = ["# labkit inputs: name dtype ndim n0 n1 offset nbytes (bytes in inputs.bin)"]
    offset = 0
    with open(directory / "inputs.bin.tmp", "wb") as blob:
        for name, array in arrays.items():
            data = array if array.flags.c_contiguous else np.ascontiguousarray(array)
            shape = list(data.shape) + [0] * (2 - data.ndim)
            lines.append(f"{name} {_code(data.dtype)} {data.ndim} {shape[0]} {shape[1]} "
                         f"{offset} {data.nbytes}")
            blob.write(data.tobytes())
            pad = -data.nbytes % _ALIGN
            blob.write(b"\0" * pad)
            offset += data.nbytes + pad
    (directory / "index.txt").write_text("\n".join(lines) + "\n")
    os.replace(directory / "inputs.bin.tmp", directory / "inputs.bin")


def read_results(directory: Path, targets: dict[str, np.ndarray],
                 growable: dict[str, int] | None = None) -> dict[str, np.ndarray]:
    """Copy ``results/<name>.bin`` into each target array, after checking all of them.

    ``growable`` maps a target to the axis along which the program may have enlarged it;
    such a result, if larger, is not copied but returned (name -> new array). Raises
    DeviceError (and changes nothing) when the index or a file is missing or has the
    wrong size: a program that died half-way must not leave half results behind.
    """
    try:
        index = json.loads((directory / "index.json").read_text())
    except (OSError, ValueError) as error:
        raise DeviceError(f"the C++ program wrote no readable results in {directory} "
                          f"({error})") from None
    entries = {e["name"]: e for e in index["arrays"]}
    growable = growable or {}
    loaded = {}
    for name, target in targets.items():
        entry = entries.get(name)
        if entry is None:
            raise DeviceError(f"the C++ program's results lack '{name}' ({directory})")
        shape, axis = tuple(entry["shape"]), growable.get(name)
        data = np.fromfile(directory / entry["file"], dtype=target.dtype)
        if data.size != int(np.prod(shape)) or not (
                shape == target.shape or _enlarged(shape, target.shape, axis)):
            grows = "" if axis is None else f" or larger along axis {axis}"
            raise DeviceError(f"the C++ program's result '{name}' has shape {shape}, "
                              f"{data.size} values; expected {target.shape}{grows}")
        loaded[name] = data.reshape(shape)
    resized = {}
    for name, data in loaded.items():
        if data.shape == targets[name].shape:
            targets[name][...] = data
        else:
            resized[name] = data
    return resized


def _enlarged(shape: tuple, before: tuple, axis: int | None) -> bool:
    """``shape`` is ``before`` with axis ``axis`` longer."""
    if axis is None or len(shape) != len(before) or not 0 <= axis < len(shape):
        return False
    return shape[axis] > before[axis] and all(
        a == b for k, (a, b) in enumerate(zip(shape, before, strict=True)) if k != axis)
