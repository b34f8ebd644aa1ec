# Sourced by every benchmark. bench/run-all.sh sets BENCH_RESULTS to a file; each bench appends one
# tab-separated line per figure to it (bench, measure, value, unit, and an optional comparison and
# target), and run-all prints them as one table. Run alone, a bench prints only its own report.
#   bench_result BENCH MEASURE VALUE UNIT [OP TARGET]      OP is <= or >=
bench_result() {
    [[ -n "${BENCH_RESULTS:-}" ]] || return 0
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" "${6:-}" >>"$BENCH_RESULTS"
}
