"""The fixed parts of a generated C++ project: runtime header, file I/O, build files, README.

These texts do not depend on the model. They are kept small on purpose: every object file
includes ``lk_runtime.h``, so each header here costs compile time once per object.
"""

from __future__ import annotations

from labkit.codegen.printers import PRELUDES

__all__ = ["RUNTIME_H", "IO_H", "IO_CPP", "MAKEFILE", "CMAKELISTS", "README"]

RUNTIME_H = """\
// labkit runtime support: math helpers, the random number generator, scratch buffers,
// enlarging full buffers.
#pragma once
#include <cstdint>
#include <cstdlib>
""" + PRELUDES["cpp"] + """
namespace lk {

extern uint64_t* _rng;       // xoshiro256++ state (4 words), seeded from labkit's seed()
extern int64_t _lk_threads;  // OpenMP threads (the program is built with -fopenmp or not)

// a zeroed block of `rows` rows of `wide` bytes, each starting with the `row` bytes of
// that row of `data`, which it frees unless it lies in the inputs (lk_io.cpp)
void* _lk_regrow(void* data, int64_t rows, int64_t row, int64_t wide);

// Enlarge an argument array along axis 0 to `rows`, keeping its first `used` rows; the
// new shape goes to results/. Only between two operations: each takes its own copy of
// the pointer at entry.
template <typename T>
static inline void _lk_grow(T*& data, int64_t& n0, const int64_t n1, const int64_t used,
                            const int64_t rows)
{
    const int64_t row = (int64_t)sizeof(T) * (n1 > 0 ? n1 : 1);
    data = (T*)_lk_regrow(data, 1, used * row, rows * row);  // one "row": the used part
    n0 = rows;
}

// Enlarge a 2-D argument array along axis 1 to `cols`, keeping every row's items (rows
// start at the new stride). An operation may call it on the global (lk::name), but must
// then use the new pointer and n1: its own copies taken at entry are stale.
template <typename T>
static inline void _lk_grow_columns(T*& data, const int64_t n0, int64_t& n1,
                                    const int64_t cols)
{
    const int64_t item = (int64_t)sizeof(T);
    data = (T*)_lk_regrow(data, n0, n1 * item, cols * item);
    n1 = cols;
}

static inline uint64_t _lk_rotl(const uint64_t x, const int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t _lk_next()
{
    uint64_t* const s = _rng;
    const uint64_t result = _lk_rotl(s[0] + s[3], 23) + s[0];
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = _lk_rotl(s[3], 45);
    return result;
}

// uniform on [0, 1): the top 53 bits of one draw
static inline double _rand()
{
    return (double)(_lk_next() >> 11) * 0x1.0p-53;
}

// standard normal (Box-Muller, one value per call: no hidden state between call sites)
static inline double _randn()
{
    const double u1 = 1.0 - _rand();  // in (0, 1]: log(u1) is finite
    const double u2 = _rand();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// a binomial count (n trials of probability p) by inversion: walk the cumulative
// distribution from 0 (about n*p steps); p > 1/2 counts the failures instead. Used where
// n*p or n*(1-p) is at most 5 (PoissonInput; larger counts use a normal approximation),
// so the walk is short; a walk past 10 standard deviations starts again.
static inline double _binomial(const int64_t n, const double p)
{
    const bool flip = p > 0.5;
    const double P = flip ? 1.0 - p : p, q = 1.0 - P;
    const double p0 = std::exp((double)n * std::log(q));
    const double limit = std::min((double)n, n * P + 10.0 * std::sqrt(n * P * q + 1.0));
    for (;;) {
        double u = _rand(), px = p0;
        int64_t x = 0;
        while (u > px && x <= limit) {
            u -= px;
            ++x;
            px *= (double)(n - x + 1) * P / ((double)x * q);
        }
        if (x <= limit) return (double)(flip ? n - x : x);
    }
}

// the row of a TimedArray at time t (Brian2's rounding, clipped to the last value)
static inline int64_t _lk_row(const double t, const double eps, const double K,
                              const int64_t n)
{
    const int64_t row = (int64_t)((t / eps + 0.5) / K);
    return std::min(std::max(row, (int64_t)0), n - 1);
}

// whether an element loop of n elements is worth several threads
static inline bool _lk_parallel(const int64_t n)
{
    return _lk_threads > 1 && n >= 256;
}

// a buffer for one call site's random numbers, grown when needed, never shrunk
struct Scratch {
    double* data = nullptr;
    int64_t size = 0;
    double* get(const int64_t n)
    {
        if (n > size) {
            std::free(data);
            data = (double*)std::malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
            size = n;
        }
        return data;
    }
};

}  // namespace lk
"""

