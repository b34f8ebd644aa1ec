#!/usr/bin/env bash
# Fuzzes libdist's parsers with libFuzzer (clang, ASan, UBSan). Not part of the default test run
# (that one replays each corpus and mutates it for a few seconds with gcc).
#   scripts/fuzz.sh [TARGET...]   targets: canonicalizer reference manifest lockfile records dsse toml tar
# FUZZ_SECONDS (default 120) bounds each target. New corpus entries go to build-fuzz/corpus/<target>;
# a crash leaves its reproducer in build-fuzz/ (replay it with build-fuzz/fuzz/fuzz_<target> FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! command -v clang++ >/dev/null || ! dpkg -s libclang-rt-14-dev >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends clang libclang-rt-14-dev
fi
ALL=(canonicalizer reference manifest lockfile records dsse toml tar)
TARGETS=("$@")
[[ ${#TARGETS[@]} -eq 0 ]] && TARGETS=("${ALL[@]}")
declare -A SEEDS=(
    [canonicalizer]="tests/corpus/packs" [reference]="" [manifest]="tests/corpus/manifests tests/corpus/indexes"
    [lockfile]="tests/corpus/lockfiles" [records]="tests/corpus/entry-json tests/corpus/bundle-records"
    [dsse]="tests/corpus/dsse tests/corpus/keys-manifests" [toml]="" [tar]="tests/corpus/tar"
)
BUILD_DIR=${BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDIST_BUILD_FUZZERS=ON \
    -DBUILD_TESTING=OFF >/dev/null
for t in "${TARGETS[@]}"; do
    [[ -n "${SEEDS[$t]+x}" ]] || { echo "unknown target $t (one of: ${ALL[*]})" >&2; exit 2; }
    cmake --build "$BUILD_DIR" --target "fuzz_$t" --parallel "$(nproc)"
    mkdir -p "$BUILD_DIR/corpus/$t"
    cp -n "fuzz/corpus/$t"/* "$BUILD_DIR/corpus/$t/" 2>/dev/null || true
    for s in ${SEEDS[$t]}; do cp -n "$s"/* "$BUILD_DIR/corpus/$t/" 2>/dev/null || true; done
    dict=()
    [[ -f "fuzz/$t.dict" ]] && dict=(-dict="$(pwd)/fuzz/$t.dict")
    echo "== fuzz_$t for ${FUZZ_SECONDS:-120} s"
    (cd "$BUILD_DIR" && "./fuzz/fuzz_$t" "${dict[@]}" -max_total_time="${FUZZ_SECONDS:-120}" -max_len=65536 \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "corpus/$t")
done
