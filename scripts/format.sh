#!/usr/bin/env bash
# Formats the C++ tree with the committed .clang-format; --check only reports.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.h')
if [[ "${1:-}" == "--check" ]]; then
    if ! clang-format --dry-run --Werror "${files[@]}"; then
        echo "format: run scripts/format.sh to fix the files above" >&2
        exit 1
    fi
    echo "format: ${#files[@]} files clean"
else
    clang-format -i "${files[@]}"
fi
