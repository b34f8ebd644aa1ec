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
MIRROR_PID=""
SERVE_PID=""
stop() { if [[ -n "$1" ]]; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
    stop "$SERVE_PID"; stop "$MIRROR_PID"; stop "$REGISTRY_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT

bold=$(tput bold 2>/dev/null || true); plain=$(tput sgr0 2>/dev/null || true)
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }

export GREENTIC_DIST_CACHE_DIR="$WORK/cache"
export GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP=1   # the demo registry speaks plain http on loopback
alias_dist() { "$DIST" "$@"; }

# start_registry NAME ADDR [EXTRA-YAML]: a docker-registry with its storage in $WORK/NAME; sets STARTED_PID.
start_registry() {
    cat >"$WORK/$1.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $WORK/$1}}
http: {addr: $2}
${3:-}
YML
    docker-registry serve "$WORK/$1.yml" >"$WORK/$1.log" 2>&1 &
    STARTED_PID=$!
    for _ in $(seq 300); do curl -sf "http://$2/v2/" >/dev/null && break; sleep 0.1; done
    curl -sf "http://$2/v2/" >/dev/null || { echo "docker-registry did not start on $2" >&2; exit 1; }
}

step "1. Start a real OCI registry (CNCF distribution, Debian's docker-registry) on loopback"
PORT=$("$KIT" free-port)
REG="127.0.0.1:$PORT"
start_registry registry "$REG"
REGISTRY_PID=$STARTED_PID
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
echo "Its tar layer unpacks into a new directory; escaping paths, links out of the tree and bombs are refused."
run "$DIST" extract "$REG/demo/packs/hello-pack:0.1.0" --to "$WORK/hello-pack"
run find "$WORK/hello-pack" -type f

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

step "10. A fleet behind a pull-through cache: a second registry in proxy mode, named in registries.conf"
MPORT=$("$KIT" free-port)
MIRROR="127.0.0.1:$MPORT"
start_registry mirror "$MIRROR" "proxy: {remoteurl: \"http://$REG\"}"
MIRROR_PID=$STARTED_PID
cat >"$WORK/registries.conf" <<CONF
[[registry]]
location = "$REG"
insecure = true

[[registry.mirror]]
location = "$MIRROR"
insecure = true
CONF
echo "mirror (pull-through cache of $REG) listening on http://$MIRROR"
run cat "$WORK/registries.conf"
export GREENTIC_DIST_CACHE_DIR="$WORK/cache-fleet"
run "$DIST" pull "$REG/demo/components/echo-tool:0.1.0" --registries-conf "$WORK/registries.conf"
echo "The FROM column names the mirror: the bytes came from the shared cache, not the origin."
run "$DIST" cache ls --long
echo "The mirror now holds the blob for every other machine of the fleet:"
find "$WORK/mirror" -path '*blobs/sha256/*/data' | sed "s|$WORK/||"
echo "With the mirror down, pulls fall back to the origin:"
stop "$MIRROR_PID"; MIRROR_PID=""
run "$DIST" pull "$REG/demo/components/hello-world:0.1.0" --registries-conf "$WORK/registries.conf"
run "$DIST" cache ls --long

step "11. No registry at all: greentic-dist serve, a local dev distributor over a directory"
DEV="$WORK/dev"
mkdir -p "$DEV/packs" "$DEV/components/echo-tool/0.1.0"
cp "$S/components/hello-world.wasm" "$DEV/components/hello-world-0.1.0.wasm"           # flat layout
cp "$S/components/echo-tool.wasm" "$DEV/components/echo-tool/0.1.0/component.wasm"    # nested layout
cp "$S/packs/hello-pack/pack.yaml" "$DEV/packs/hello-pack-0.1.0.yaml"
cp "$WORK/hello-pack.tar.gz" "$DEV/packs/hello-pack-0.1.0.gtpack"
echo '[{"key": "hello/api_token", "required": true, "description": "Token for the hello API", "format": "text"}]' \
    >"$DEV/packs/hello-pack.secrets.json"
run find "$DEV" -type f
echo "A dev signing key (Ed25519) signs the YAML packs it serves:"
run openssl genpkey -algorithm ed25519 -out "$WORK/dev-key.pem"
"$DIST" serve --root "$DEV" --listen 127.0.0.1:0 --signing-key "$WORK/dev-key.pem" \
    --export-trust-root "$WORK/dev-trust.json" >"$WORK/serve.out" 2>"$WORK/serve.log" &
SERVE_PID=$!
for _ in $(seq 300); do [[ -s "$WORK/serve.out" ]] && break; sleep 0.1; done
[[ -s "$WORK/serve.out" ]] || { echo "greentic-dist serve did not start: $(cat "$WORK/serve.log")" >&2; exit 1; }
cat "$WORK/serve.out"
URL=$(awk '{print $NF}' "$WORK/serve.out")
export GREENTIC_DIST_CACHE_DIR="$WORK/cache-dev"
echo "The runtime API: where is component hello-world 0.1.0 of pack hello-pack? (the pack needs a secret)"
run "$DIST" runtime resolve-component --base-url "$URL" --tenant acme --environment dev \
    --pack hello-pack --component hello-world --version 0.1.0
run "$DIST" runtime pack-status-v2 --base-url "$URL" --tenant acme --environment dev --pack hello-pack
echo "Plain files over http (loopback): a component from the nested layout and the .gtpack"
run "$DIST" pull "$URL/artifacts/components/echo-tool/0.1.0/component.wasm"
run "$DIST" pull "$URL/artifacts/packs/hello-pack/0.1.0/pack.gtpack"
echo "The pack registry API: the YAML pack, signed by the dev key; trusted only with --trust-root"
export ASSAY_REGISTRY_URL="$URL/v1"
set +e
"$DIST" pull hello-pack@0.1.0; echo "exit code $? (the dev key is not trusted)"
set -e
run "$DIST" pull hello-pack@0.1.0 --trust-root "$WORK/dev-trust.json" --json
run "$DIST" cache ls --long
echo "What the dev distributor logged:"
stop "$SERVE_PID"; SERVE_PID=""
cat "$WORK/serve.log"

step "Done. The demo caches, registries and layouts in $WORK are removed on exit."
