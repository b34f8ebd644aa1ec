#!/usr/bin/env bash
# The whole test suite again, built with AddressSanitizer and UndefinedBehaviorSanitizer (GCC).
# Every process the tests start (the CLI included) writes its reports to one directory; the run
# fails if any report appears, even when the test that caused it passed. Called by scripts/test.sh;
# `--build-only` stops after the build (scripts/stress-tests.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD_DIR=${SANITIZER_BUILD_DIR:-build-asan}
rm -f "$BUILD_DIR/Testing/tally" # a failed build leaves no stale count behind
# -Og -g1: line numbers in reports; -Og compiles a third faster than -O1 here and runs the suite
# about as fast (the tests wait on sockets and processes, not on instrumented code).
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-Og -g1" \
    -DDIST_WERROR=ON -DDIST_SANITIZE=ON -DDIST_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
if [[ "${1:-}" == --build-only ]]; then exit 0; fi
REPORTS=$(mktemp -d /tmp/greentic-dist-sanitizers.XXXXXX)
export ASAN_OPTIONS="log_path=$REPORTS/asan:detect_leaks=1:fast_unwind_on_malloc=0:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$REPORTS/ubsan"
export QT_QPA_PLATFORM=offscreen
status=0
bash scripts/ctest-tally.sh "$BUILD_DIR" sanitizers --output-on-failure --timeout 900 -j "$(nproc)" || status=$?
if compgen -G "$REPORTS/*" >/dev/null; then
    echo "sanitizers: reports in $REPORTS:" >&2
    for f in "$REPORTS"/*; do echo "== $f" >&2; head -40 "$f" >&2; done
    exit 1 # scripts/test.sh counts this as a failure even when every test passed
fi
rm -rf "$REPORTS"
if [[ $status -ne 0 ]]; then exit "$status"; fi
echo "sanitizers: ASan+UBSan run clean (no reports)"
