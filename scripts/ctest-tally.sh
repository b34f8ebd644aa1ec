#!/usr/bin/env bash
# Runs CTest in one build directory and tallies it for the closing line of scripts/test.sh:
#   ctest-tally.sh BUILD_DIR PASS_NAME [ctest args…]
# Prints CTest's own output, then every test case that skipped itself (QSKIP) with its reason, and
# writes "passed failed skipped" (CTest's counts: a suite is skipped when it ran nothing) to
# BUILD_DIR/Testing/tally. Exits with CTest's status.
set -uo pipefail
dir=$1 name=$2
shift 2
log="$dir/Testing/ctest-output.log"
mkdir -p "$dir/Testing"
rm -f "$dir/Testing/tally"
ctest --test-dir "$dir" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# "  3/44 Test  #3: cacheentry .......   Passed    0.05 sec", "***Skipped", "***Failed", "***Timeout"…
results=$(grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$log" || true)
total=$(grep -c . <<<"$results" || true)
skipped=$(grep -cE '(\*\*\*| )Skipped ' <<<"$results" || true)
passed=$(grep -cE ' Passed ' <<<"$results" || true)
[[ -n $results ]] || total=0 skipped=0 passed=0
failed=$((total - passed - skipped))
if [[ $status -ne 0 && $failed -eq 0 ]]; then
    failed=1 # CTest failed before running tests (a configuration error): never report it green
fi
echo "$passed $failed $skipped" >"$dir/Testing/tally"
# Cases that skipped themselves inside suites that otherwise ran.
cases=$(grep -hE '^SKIP   : ' "$dir/Testing/Temporary/LastTest.log" 2>/dev/null | sed -E 's/^SKIP   : /  /' | sort -u || true)
if [[ -n $cases ]]; then
    echo "$name: test cases skipped here ($(grep -c . <<<"$cases")):"
    echo "$cases"
fi
echo "$name: $passed passed, $failed failed, $skipped skipped"
exit "$status"
