#!/usr/bin/env bash
# README command two: install what is missing, build, check formatting, run every test.
# Ends with one line for the whole run (both passes): "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
bash scripts/format.sh --check
# Widget tests render offscreen; nothing here needs a display or the internet.
export QT_QPA_PLATFORM=offscreen
status=0
bash scripts/ctest-tally.sh "$BUILD_DIR" normal --output-on-failure --timeout 900 -j "$(nproc)" || status=$?
read -r passed failed skipped <"$BUILD_DIR/Testing/tally"
passes="normal build"
# The same suite under ASan+UBSan (a second build); DIST_SKIP_SANITIZERS=1 skips it locally.
if [[ "${DIST_SKIP_SANITIZERS:-0}" != 1 ]]; then
    sanitizer_status=0
    bash scripts/test-sanitizers.sh || sanitizer_status=$?
    SANITIZER_BUILD_DIR=${SANITIZER_BUILD_DIR:-build-asan}
    if [[ -f "$SANITIZER_BUILD_DIR/Testing/tally" ]]; then
        read -r p f s <"$SANITIZER_BUILD_DIR/Testing/tally"
    else
        p=0 f=1 s=0 # the sanitizer build itself failed
    fi
    if [[ $sanitizer_status -ne 0 && $f -eq 0 ]]; then
        f=1 # every test passed but a sanitizer report appeared
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    [[ $sanitizer_status -eq 0 ]] || status=$sanitizer_status
    passes="normal and sanitizer builds"
fi
echo "test.sh ($passes): $passed passed, $failed failed, $skipped skipped"
exit "$status"