IO_H = """\
// Reading the inputs file and writing results (see README.md for the formats).
#pragma once
#include <cstdint>

namespace lk {

[[noreturn]] void fail(const char* format, const char* a, const char* b, const char* c);

struct Inputs {
    explicit Inputs(const char* directory);
    // point *data at the array `name` and fill its shape; stops if dtype or ndim differ
    void array(const char* name, const char* dtype, int ndim, void** data, int64_t* n0,
               int64_t* n1);
    void scalar(const char* name, const char* dtype, void* value, int size);
};

struct Results {
    explicit Results(const char* directory);
    void array(const char* name, const char* dtype, const void* data, int ndim, int64_t n0,
               int64_t n1, int item, const char* object);
    void close();
};

}  // namespace lk
"""

IO_CPP = r"""// Inputs: <dir>/index.txt (name dtype ndim n0 n1 offset nbytes per line) and
// <dir>/inputs.bin (the bytes). Results: <dir>/<name>.bin per array and <dir>/index.json.
#include "lk_io.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>

namespace lk {

namespace {
struct Entry {
    char name[256];
    char dtype[16];
    int ndim;
    long long n0, n1, offset, nbytes;
};
Entry* entries = nullptr;
int n_entries = 0;
char* blob = nullptr;  // kept for the whole run: the arguments point into it
long long blob_size = 0;
FILE* index_json = nullptr;
char results_dir[4096];
int n_results = 0;

const Entry& find(const char* name, const char* dtype, int ndim)
{
    for (int k = 0; k < n_entries; ++k) {
        if (std::strcmp(entries[k].name, name) != 0) continue;
        if (std::strcmp(entries[k].dtype, dtype) != 0 || entries[k].ndim != ndim) {
            fail("input '%s' has dtype %s; this program was built for %s (regenerate it)",
                 name, entries[k].dtype, dtype);
        }
        return entries[k];
    }
    fail("input '%s' is missing from the inputs index%s%s", name, "", "");
}
}  // namespace

void fail(const char* format, const char* a, const char* b, const char* c)
{
    std::fprintf(stderr, "labkit: ");
    std::fprintf(stderr, format, a, b, c);
    std::fprintf(stderr, "\n");
    std::exit(2);
}

Inputs::Inputs(const char* directory)
{
    char path[4096];
    std::snprintf(path, sizeof(path), "%s/index.txt", directory);
    FILE* index = std::fopen(path, "r");
    if (!index) fail("cannot open %s%s%s", path, "", "");
    int capacity = 64;
    entries = (Entry*)std::malloc(sizeof(Entry) * capacity);
    long long total = 0;
    char line[1024];
    while (std::fgets(line, sizeof(line), index)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        if (n_entries == capacity) {
            capacity *= 2;
            entries = (Entry*)std::realloc(entries, sizeof(Entry) * capacity);
        }
        Entry& e = entries[n_entries];
        if (std::sscanf(line, "%255s %15s %d %lld %lld %lld %lld", e.name, e.dtype, &e.ndim,
                        &e.n0, &e.n1, &e.offset, &e.nbytes) != 7) {
            fail("bad line in %s: %s%s", path, line, "");
        }
        if (e.offset + e.nbytes > total) total = e.offset + e.nbytes;
        ++n_entries;
    }
    std::fclose(index);
    std::snprintf(path, sizeof(path), "%s/inputs.bin", directory);
    FILE* data = std::fopen(path, "rb");
    if (!data) fail("cannot open %s%s%s", path, "", "");
    blob_size = (total + 127) / 64 * 64;
    blob = (char*)std::aligned_alloc(64, (size_t)blob_size);
    if ((long long)std::fread(blob, 1, (size_t)total, data) != total) {
        fail("%s is shorter than its index says%s%s", path, "", "");
    }
    std::fclose(data);
}

void Inputs::array(const char* name, const char* dtype, int ndim, void** data, int64_t* n0,
                   int64_t* n1)
{
    const Entry& e = find(name, dtype, ndim);
    *data = blob + e.offset;
    *n0 = e.n0;
    *n1 = e.n1;
}

void Inputs::scalar(const char* name, const char* dtype, void* value, int size)
{
    const Entry& e = find(name, dtype, 0);
    std::memcpy(value, blob + e.offset, (size_t)size);
}

namespace {
// zeroed as numpy.zeros is when labkit enlarges a buffer: the same bytes in results/
char* zeroed(int64_t bytes)
{
    char* block = (char*)std::calloc((size_t)(bytes > 0 ? bytes : 1), 1);
    if (!block) {
        char size[32];
        std::snprintf(size, sizeof(size), "%lld", (long long)bytes);
        fail("out of memory enlarging a buffer to %s bytes%s%s", size, "", "");
    }
    return block;
}

// free an array replaced by a larger one; an input's bytes stay in the blob
void release(void* data)
{
    const uintptr_t at = (uintptr_t)data, start = (uintptr_t)blob;
    if (data && !(at >= start && at < start + (uintptr_t)blob_size)) std::free(data);
}
}  // namespace

void* _lk_regrow(void* data, int64_t rows, int64_t row, int64_t wide)
{
    char* grown = zeroed(rows * wide);
    for (int64_t r = 0; r < rows && row > 0; ++r) {
        std::memcpy(grown + r * wide, (const char*)data + r * row, (size_t)row);
    }
    release(data);
    return grown;
}

Results::Results(const char* directory)
{
    std::snprintf(results_dir, sizeof(results_dir), "%s", directory);
    mkdir(directory, 0755);  // fine if it exists
    char path[4200];
    std::snprintf(path, sizeof(path), "%s/index.json", directory);
    index_json = std::fopen(path, "w");
    if (!index_json) fail("cannot write %s%s%s", path, "", "");
    std::fprintf(index_json, "{\"arrays\": [\n");
}

void Results::array(const char* name, const char* dtype, const void* data, int ndim,
                    int64_t n0, int64_t n1, int item, const char* object)
{
    char path[4400];
    std::snprintf(path, sizeof(path), "%s/%s.bin", results_dir, name);
    FILE* out = std::fopen(path, "wb");
    if (!out) fail("cannot write %s%s%s", path, "", "");
    const long long count = ndim == 2 ? (long long)n0 * n1 : (long long)n0;
    if (count > 0 && std::fwrite(data, (size_t)item, (size_t)count, out) != (size_t)count) {
        fail("writing %s failed (disk full?)%s%s", path, "", "");
    }
    std::fclose(out);
    std::fprintf(index_json, "%s  {\"name\": \"%s\", \"dtype\": \"%s\", \"shape\": [%lld",
                 n_results++ ? ",\n" : "", name, dtype, (long long)n0);
    if (ndim == 2) std::fprintf(index_json, ", %lld", (long long)n1);
    std::fprintf(index_json, "], \"file\": \"%s.bin\", \"object\": \"%s\"}", name, object);
}

void Results::close()
{
    std::fprintf(index_json, "\n]}\n");
    std::fclose(index_json);
}

}  // namespace lk
"""

