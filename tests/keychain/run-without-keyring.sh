#!/bin/sh
# Runs a test on a session bus that offers no Secret Service at all: what a headless server without
# gnome-keyring looks like.
#   run-without-keyring.sh <test-binary> [args]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME="$T" XDG_CONFIG_HOME="$T/config" XDG_RUNTIME_DIR="$T/run" DIST_EXPECT_NO_KEYCHAIN=1
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY
exec dbus-run-session --config-file="$HERE/no-services.conf" -- "$@"
