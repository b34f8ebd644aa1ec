#!/usr/bin/env bash
# Crash soak, not part of the default test run: SOAK_KILLS pulls (default 50) from a real registry
# are SIGKILLed at random moments, the cache is verified after each kill and every artifact then
# pulls to completion; SOAK_PROCESSES processes (default 8) pull overlapping lockfiles into one
# cache at once. Prints the counts; SOAK_SEED replays a run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
export LC_ALL=C.UTF-8 QT_LOGGING_RULES="dist.*.info=false"
"$BUILD_DIR/tests/tst_soak" -maxwarnings 0 "$@"
