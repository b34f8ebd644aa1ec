#!/usr/bin/env bash
# Installs every Debian package the build, the demo and the tests need.
# Idempotent: only packages that are missing are installed.
set -euo pipefail

PACKAGES=(
    build-essential cmake ninja-build pkg-config git ca-certificates clang-format
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-l10n-tools libqt6svg6 qt6-httpserver-dev qt6-websockets-dev qtkeychain-qt6-dev libgl-dev
    libssl-dev libarchive-dev libzstd-dev libyaml-dev libtomlplusplus-dev
    docker-registry skopeo curl openssl zstd gzip tar apache2-utils golang-docker-credential-helpers tinyproxy-bin
    gnome-keyring dbus dbus-daemon libsecret-1-0 xvfb xauth procps psmisc time
    appstream desktop-file-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
    SUDO="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# The Debian docker-registry package starts a system service on :5000; the tests run their own
# registries on free ports. (tinyproxy-bin is the executable alone, without a service.)
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    $SUDO systemctl stop docker-registry || true
fi
