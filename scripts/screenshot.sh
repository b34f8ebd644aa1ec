#!/usr/bin/env bash
# Takes the README screenshots: a real greentic-dist-gui on a real (virtual) X server, Xvfb, at
# 1280x800, light and dark, showing a cache filled by the real CLI from a real registry on loopback
# (Debian's docker-registry, fixtures pushed with skopeo) and from files: 60+ entries in several
# repositories, bundles in five lifecycle states, one corrupt entry.
# Writes docs/screenshot-{cache,usage,bundles}-{light,dark}.png.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bash scripts/build.sh >/dev/null
BUILD_DIR=${BUILD_DIR:-build}
DIST="$ROOT/$BUILD_DIR/headless/greentic-dist"
GUI="$ROOT/$BUILD_DIR/gui/greentic-dist-gui"
KIT="$ROOT/$BUILD_DIR/bench/dist-testkit"
WORK=$(mktemp -d /tmp/greentic-shot.XXXXXX)
REGISTRY_PID=
cleanup() {
    [ -n "$REGISTRY_PID" ] && kill "$REGISTRY_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
export GREENTIC_DIST_CACHE_DIR="$WORK/cache" HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/config"
export GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP=1 # the registry speaks plain http on loopback
export TZ=UTC
mkdir -p "$HOME"

PORT=$("$KIT" free-port)
REG="127.0.0.1:$PORT"
cat >"$WORK/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $WORK/registry}}
http: {addr: $REG}
YML
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 300); do curl -sf "http://$REG/v2/" >/dev/null && break; sleep 0.1; done
curl -sf "http://$REG/v2/" >/dev/null || { echo "docker-registry did not start on $REG" >&2; exit 1; }

# A component of a given size: the wasm magic and version, then random bytes.
component() { # file bytes
    { printf '\0asm\x0d\0\x01\0'; head -c "$2" /dev/urandom; } >"$1"
}
publish() { # repo tag file mediatype
    "$KIT" oci-layout --out "$WORK/layout-$1-$2" --tag "$2" \
        --annotation "org.opencontainers.image.source=https://github.com/greenticai/$1" "$3=$4" >/dev/null
    skopeo copy --quiet --dest-tls-verify=false "oci:$WORK/layout-$1-$2:$2" "docker://$REG/$1:$2"
    "$DIST" -q pull "oci://$REG/$1:$2" >/dev/null
}
S=resources/samples
i=0
for repo in greenticai/components/http-fetch greenticai/components/kv-store greenticai/components/llm-router \
    greenticai/components/templates greenticai/tools/echo-tool acme/components/billing; do
    for tag in 0.9.0 1.0.0 1.1.0 1.2.0 1.3.0 stable; do
        i=$((i + 1))
        component "$WORK/c$i.wasm" $(((i * 7919) % 900000 + 40000))
        publish "$repo" "$tag" "$WORK/c$i.wasm" application/vnd.wasm.component.v1+wasm
    done
done
tar -C "$S/packs/hello-pack" -czf "$WORK/hello-pack.tar.gz" .
for tag in 0.1.0 0.2.0 0.3.0; do
    publish greenticai/packs/hello-pack "$tag" "$WORK/hello-pack.tar.gz" application/vnd.greentic.pack.v1+tar+gzip
done
(cd "$WORK" && "$DIST" -q pull ./hello-pack.tar.gz >/dev/null)
"$DIST" -q pull "$S/components/hello-world.wasm" >/dev/null
"$DIST" -q pull "$S/components/echo-tool.wasm" >/dev/null
for n in $(seq 1 12); do
    component "$WORK/local-$n.wasm" $((n * 23000))
    (cd "$WORK" && "$DIST" -q pull "./local-$n.wasm" >/dev/null)
done

# Bundles in five states: Ready, Warming, Staged, Draining and Inactive.
stage() { "$DIST" bundle stage "$1"; }
READY=$(stage "oci://$REG/greenticai/components/templates:stable")
"$DIST" bundle state "$READY" Warming >/dev/null
"$DIST" bundle state "$READY" Ready >/dev/null
WARMING=$(stage "oci://$REG/greenticai/components/llm-router:1.3.0")
"$DIST" bundle state "$WARMING" Warming >/dev/null
stage "oci://$REG/greenticai/components/kv-store:1.2.0" >/dev/null
DRAINING=$(stage "oci://$REG/acme/components/billing:1.1.0")
"$DIST" bundle state "$DRAINING" Warming >/dev/null
"$DIST" bundle state "$DRAINING" Ready >/dev/null
"$DIST" bundle state "$DRAINING" Draining >/dev/null
INACTIVE=$(stage "$WORK/local-3.wasm")
for state in Warming Ready Draining Inactive; do "$DIST" bundle state "$INACTIVE" "$state" >/dev/null; done

# One corrupt entry: its blob is overwritten, and `cache verify` finds it out.
BLOB=$("$DIST" --json pull "oci://$REG/greenticai/components/http-fetch:0.9.0" \
    | sed -n 's/.*"cache_path": *"\([^"]*\)".*/\1/p')
chmod u+w "$BLOB"
head -c 1000 /dev/urandom | dd of="$BLOB" conv=notrunc status=none
"$DIST" cache verify >/dev/null 2>&1 || true # exits non-zero: it found the corrupt entry
ENTRIES=$("$DIST" --json cache ls | grep -c '"sha256:')

# For the window only (the CLI would have kept the cache under it): a cap the cache is over, so the
# usage map draws it.
export GREENTIC_CACHE_MAX_BYTES=$((6 * 1024 * 1024))
mkdir -p docs
shot() { # name palette tab [extra]
    xvfb-run -a -s "-screen 0 1280x800x24" "$GUI" --palette "$2" --tab "$3" "${@:4}" \
        --screenshot "docs/screenshot-$1-$2.png"
}
for palette in light dark; do
    shot cache "$palette" 0
    shot usage "$palette" 4
    shot bundles "$palette" 1
done
echo "screenshots of $ENTRIES entries: docs/screenshot-{cache,usage,bundles}-{light,dark}.png"
