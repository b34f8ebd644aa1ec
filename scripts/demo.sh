#!/usr/bin/env bash
# README command one: install what is missing, build, then walk through the pull path against a
# registry that runs on this machine (loopback only; no internet needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
ROOT=$(pwd)
DIST="$ROOT/$BUILD_DIR/headless/greentic-dist"
KIT="$ROOT/$BUILD_DIR/bench/dist-testkit"
WORK=$(mktemp -d /tmp/greentic-dist-demo.XXXXXX)
REGISTRY_PID=""
cleanup() {
    if [[ -n "$REGISTRY_PID" ]]; then kill "$REGISTRY_PID" 2>/dev/null || true; wait "$REGISTRY_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true)
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }

export GREENTIC_DIST_CACHE_DIR="$WORK/cache"
export GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP=1   # the demo registry speaks plain http on loopback
alias_dist() { "$DIST" "$@"; }

step "1. Start a real OCI registry (CNCF distribution, Debian's docker-registry) on loopback"
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
for _ in $(seq 50); do curl -sf "http://$REG/v2/" >/dev/null && break; sleep 0.1; done
echo "registry listening on http://$REG (storage in $WORK/registry)"

step "2. Publish the sample components and packs from resources/samples with skopeo"
S="$ROOT/resources/samples"
tar -C "$S/packs/hello-pack" -czf "$WORK/hello-pack.tar.gz" .
tar -C "$S/packs/echo-bundle" --use-compress-program=zstd -cf "$WORK/echo-bundle.tar.zst" .
publish() { # tag repo file=mediatype
    local tag=$1 repo=$2; shift 2
    "$KIT" oci-layout --out "$WORK/layout" --tag "$tag" --annotation "org.opencontainers.image.source=greentic-dist demo" "$@" >/dev/null
    skopeo copy --quiet --preserve-digests --dest-tls-verify=false "oci:$WORK/layout:$tag" "docker://$REG/$repo:0.1.0"
    echo "published $REG/$repo:0.1.0"
}
publish hello demo/components/hello-world "$S/components/hello-world.wasm=application/vnd.wasm.component.v1+wasm"
publish echo demo/components/echo-tool "$S/components/echo-tool.wasm=application/wasm"
publish pack demo/packs/hello-pack "$WORK/hello-pack.tar.gz=application/vnd.greentic.pack.v1+tar+gzip" "$S/packs/hello-pack/README.md=text/markdown"
publish bundle demo/bundles/echo-bundle "$WORK/echo-bundle.tar.zst=application/vnd.greentic.bundle.v1+tar+zstd"

step "3. Resolve a tag: the registry is asked for the manifest only; the digest printed is the pin"
run "$DIST" resolve "oci://$REG/demo/components/hello-world:0.1.0"
PIN=$("$DIST" resolve "$REG/demo/components/hello-world:0.1.0")

step "4. Pull: the layer streams into cache/ingest, is hashed while it arrives, and is renamed into place"
run "$DIST" pull "oci://$REG/demo/components/hello-world:0.1.0" --json
echo "A pack published as +tar+gzip with a README layer: the pack layer is chosen by media type."
run "$DIST" pull "$REG/demo/packs/hello-pack:0.1.0"

step "5. Pull a lockfile: entries run in parallel (--jobs), output keeps the lockfile order"
cat >"$WORK/pack.lock.json" <<JSON
{"schema_version": 1, "components": [
  {"name": "hello-world", "ref": "$REG/demo/components/hello-world:0.1.0", "digest": "$PIN"},
  {"name": "echo-tool", "ref": "$REG/demo/components/echo-tool:0.1.0"},
  "$REG/demo/bundles/echo-bundle:0.1.0"
]}
JSON
run "$DIST" pull --lock "$WORK/pack.lock.json" --jobs 3

step "6. The cache: one content-addressed entry per artifact, with where it came from"
run "$DIST" cache ls --long

step "7. Offline: a digest-pinned reference is served from the cache; a tag needs the network (exit 4)"
run "$DIST" --offline pull "$REG/demo/components/hello-world@$PIN"
set +e
"$DIST" --offline pull "$REG/demo/components/hello-world:0.1.0"; echo "exit code $?"
set -e

step "8. Verify re-hashes every blob; a tampered blob is reported (exit 6) and repaired by the next pull"
run "$DIST" cache verify
BLOB=$("$DIST" --offline pull "$REG/demo/components/echo-tool:0.1.0" 2>/dev/null || "$DIST" pull "$REG/demo/components/echo-tool:0.1.0")
printf 'tampered' >>"$BLOB"
set +e
"$DIST" cache verify; echo "exit code $?"
set -e
run "$DIST" pull "$REG/demo/components/echo-tool:0.1.0" --json
run "$DIST" cache verify

step "9. Evict and collect garbage"
run "$DIST" cache rm "$PIN"
run "$DIST" cache gc
run "$DIST" cache ls

step "Done. The demo cache, registry and layouts in $WORK are removed on exit."
