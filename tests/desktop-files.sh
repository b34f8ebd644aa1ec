#!/usr/bin/env bash
# The desktop integration as a distribution would check it: the AppStream metainfo and the .desktop
# entry validate, and an install of the build puts both, with the icon, where desktops look.
set -euo pipefail
src=$1
build=$2
appstreamcli validate --no-net --pedantic "$src/resources/dev.greentic.dist.gui.metainfo.xml"
desktop-file-validate "$src/resources/greentic-dist-gui.desktop"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in share/applications/greentic-dist-gui.desktop share/metainfo/dev.greentic.dist.gui.metainfo.xml \
    share/icons/hicolor/scalable/apps/greentic-dist.svg bin/greentic-dist-gui bin/greentic-dist; do
    if [[ ! -e "$prefix/$f" ]]; then
        echo "install is missing $f" >&2
        exit 1
    fi
done
echo "metainfo, desktop entry and install layout: ok"
