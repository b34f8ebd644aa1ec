#!/usr/bin/env bash
# README command two: install what is missing, build, check formatting, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
bash scripts/format.sh --check
# Widget tests render offscreen; nothing here needs a display or the internet.
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 900 -j "$(nproc)"
# The same suite under ASan+UBSan (a second build); DIST_SKIP_SANITIZERS=1 skips it locally.
if [[ "${DIST_SKIP_SANITIZERS:-0}" != 1 ]]; then
    bash scripts/test-sanitizers.sh
fi
