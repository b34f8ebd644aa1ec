#!/usr/bin/env bash
# Fails when gui/translations/*.ts is not what lupdate makes of the GUI sources today: a tr()
# string added, changed or removed without `cmake --build build --target update_translations`.
set -euo pipefail
lupdate=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for ts in "$src"/gui/translations/*.ts; do
    cp "$ts" "$tmp/current.ts"
    "$lupdate" -silent -no-obsolete -locations none "$src/gui" -ts "$tmp/current.ts"
    if ! cmp -s "$ts" "$tmp/current.ts"; then
        echo "${ts#"$src"/} is out of date; run: cmake --build build --target update_translations" >&2
        diff -u "$ts" "$tmp/current.ts" | head -40 >&2 || true
        status=1
    fi
done
exit $status
