#!/usr/bin/env bash
# Runs every benchmark in bench/ one after another (never two at once: they share 2 cores) and
# prints one table of their figures and targets. Takes about 25 minutes on the 2-core CI machine.
#   bench/run-all.sh [NAME...]      (default: all of them; names as in bench/README.md)
#   QUICK=1 bench/run-all.sh        smaller sizes and one run each, for a smoke check (~6 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
export BENCH_RESULTS
BENCH_RESULTS=$(mktemp "${BENCH_TMP:-/var/tmp}/greentic-bench-results.XXXXXX")
LOGS=$(mktemp -d "${BENCH_TMP:-/var/tmp}/greentic-bench-logs.XXXXXX")
trap 'rm -f "$BENCH_RESULTS"' EXIT

if [[ "${QUICK:-0}" == 1 ]]; then
    declare -A ARGS=([pull-large]="256 1" [airgap]="256 1" [pull-many]="40 1" [lockfile-wan]="40 1 50"
        [lockfile-wan-tls]="40 1 50" [ranged-wan]="256 1 20 25 1 6" [retention]="20000 2000" [gui]="20000")
else
    declare -A ARGS=([pull-large]="1024 3" [airgap]="1024 3" [pull-many]="100 3" [lockfile-wan]="200 3 50"
        [lockfile-wan-tls]="200 3 50" [ranged-wan]="1024 1 20 25 1 6" [retention]="" [gui]="")
fi
ORDER=(pull-large ranged-wan lockfile-wan lockfile-wan-tls pull-many airgap retention gui)
(($#)) && ORDER=("$@")

failed=()
for name in "${ORDER[@]}"; do
    [[ -v "ARGS[$name]" ]] || { echo "run-all: no benchmark named $name" >&2; exit 2; }
    script=$name
    envs=()
    if [[ $name == lockfile-wan-tls ]]; then script=lockfile-wan; envs=(TLS=1); fi
    echo "run-all: $name ${ARGS[$name]} (log: $LOGS/$name.log)"
    # shellcheck disable=SC2086 # the argument lists are word lists
    if ! env "${envs[@]}" bash "bench/$script" ${ARGS[$name]} >"$LOGS/$name.log" 2>&1; then
        failed+=("$name")
        echo "run-all: $name failed; the end of its log:" >&2
        tail -5 "$LOGS/$name.log" >&2
    fi
done

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(. /etc/os-release && echo "$PRETTY_NAME"), $(date -u '+%Y-%m-%d %H:%M UTC')"
awk -F'\t' '
    BEGIN { printf "%-18s %-52s %12s  %-10s %s\n", "bench", "measure", "value", "target", "" }
    {
        target = ($5 == "") ? "" : $5 " " $6
        verdict = ""
        if ($5 == "<=") verdict = ($3 + 0 <= $6 + 0) ? "met" : "NOT MET"
        if ($5 == ">=") verdict = ($3 + 0 >= $6 + 0) ? "met" : "NOT MET"
        printf "%-18s %-52s %9s %-3s %-10s %s\n", ($1 == last ? "" : $1), $2, $3, $4, target, verdict
        last = $1
    }' "$BENCH_RESULTS"
echo "logs: $LOGS"
if ((${#failed[@]})); then
    echo "run-all: failed: ${failed[*]}" >&2
    exit 1
fi