MAKEFILE = """\
# Generated by labkit: `make` builds ./main, `./main` runs the simulation (see README.md).
# Flags: -O3 and the host's instruction set for speed; -ffp-contract=off (no fused
# multiply-add) and no -ffast-math, so results equal labkit's runtime device.
# -fno-trapping-math (we never read floating-point exception flags) lets the compiler
# compute both sides of a branch-free select, and -fopenmp-simd honours the `omp simd`
# that marks element loops as independent: together they make neuron loops SIMD code
# without changing a single result.
CXX ?= g++
ARCH ?= -march=native
OPENMP ?= {openmp}
LKFLAGS := -std=c++17 -O3 $(ARCH) -ffp-contract=off -fno-math-errno -fno-trapping-math \
           -fopenmp-simd -w
SOURCES := main.cpp lk_args.cpp lk_io.cpp $(sort $(wildcard objects/*.cpp))
OBJECTS := $(SOURCES:.cpp=.o)

main: $(OBJECTS)
\t$(CXX) $(LKFLAGS) $(OPENMP) $(CXXFLAGS) -o $@ $(OBJECTS) $(LDFLAGS)

%.o: %.cpp lk_args.h lk_runtime.h lk_io.h
\t$(CXX) $(LKFLAGS) $(OPENMP) $(CXXFLAGS) -c -o $@ $<

clean:
\trm -f main $(OBJECTS)

.PHONY: clean
"""

