#!/usr/bin/env python3
"""Writes the bad-input corpus (tests/corpus/<category>/...) and each category's expected.tsv.

Every case is one file (references: one line of references.tsv) with the exit code the CLI must
give. Placeholders (@NAME@) are filled in by tests/integration/tst_corpus.cpp at run time with
values that depend on keys or digests made there. Re-run after editing; the output is committed.
"""
import base64
import gzip
import io
import json
import os
import shutil
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
HEX = "a" * 64
D = "sha256:" + HEX


def category(name, cases):
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    lines = []
    for fname, content, code in cases:
        mode = "wb"
        if isinstance(content, str):
            content = content.encode("utf-8")
        with open(os.path.join(d, fname), mode) as f:
            f.write(content)
        lines.append(f"{fname}\t{code}")
    with open(os.path.join(d, "expected.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(cases)


def edit(base, changes):
    """A copy of `base` with `changes` applied in place order; a value of KeyError removes the field."""
    o = dict(base)
    for k, v in changes.items():
        if v is KeyError:
            o.pop(k, None)
        else:
            o[k] = v
    return o


def js(o):
    if isinstance(o, dict):
        o = {k: v for k, v in o.items() if v is not KeyError}
    return json.dumps(o, indent=1)


total = 0

# ---------------------------------------------------------------- references (resolve REF)
refs = [
    ("oci://", 2), ("oci:///repo", 2), ("oci://host", 2), ("oci://host/", 2), ("oci://host/repo:", 2),
    ("oci://host/repo@", 2), ("oci://host/repo@sha256:", 2), ("oci://host/repo@sha256:abc", 2),
    ("oci://host/repo@sha256:" + "A" * 64, 2), ("oci://host/repo@sha256:" + "g" * 64, 2),
    ("oci://host/repo@md5:" + "a" * 32, 2), ("oci://host/Repo:1", 2), ("oci://host/repo:-bad", 2),
    ("oci://host/repo:" + "t" * 200, 2), ("oci://host:99999/repo:1", 2), ("oci://ho st/repo:1", 2),
    ("oci://host//repo:1", 2), ("oci://host/repo/:1", 2), ("oci://host/../repo:1", 2), ("oci://host/re..po:1", 2),
    ("foo.wasm", 2), ("repo:1", 2), ("host/repo@sha256:" + "a" * 63, 2), ("sha256:abc", 2),
    ("sha256:" + "Z" * 64, 2), ("store://", 2), ("store://greentic-biz", 2), ("store://greentic-biz/", 2),
    ("store://other/acme/x:1", 5), ("repo://", 2), ("fixture://", 2), ("fixture://../etc/passwd", 2),
    ("file://", 2), ("https://", 2), ("https:///x.wasm", 2), ("http://example.com/x.wasm", 2),
    ("ftp://example.com/x.wasm", 2), ("name@", 2), ("@1.0.0", 2), ("Name@1.0.0", 2), ("na--me@1.0.0", 2),
    ("name-@1.0.0", 2), ("name@1.0/../x", 2), ("name@1 0", 2), ("name@1.0.0#sha256:zz", 2),
    ("name@1.0.0#md5:" + "a" * 32, 2), ("name@1.0.0#", 2), ("https://example.com/p.yaml#sha256:xyz", 2),
    ("\u00e9t\u00e9/repo:1", 2), ("host/repo:1\u0007", 2), ("x" * 5000, 2),
    ("./definitely-missing.wasm", 3), ("/nonexistent/dir/x.wasm", 3),
    ("store://greentic-biz/acme/catalogs/x:latest", 5),
]
with open(os.path.join(HERE, "references.tsv"), "w", encoding="utf-8") as f:
    for r, code in refs:
        f.write(f"{r}\t{code}\n")
total += len(refs)

# ---------------------------------------------------------------- lockfiles (--offline pull --lock FILE)
lock = [
    ("empty.json", "", 2), ("not-json.json", "hello", 2), ("truncated.json", '{"components": [', 2),
    ("array-of-number.json", "[7]", 2), ("string.json", '"x"', 2), ("null.json", "null", 2),
    ("schema-string.json", js({"schema_version": "1", "components": []}), 2),
    ("schema-negative.json", js({"schema_version": -1, "components": []}), 2),
    ("schema-float.json", js({"schema_version": 1.5, "components": []}), 2),
    ("components-object.json", js({"components": {}}), 2),
    ("components-string.json", js({"components": "x"}), 2),
    ("entry-number.json", js({"components": [7]}), 2),
    ("entry-null.json", js({"components": [None]}), 2),
    ("entry-no-ref.json", js({"components": [{"name": "x"}]}), 2),
    ("entry-ref-number.json", js({"components": [{"ref": 5}]}), 2),
    ("entry-bad-ref.json", js({"components": [{"ref": "oci://host"}]}), 2),
    ("entry-bad-digest.json", js({"components": [{"ref": "./x.wasm", "digest": "sha256:abc"}]}), 2),
    ("entry-upper-digest.json", js({"components": [{"ref": "./x.wasm", "digest": "sha256:" + "A" * 64}]}), 2),
    ("entry-digest-number.json", js({"components": [{"ref": "./x.wasm", "digest": 12}]}), 2),
    ("entry-name-object.json", js({"components": [{"ref": "./x.wasm", "name": {}}]}), 2),
    ("bom.json", "\ufeff" + js({"components": [7]}), 2),
    ("trailing-garbage.json", js({"components": []}) + "xyz", 2),
    ("nul-byte.json", b'{"components": [\x00]}', 2),
    ("invalid-utf8.json", b'{"components": ["\xff\xfe"]}', 2),
    ("deep.json", '{"components": ' + "[" * 5000 + "]" * 5000 + "}", 2),
    ("digest-only-missing.json", js({"components": [{"digest": D}]}), 3),
    ("mixed-bad-entry.json", js({"components": ["./a.wasm", {"ref": ""}]}), 2),
]
total += category("lockfiles", lock)

# ---------------------------------------------------------------- YAML packs (resolve FILE.yaml)
packs = [
    ("duplicate-key.yaml", "name: a\nname: b\n", 2),
    ("duplicate-nested-key.yaml", "name: a\nmeta:\n  x: 1\n  x: 2\n", 2),
    ("duplicate-in-list-item.yaml", "rules:\n  - id: a\n    id: b\n", 2),
    ("anchor.yaml", "base: &b {x: 1}\nname: a\n", 2),
    ("alias.yaml", "a: &x 1\nb: *x\n", 2),
    ("merge-key.yaml", "base: {x: 1}\nchild:\n  <<: {y: 2}\n", 2),
    ("tag-binary.yaml", "blob: !!binary aGVsbG8=\n", 2),
    ("tag-custom.yaml", "x: !custom 1\n", 2),
    ("tag-verbatim.yaml", "x: !<tag:yaml.org,2002:str> a\n", 2),
    ("multi-document.yaml", "name: a\n---\nname: b\n", 2),
    ("document-end.yaml", "name: a\n...\n", 2),
    ("unclosed-quote.yaml", 'name: "abc\n', 2),
    ("unclosed-flow.yaml", "x: [1, 2\n", 2),
    ("tab-indent.yaml", "name: a\nmeta:\n\tx: 1\n", 2),
    ("bad-indent.yaml", "a:\n  b: 1\n c: 2\n", 2),
    ("invalid-utf8.yaml", b"name: \xff\xfe\n", 2),
    ("nul-byte.yaml", b"name: a\x00b\n", 2),
    ("too-deep.yaml", "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "v: 1\n", 2),
    ("too-deep-flow.yaml", "x: " + "[" * 60 + "]" * 60 + "\n", 2),
    ("int-too-big.yaml", "n: 9007199254740993\n", 2),
    ("int-negative-too-big.yaml", "n: -9007199254740993\n", 2),
    ("int-huge.yaml", "n: 340282366920938463463374607431768211456\n", 2),
    ("complex-key.yaml", "? [a, b]\n: 1\n", 2),
    ("null-key.yaml", "~: 1\n", 2),
    ("int-key.yaml", "1: one\n", 2),
    ("bool-key.yaml", "true: yes\n", 2),
    ("float-key.yaml", "1.5: x\n", 2),
    ("bad-escape.yaml", 'x: "\\q"\n', 2),
    ("block-scalar-bad-indent.yaml", "x: |\n a\nb\n", 2),
    ("colon-only.yaml", ":\n", 2),
    ("directive.yaml", "%YAML 1.1\n%FOO bar\n---\nx: 1\n", 2),
    ("reserved-indicator.yaml", "x: @foo\n", 2),
    ("backtick.yaml", "x: `foo`\n", 2),
    ("binary-garbage.yaml", bytes(range(256)), 2),
    ("only-bom-garbage.yaml", b"\xef\xbb\xbf\xff", 2),
    ("mapping-in-sequence-bad.yaml", "- a: 1\n  - b\n", 2),
    ("nan-key-dup.yaml", "x: .nan\nx: .nan\n", 2),
    ("unterminated-single.yaml", "x: 'abc\n", 2),
    ("stray-close.yaml", "x: [1]]\n", 2),
    ("anchor-in-list.yaml", "- &a 1\n- *a\n", 2),
]
total += category("packs", packs)

# ---------------------------------------------------------------- entry.json (cache verify DIGEST)
# @DIGEST@ and @BLOB@ are the test's cached blob; the file replaces its entry.json.
good = {
    "format_version": 1, "cache_key": "@DIGEST@", "digest": "@DIGEST@", "media_type": "application/wasm",
    "size_bytes": "@SIZE@", "artifact_type": "Component", "source_kind": "File", "raw_ref": "/x.wasm",
    "canonical_ref": "file:///x.wasm@@DIGEST@", "fetched_at": 1, "last_accessed_at": 1, "last_verified_at": None,
    "state": "Ready", "advisory_epoch": None, "signature_summary": None, "annotations": {},
    "local_path": "@BLOB@", "source_snapshot": {"raw_ref": "/x.wasm", "canonical_ref": "file:///x.wasm",
                                                "source_kind": "File", "authoritative": False},
}


def variant(**changes):
    o = edit(good, changes)
    return js(o).replace('"@SIZE@"', "@SIZE@")


entries = [
    ("empty.json", "", 6), ("not-json.json", "entry", 6), ("array.json", "[]", 6), ("null.json", "null", 6),
    ("truncated.json", variant()[:40], 6),
    ("format-version-2.json", variant(format_version=2), 6),
    ("format-version-string.json", variant(format_version="1"), 6),
    ("no-format-version.json", variant(format_version=KeyError), 6),
    ("no-digest.json", variant(digest=KeyError), 6),
    ("digest-malformed.json", variant(digest="sha256:xyz"), 6),
    ("digest-other.json", variant(digest=D, cache_key=D), 6),
    ("cache-key-mismatch.json", variant(cache_key=D), 6),
    ("size-negative.json", variant(size_bytes=-1), 6),
    ("size-string.json", variant(size_bytes="12"), 6),
    ("size-wrong.json", variant(size_bytes=999999), 6),
    ("artifact-type-unknown.json", variant(artifact_type="Widget"), 6),
    ("artifact-type-lowercase.json", variant(artifact_type="component"), 6),
    ("source-kind-unknown.json", variant(source_kind="Ftp"), 6),
    ("state-unknown.json", variant(state="Melted"), 6),
    ("fetched-at-string.json", variant(fetched_at="yesterday"), 6),
    ("annotations-array.json", variant(annotations=[]), 6),
    ("annotations-nonstring.json", variant(annotations={"a": 1}), 6),
    ("snapshot-string.json", variant(source_snapshot="x"), 6),
    ("deep.json", "[" * 10000 + "]" * 10000, 6),
    ("invalid-utf8.json", b'{"format_version": 1, "digest": "\xff"}', 6),
]
total += category("entry-json", entries)

# ---------------------------------------------------------------- bundle records (bundle ls)
rec = {"bundle_id": "bundle:@DIGEST@", "cache_key": "@DIGEST@", "canonical_ref": "file:///x.wasm",
       "source_kind": "File", "fetched_at": 1, "lifecycle_state": "Staged"}


def brec(**changes):
    o = edit(rec, changes)
    return js(o)


bundles = [
    ("empty.json", "", 10), ("not-json.json", "bundle", 10), ("array.json", "[]", 10), ("null.json", "null", 10),
    ("truncated.json", brec()[:30], 10),
    ("state-unknown.json", brec(lifecycle_state="Running"), 10),
    ("state-lowercase-number.json", brec(lifecycle_state=3), 10),
    ("no-state.json", brec(lifecycle_state=KeyError), 10),
    ("no-bundle-id.json", brec(bundle_id=KeyError), 10),
    ("bundle-id-mismatch.json", brec(bundle_id="bundle:" + D), 10),
    ("bundle-id-malformed.json", brec(bundle_id="bundle:sha256:xyz"), 10),
    ("cache-key-malformed.json", brec(cache_key="sha256:12"), 10),
    ("cache-key-other.json", brec(cache_key=D), 10),
    ("fetched-at-string.json", brec(fetched_at="now"), 10),
    ("source-kind-unknown.json", brec(source_kind="Carrier-Pigeon"), 10),
    ("invalid-utf8.json", b'{"bundle_id": "\xff"}', 10),
    ("deep.json", '{"a":' * 3000 + "1" + "}" * 3000, 10),
    ("nul.json", b"\x00\x00\x00", 10),
]
total += category("bundle-records", bundles)

# ---------------------------------------------------------------- release indexes
REF = "ghcr.io/greenticai/components/templates:stable"


def ridx(refs=None, **top):
    o = {"schema": "greentic.release-index.v1", "release": "1.0.0", "channel": "stable",
         "refs": refs if refs is not None else {REF: {"version": "0.1.0", "digest": D,
                                                      "canonical_ref": "ghcr.io/greenticai/components/templates@" + D}}}
    o = edit(o, top)
    return js(o)


releases = [
    ("empty.json", "", 2), ("not-json.json", "release", 2), ("array.json", "[]", 2),
    ("schema-other.json", ridx(schema="greentic.release-index.v2"), 2),
    ("no-schema.json", ridx(schema=KeyError), 2),
    ("release-mismatch.json", ridx(release="2.0.0"), 2),
    ("channel-mismatch.json", ridx(channel="dev"), 2),
    ("refs-array.json", ridx(refs=[]), 2),
    ("entry-string.json", ridx(refs={REF: "sha256:" + HEX}), 2),
    ("entry-bad-digest.json", ridx(refs={REF: {"digest": "sha256:12", "canonical_ref": "ghcr.io/x@sha256:12"}}), 2),
    ("entry-no-digest.json", ridx(refs={REF: {"canonical_ref": "ghcr.io/x@" + D}}), 2),
    ("entry-unpinned.json", ridx(refs={REF: {"digest": D, "canonical_ref": "ghcr.io/x:1"}}), 2),
    ("entry-canonical-garbage.json", ridx(refs={REF: {"digest": D, "canonical_ref": "::::"}}), 2),
    ("truncated.json", ridx()[:50], 2),
    ("pinned-not-cached.json", ridx(), 3),
]
total += category("release-indexes", releases)

# ---------------------------------------------------------------- OCI manifests (pull HOST/corpus:1)
# @LAYER@ / @LAYER_SIZE@ is a real blob the test registry serves; @CONFIG@ an empty config.
OCI_M = "application/vnd.oci.image.manifest.v1+json"
OCI_I = "application/vnd.oci.image.index.v1+json"
WASM = "application/vnd.wasm.component.v1+wasm"


def man(layers=None, **top):
    o = {"schemaVersion": 2, "mediaType": OCI_M,
         "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": "@CONFIG@", "size": 2},
         "layers": layers if layers is not None else [{"mediaType": WASM, "digest": "@LAYER@", "size": "@LAYER_SIZE@"}]}
    o = edit(o, top)
    return js(o).replace('"@LAYER_SIZE@"', "@LAYER_SIZE@")


def layer(**f):
    o = {"mediaType": WASM, "digest": "@LAYER@", "size": "@LAYER_SIZE@"}
    o.update(f)
    return o


manifests = [
    ("empty.json", "", 10), ("not-json.json", "manifest", 10), ("array.json", "[]", 10), ("null.json", "null", 10),
    ("truncated.json", man()[:60], 10),
    ("schema-version-1.json", man(schemaVersion=1), 10),
    ("no-layers.json", man(layers=KeyError), 10),
    ("layers-empty.json", man(layers=[]), 10),
    ("layers-object.json", man(layers={}), 10),
    ("layer-string.json", man(layers=["x"]), 10),
    ("layer-no-digest.json", man(layers=[{"mediaType": WASM, "size": 10}]), 10),
    ("layer-bad-digest.json", man(layers=[layer(digest="sha256:xyz")]), 10),
    ("layer-md5-digest.json", man(layers=[layer(digest="md5:" + "a" * 32)]), 10),
    ("layer-negative-size.json", man(layers=[layer(size=-5)]), 10),
    ("layer-size-string.json", man(layers=[layer(size="10")]), 10),
    ("layer-size-huge.json", man(layers=[layer(size=2 ** 62)]), 10),
    ("layer-size-too-small.json", man(layers=[layer(size=3)]), 6),
    ("layer-size-too-big.json", man(layers=[layer(size=10 ** 6)]), 10),
    ("layer-digest-other.json", man(layers=[layer(digest=D)]), 3),
    ("layer-unknown-type.json", man(layers=[layer(mediaType="application/x-unknown")]), 10),
    ("layer-no-media-type.json", man(layers=[{"digest": "@LAYER@", "size": "@LAYER_SIZE@"}]).replace('"@LAYER_SIZE@"', "@LAYER_SIZE@"), 10),
    ("media-type-mismatch.json", man(mediaType=OCI_I), 10),
    ("deep.json", '{"schemaVersion": 2, "x": ' + "[" * 5000 + "]" * 5000 + "}", 10),
    ("invalid-utf8.json", b'{"schemaVersion": 2, "layers": [{"digest": "\xff"}]}', 10),
    ("urls-foreign.json", man(layers=[layer(urls=["http://evil.example/x"], digest=D)]), 3),
]
total += category("manifests", manifests)


def idx(manifests_=None, **top):
    o = {"schemaVersion": 2, "mediaType": OCI_I,
         "manifests": manifests_ if manifests_ is not None else [
             {"mediaType": OCI_M, "digest": "@MANIFEST@", "size": "@MANIFEST_SIZE@"}]}
    o = edit(o, top)
    return js(o).replace('"@MANIFEST_SIZE@"', "@MANIFEST_SIZE@")


def entry(**f):
    o = {"mediaType": OCI_M, "digest": "@MANIFEST@", "size": "@MANIFEST_SIZE@"}
    o.update(f)
    return o


indexes = [
    ("manifests-missing.json", idx(manifests_=KeyError), 10),
    ("manifests-empty.json", idx(manifests_=[]), 3),
    ("manifests-object.json", idx(manifests_={}), 10),
    ("entry-string.json", idx(manifests_=["x"]), 10),
    ("entry-bad-digest.json", idx(manifests_=[entry(digest="sha256:12")]), 10),
    ("entry-missing-digest.json", idx(manifests_=[entry(digest=D)]), 3),
    ("entry-negative-size.json", idx(manifests_=[entry(size=-1)]), 10),
    ("entry-size-too-small.json", idx(manifests_=[entry(size=5)]), 6),
    ("entry-size-huge.json", idx(manifests_=[entry(size=2 ** 40)]), 6),
    ("platforms-no-match.json", idx(manifests_=[entry(platform={"os": "plan9", "architecture": "mips"}),
                                                entry(platform={"os": "aix", "architecture": "ppc64"})]), 3),
    ("entry-is-index-missing.json", idx(manifests_=[entry(mediaType=OCI_I, digest=D)]), 3),
    ("entry-unknown-media-type.json", idx(manifests_=[entry(mediaType="text/plain")]), 3),
    ("platform-string.json", idx(manifests_=[entry(platform="linux/amd64"), entry(platform="x")]), 10),
    ("schema-version-3.json", idx(schemaVersion=3), 10),
    ("truncated.json", idx()[:40], 10),
]
total += category("indexes", indexes)

# ---------------------------------------------------------------- keys manifests (/v1/keys)
# The pack is signed by a key the client does not pin; the manifest is its only way to trust it.
K = {"key_id": "@KEY_ID@", "algorithm": "Ed25519", "public_key": "@PUBLIC_KEY@"}


def kman(keys=None, **top):
    o = {"version": 1, "keys": keys if keys is not None else [K]}
    o = edit(o, top)
    return js(o)


def kk(**f):
    o = edit(K, f)
    return o


keys = [
    ("empty.json", "", 6), ("not-json.json", "keys", 6), ("array.json", "[]", 6),
    ("keys-missing.json", kman(keys=KeyError), 6),
    ("keys-object.json", kman(keys={}), 6),
    ("key-string.json", kman(keys=["@KEY_ID@"]), 6),
    ("key-revoked.json", kman(keys=[kk(revoked=True)]), 6),
    ("key-expired.json", kman(keys=[kk(expires_at="2001-01-01T00:00:00Z")]), 6),
    ("key-id-mismatch.json", kman(keys=[kk(key_id="sha256:" + "b" * 64)]), 6),
    ("key-wrong-algorithm.json", kman(keys=[kk(algorithm="RSA")]), 6),
    ("key-public-not-base64.json", kman(keys=[kk(public_key="!!!")]), 6),
    ("key-public-wrong-length.json", kman(keys=[kk(public_key=base64.b64encode(b"x" * 10).decode())]), 6),
    ("key-no-public.json", kman(keys=[kk(public_key=KeyError)]), 6),
    ("manifest-expired.json", kman(expires_at="2001-01-01T00:00:00Z"), 6),
    ("signed-by-stranger.json", kman(signature={"payload": base64.b64encode(kman().encode()).decode(),
                                                "payloadType": "application/vnd.assay.registry.keys.v1+json",
                                                "signatures": [{"keyid": "@KEY_ID@", "sig": base64.b64encode(b"\0" * 64).decode()}]}), 6),
    ("signature-garbage.json", kman(signature=12), 6),
    ("deep.json", '{"version": 1, "keys": ' + "[" * 4000 + "]" * 4000 + "}", 6),
    ("invalid-utf8.json", b'{"version": 1, "keys": [{"key_id": "\xff"}]}', 6),
]
total += category("keys-manifests", keys)

# ---------------------------------------------------------------- DSSE envelopes (X-Pack-Signature)
# @PAYLOAD@ = base64 of the pack's canonical bytes, @SIG@ = a valid signature over its PAE with the
# pinned key @KEY_ID@; @OTHER_SIG@ = a signature by an unpinned key @OTHER_KEY_ID@.
PT = "application/vnd.assay.pack+yaml;v=1"


def env(**f):
    o = {"payload": "@PAYLOAD@", "payloadType": PT, "signatures": [{"keyid": "@KEY_ID@", "sig": "@SIG@"}]}
    o = edit(o, f)
    return json.dumps(o)


dsse = [
    ("empty.json", "", 6), ("not-json.json", "envelope", 6), ("array.json", "[]", 6), ("null.json", "null", 6),
    ("no-payload.json", env(payload=KeyError), 6),
    ("payload-not-base64.json", env(payload="%%%"), 6),
    ("payload-number.json", env(payload=5), 6),
    ("payload-other-content.json", env(payload=base64.b64encode(b'{"name":"other"}').decode()), 6),
    ("payload-empty.json", env(payload=""), 6),
    ("no-payload-type.json", env(payloadType=KeyError), 6),
    ("payload-type-other.json", env(payloadType="application/vnd.in-toto+json"), 6),
    ("payload-type-case.json", env(payloadType=PT.upper()), 6),
    ("signatures-missing.json", env(signatures=KeyError), 6),
    ("signatures-empty.json", env(signatures=[]), 6),
    ("signatures-object.json", env(signatures={}), 6),
    ("signature-string.json", env(signatures=["@SIG@"]), 6),
    ("sig-not-base64.json", env(signatures=[{"keyid": "@KEY_ID@", "sig": "***"}]), 6),
    ("sig-short.json", env(signatures=[{"keyid": "@KEY_ID@", "sig": base64.b64encode(b"\1" * 10).decode()}]), 6),
    ("sig-zero.json", env(signatures=[{"keyid": "@KEY_ID@", "sig": base64.b64encode(b"\0" * 64).decode()}]), 6),
    ("sig-flipped.json", env(signatures=[{"keyid": "@KEY_ID@", "sig": "@SIG_FLIPPED@"}]), 6),
    ("keyid-missing.json", env(signatures=[{"sig": "@SIG@"}]), 6),
    ("keyid-unknown.json", env(signatures=[{"keyid": "sha256:" + "c" * 64, "sig": "@SIG@"}]), 6),
    ("keyid-malformed.json", env(signatures=[{"keyid": "../../etc", "sig": "@SIG@"}]), 6),
    ("signed-by-stranger.json", env(signatures=[{"keyid": "@OTHER_KEY_ID@", "sig": "@OTHER_SIG@"}]), 6),
    ("stranger-claims-pinned-id.json", env(signatures=[{"keyid": "@KEY_ID@", "sig": "@OTHER_SIG@"}]), 6),
    ("payload-too-big.json", env(payload="@PAYLOAD_TOO_BIG@"), 6),
    ("deep.json", "[" * 5000 + "]" * 5000, 6),
    ("invalid-utf8.json", b'{"payload": "\xff"}', 6),
]
total += category("dsse", dsse)

# ---------------------------------------------------------------- tar layers (extract FILE --to DIR)
def tar_bytes(members, fmt=tarfile.GNU_FORMAT, compress=None):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for info, data in members:
            t.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = buf.getvalue()
    return gzip.compress(raw, 9, mtime=0) if compress == "gz" else raw


def member(name, data=b"x", kind=tarfile.REGTYPE, link="", mode=0o644):
    i = tarfile.TarInfo(name)
    i.type = kind
    i.mode = mode
    i.linkname = link
    if kind == tarfile.REGTYPE:
        i.size = len(data)
        return i, data
    return i, None


def declared_huge():
    # A header that claims 8 GiB with no data behind it: refused before anything is inflated.
    i = tarfile.TarInfo("huge.bin")
    i.size = 8 << 30
    header = i.tobuf(tarfile.GNU_FORMAT)
    return header + b"\0" * 1024


bomb = tar_bytes([member("zeros.bin", b"\0" * (64 << 20))], compress="gz")
ok = tar_bytes([member("a.txt", b"hello"), member("sub", kind=tarfile.DIRTYPE, mode=0o755)])
tars = [
    ("traversal.tar", tar_bytes([member("../evil.txt")]), 6),
    ("traversal-nested.tar", tar_bytes([member("a/../../evil.txt")]), 6),
    ("traversal-dir.tar", tar_bytes([member("../evil", kind=tarfile.DIRTYPE)]), 6),
    ("dotdot-only.tar", tar_bytes([member("..", kind=tarfile.DIRTYPE)]), 6),
    ("absolute.tar", tar_bytes([member("/tmp/greentic-dist-evil.txt")]), 6),
    ("absolute-dir.tar", tar_bytes([member("/tmp/greentic-dist-evil", kind=tarfile.DIRTYPE)]), 6),
    ("pax-long-traversal.tar", tar_bytes([member("d/" * 60 + "../" * 62 + "evil.txt")], fmt=tarfile.PAX_FORMAT), 6),
    ("gnu-long-traversal.tar", tar_bytes([member("x" * 120 + "/../../evil.txt")]), 6),
    ("symlink-absolute.tar", tar_bytes([member("passwd", kind=tarfile.SYMTYPE, link="/etc/passwd")]), 6),
    ("symlink-escape.tar", tar_bytes([member("up", kind=tarfile.SYMTYPE, link="../../..")]), 6),
    ("symlink-escape-nested.tar", tar_bytes([member("a/b/up", kind=tarfile.SYMTYPE, link="../../../x")]), 6),
    ("symlink-then-write-through.tar", tar_bytes([member("sub", kind=tarfile.DIRTYPE),
                                                  member("l", kind=tarfile.SYMTYPE, link="sub"),
                                                  member("l/x.txt")]), 6),
    ("symlink-escape-then-write.tar", tar_bytes([member("l", kind=tarfile.SYMTYPE, link="/tmp"),
                                                 member("l/greentic-dist-evil.txt")]), 6),
    ("file-then-symlink.tar", tar_bytes([member("a"), member("a", kind=tarfile.SYMTYPE, link="b")]), 6),
    ("dir-then-file.tar", tar_bytes([member("d", kind=tarfile.DIRTYPE), member("d")]), 6),
    ("file-as-parent.tar", tar_bytes([member("f"), member("f/x")]), 6),
    ("hardlink-absolute.tar", tar_bytes([member("h", kind=tarfile.LNKTYPE, link="/etc/passwd")]), 6),
    ("hardlink-outside.tar", tar_bytes([member("h", kind=tarfile.LNKTYPE, link="../outside")]), 6),
    ("hardlink-missing.tar", tar_bytes([member("h", kind=tarfile.LNKTYPE, link="later"), member("later")]), 6),
    ("hardlink-to-dir.tar", tar_bytes([member("d", kind=tarfile.DIRTYPE), member("h", kind=tarfile.LNKTYPE, link="d")]), 6),
    ("chardev.tar", tar_bytes([member("null", kind=tarfile.CHRTYPE)]), 6),
    ("blockdev.tar", tar_bytes([member("sda", kind=tarfile.BLKTYPE)]), 6),
    ("fifo.tar", tar_bytes([member("pipe", kind=tarfile.FIFOTYPE)]), 6),
    ("gzip-bomb.tar.gz", bomb, 6),
    ("declared-huge.tar", declared_huge(), 6),
    ("not-a-tar.bin", b"this is not an archive at all\n" * 40, 2),
    ("zip.zip", b"PK\x03\x04" + b"\0" * 200, 2),
    ("truncated.tar", tar_bytes([member("big.bin", b"y" * 5000)])[:2048], 2),
    ("truncated.tar.gz", gzip.compress(tar_bytes([member("big.bin", bytes(range(256)) * 40)]), mtime=0)[:300], 2),
    ("garbage-gzip.tar.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 300, 2),
    ("bad-checksum.tar", ok[:148] + b"0000000\0" + ok[156:], 2),
]
total += category("tar", tars)

print(f"{total} cases")
