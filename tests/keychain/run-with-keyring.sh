#!/bin/sh
# Runs a test inside its own D-Bus session with an unlocked gnome-keyring (a real Secret Service)
# under a temporary HOME, so it never touches the developer's keyring.
#   run-with-keyring.sh <test-binary> [args]
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME="$T" XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" XDG_RUNTIME_DIR="$T/run" XDG_CACHE_HOME="$T/cache"
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY
exec dbus-run-session -- sh -c 'echo -n ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 && exec "$@"' sh "$@"
