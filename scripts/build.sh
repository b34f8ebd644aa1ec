#!/usr/bin/env bash
# Installs what is missing and builds everything (library, CLI, GUI, tests, tools) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build}
# -g1 (line tables, enough for backtraces) instead of -g: full debug info doubles compile and
# link time on 2 cores. DIST_CXX_FLAGS overrides it (e.g. "-O0 -g" to step through in a debugger).
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${DIST_CXX_FLAGS:--O2 -g1} -DNDEBUG" -DDIST_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