CMAKELISTS = """\
# Generated by labkit: builds the Makefile's program with its flags (why: see there).
# -DLABKIT_ARCH= builds a portable binary, -DLABKIT_OPENMP=OFF one without OpenMP:
#   cmake -S . -B build && cmake --build build -j && ./build/main static results
cmake_minimum_required(VERSION 3.13)
project(labkit_simulation CXX)
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(LABKIT_ARCH "-march=native" CACHE STRING "instruction set flags (empty: portable)")
option(LABKIT_OPENMP "build with OpenMP" {use_openmp})
file(GLOB OBJECT_SOURCES CONFIGURE_DEPENDS objects/*.cpp)
add_executable(main main.cpp lk_args.cpp lk_io.cpp ${{OBJECT_SOURCES}})
separate_arguments(ARCH_FLAGS UNIX_COMMAND "${{LABKIT_ARCH}}")
target_compile_options(main PRIVATE -O3 ${{ARCH_FLAGS}} -ffp-contract=off -fno-math-errno
                       -fno-trapping-math -fopenmp-simd -w)
if(LABKIT_OPENMP)
  find_package(OpenMP REQUIRED)
  target_link_libraries(main PRIVATE OpenMP::OpenMP_CXX)
endif()
"""

README = """\
# labkit C++ standalone project

Generated by labkit's `cpp_standalone` device from the last `run()` of a script. The
program runs that run's simulation loop with the values in `static/` and writes the
results to `results/`; labkit reads them back into the monitors and groups.

## Build and run

    make            # needs a C++17 compiler (g++ or clang++); `make CXX=clang++` to choose
    ./main          # = ./main static results

or with CMake: `cmake -S . -B build && cmake --build build -j && ./build/main`.
`make OPENMP=` builds without OpenMP; the number of threads is an input (`_lk_threads`).

## Files

- `main.cpp`: reads the inputs, runs the schedule (one loop over time steps, the
  operations in Brian2's order), writes the results.
- `objects/*.cpp`: one file per simulated object (group, monitor, ...), named after it;
  each function is one operation of that object.
- `lk_args.h`, `lk_args.cpp`: the arguments (state arrays, parameters, constants) and
  their types; `lk_runtime.h`: math helpers and the random number generator
  (xoshiro256++); `lk_io.cpp`: reading and writing the files below.
- `static/index.txt` + `static/inputs.bin`: every input, one line each:
  `name dtype ndim n0 n1 offset nbytes` (dtype as numpy writes it: f8, i8, i4, b1, u8),
  the bytes at `offset` in `inputs.bin`. Change values there to re-run without
  recompiling (labkit does this for `device.run(run_args=...)`).
- `results/index.json` + `results/<name>.bin`: every array after the run (raw, C order),
  with dtype, shape and the object it belongs to. In Python:
  `numpy.fromfile('results/NAME.bin', dtype).reshape(shape)`. A spike monitor's arrays
  may be longer than in `static/`: the program enlarges them when they fill up (only
  the first `_n` entries are spikes); so may a synaptic queue's `_qdata` rows (more
  columns; only the first `_qn` entries of a row are events).
- `results` also holds `_lk_status`: 0 when the run finished; 2 when it stopped early
  because a state variable became NaN or infinite, at step `_lk_status[1]`. (1, a full
  buffer, does not occur here: the program enlarges its buffers itself.)

Objects in this project: {objects}
"""
