#!/usr/bin/env bash
# Fuzzes the assay canonicalizer with libFuzzer (clang, ASan, UBSan). Not part of the default test
# run. FUZZ_SECONDS (default 120) bounds the run; new corpus entries go to build-fuzz/corpus, and a
# crash leaves its reproducer in build-fuzz/ (replay it with build-fuzz/fuzz/fuzz_canonicalizer FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if ! command -v clang++ >/dev/null || ! dpkg -s libclang-rt-14-dev >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends clang libclang-rt-14-dev
fi
BUILD_DIR=${BUILD_DIR:-build-fuzz}
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDIST_BUILD_FUZZERS=ON \
    -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR" --target fuzz_canonicalizer --parallel "$(nproc)"
mkdir -p "$BUILD_DIR/corpus"
cp -n fuzz/corpus/canonicalizer/* "$BUILD_DIR/corpus/" 2>/dev/null || true
cd "$BUILD_DIR"
./fuzz/fuzz_canonicalizer -dict=../fuzz/canonicalizer.dict -max_total_time="${FUZZ_SECONDS:-120}" -max_len=65536 \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 corpus
