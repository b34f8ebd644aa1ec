#!/usr/bin/env bash
# Takes the README screenshot: a real greentic-dist-gui on a real (virtual) X server, Xvfb, showing
# a cache filled by the real CLI. Writes docs/screenshot.png (and docs/screenshot-bundles.png).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
BUILD_DIR=${BUILD_DIR:-build}
DIST="$(pwd)/$BUILD_DIR/headless/greentic-dist"
GUI="$(pwd)/$BUILD_DIR/gui/greentic-dist-gui"
WORK=$(mktemp -d /tmp/greentic-shot.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export GREENTIC_DIST_CACHE_DIR="$WORK/cache" HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/config"
export GREENTIC_CACHE_MAX_BYTES=$((3 * 1024 * 1024)) # a small cap so the usage bar has something to show
mkdir -p "$HOME"

S=resources/samples
"$DIST" pull "$S/components/hello-world.wasm" >/dev/null
"$DIST" pull "$S/components/echo-tool.wasm" >/dev/null
tar -C "$S/packs/hello-pack" -czf "$WORK/hello-pack.tar.gz" .
(cd "$WORK" && "$DIST" pull ./hello-pack.tar.gz >/dev/null)
for i in $(seq 1 9); do
    head -c $((i * 37000)) /dev/urandom >"$WORK/component-$i.wasm"
    (cd "$WORK" && "$DIST" pull "./component-$i.wasm" >/dev/null)
done
ID=$("$DIST" bundle stage "$S/components/hello-world.wasm")
"$DIST" bundle state "$ID" Warming >/dev/null
"$DIST" bundle state "$ID" Ready >/dev/null
"$DIST" bundle stage "$WORK/component-3.wasm" >/dev/null

mkdir -p docs
xvfb-run -a -s "-screen 0 1280x800x24" "$GUI" --screenshot docs/screenshot.png
xvfb-run -a -s "-screen 0 1280x800x24" "$GUI" --screenshot docs/screenshot-bundles.png --tab 1
echo "screenshot: docs/screenshot.png, docs/screenshot-bundles.png"
