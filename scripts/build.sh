#!/usr/bin/env bash
# Installs what is missing and builds everything (library, CLI, GUI, tests, tools) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDIST_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
