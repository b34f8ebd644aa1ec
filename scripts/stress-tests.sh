#!/usr/bin/env bash
# The default suite, normal build then sanitizer build, ROUNDS times in a row (default 3) while
# two CPU-burning processes and a disk writer run beside it: what a loaded CI machine looks like.
#   bash scripts/stress-tests.sh [ROUNDS]
# Prints the wall time and counts of every pass, then the failures per test; exits 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
BUILD_DIR=${BUILD_DIR:-build}
SANITIZER_BUILD_DIR=${SANITIZER_BUILD_DIR:-build-asan}
export BUILD_DIR SANITIZER_BUILD_DIR QT_QPA_PLATFORM=offscreen

# Both builds first, on a quiet machine: the load is for the tests.
bash scripts/build.sh
bash scripts/test-sanitizers.sh --build-only

WORK=$(mktemp -d /tmp/greentic-dist-stress.XXXXXX)
load=()
stop_load() {
    for pid in "${load[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap stop_load EXIT
for _ in 1 2; do
    bash -c 'while :; do :; done' &
    load+=($!)
done
# Writes and syncs 256 MiB over and over: fsyncs in the tests queue behind it.
bash -c 'while :; do dd if=/dev/zero of="$1/fill" bs=1M count=256 conv=fsync status=none; rm -f "$1/fill"; done' \
    writer "$WORK" &
load+=($!)
echo "stress: ${#load[@]} load processes (2 CPU burners, 1 disk writer), $ROUNDS rounds"

summary=()
failures="$WORK/failures"
: >"$failures"
overall=0
record() { # PASS_NAME ROUND DIR STATUS SECONDS
    local name=$1 round=$2 dir=$3 status=$4 secs=$5 p=0 f=1 s=0
    if [[ -f "$dir/Testing/tally" ]]; then read -r p f s <"$dir/Testing/tally"; fi
    if [[ $status -ne 0 && $f -eq 0 ]]; then f=1; echo "$name (sanitizer reports)" >>"$failures"; fi
    grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$dir/Testing/ctest-output.log" 2>/dev/null \
        | grep -vE ' Passed |Skipped ' | sed -E 's/^.*Test +#[0-9]+: ([^ ]+) .*\*\*\*([A-Za-z]+).*/\1 (\2)/' \
        | sed "s/^/$name /" >>"$failures" || true
    summary+=("$(printf 'round %d  %-10s  %4d s  %3d passed, %d failed, %d skipped' "$round" "$name" "$secs" "$p" "$f" "$s")")
    [[ $status -eq 0 ]] || overall=1
}
for round in $(seq 1 "$ROUNDS"); do
    start=$(date +%s)
    st=0
    bash scripts/ctest-tally.sh "$BUILD_DIR" normal --output-on-failure --timeout 900 -j "$(nproc)" || st=$?
    record normal "$round" "$BUILD_DIR" "$st" $(($(date +%s) - start))
    start=$(date +%s)
    st=0
    bash scripts/test-sanitizers.sh || st=$?
    record sanitizers "$round" "$SANITIZER_BUILD_DIR" "$st" $(($(date +%s) - start))
done

echo
echo "stress: $ROUNDS rounds under load"
printf '%s\n' "${summary[@]}"
if [[ -s $failures ]]; then
    echo "failures per test (build, test, how often):"
    sort "$failures" | uniq -c | awk '{c=$1; $1=""; printf "  %s%s ×%d\n", "", $0, c}'
else
    echo "no test failed"
fi
exit "$overall"
