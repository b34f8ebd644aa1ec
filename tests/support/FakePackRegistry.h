// SPDX-License-Identifier: MIT
#pragma once

#include "ScriptedServer.h"

#include <core/Digest.h>
#include <core/Sha256.h>
#include <trust/PackCanonicalizer.h>
#include <trust/PackSigner.h>
#include <trust/PackTrustStore.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace dist::test {

// The fake registry also serves content that does not canonicalize (to test its rejection).
inline QByteArray canonicalOrRaw(const QByteArray& yaml)
{
    return PackCanonicalizer::canonicalJson(yaml).valueOr(yaml);
}

inline Digest packDigest(const QByteArray& yaml)
{
    return Sha256::hash(canonicalOrRaw(yaml));
}

struct ServedPack
{
    ServedPack(QByteArray c = {}, const PackSigner* s = nullptr, bool header = true,
               QString cc = QStringLiteral("private, max-age=86400"), QByteArray digest = {}, QByteArray pol = {},
               QByteArray envelope = {})
        : content(std::move(c))
        , signer(s)
        , headerSignature(header)
        , cacheControl(std::move(cc))
        , digestHeader(std::move(digest))
        , policy(std::move(pol))
        , envelopeOverride(std::move(envelope))
    {
    }

    QByteArray content;
    const PackSigner* signer = nullptr;
    bool headerSignature = true; // else only the .sig sidecar
    QString cacheControl = QStringLiteral("private, max-age=86400");
    QByteArray digestHeader; // empty: the true canonical digest
    QByteArray policy;
    QByteArray envelopeOverride; // served instead of a fresh signature
};

// A registry: packs by "name/version", a keys manifest, and hooks for scripted faults.
struct FakePackRegistry
{
    QMap<QString, ServedPack> packs;
    QByteArray keysManifest; // empty: 404

    static QByteArray etagFor(const QByteArray& content)
    {
        return '"' + packDigest(content).toString().toLatin1() + '"';
    }

    QByteArray envelopeFor(const ServedPack& p) const
    {
        if (!p.envelopeOverride.isEmpty()) {
            return p.envelopeOverride;
        }
        return p.signer ? p.signer->envelope(canonicalOrRaw(p.content), PackTrustStore::kPackPayloadType)
                        : QByteArray();
    }

    ScriptedReply serve(const RecordedRequest& r) const
    {
        if (r.path == u"/v1/keys") {
            if (keysManifest.isEmpty()) {
                return {404, {}, R"({"error":"not_found"})", -1};
            }
            return {200, {{"Content-Type", "application/json"}}, keysManifest, -1};
        }
        const QStringList parts = r.path.split(u'/');
        // /v1/packs/<name>/<version>[.sig] or /v1/packs/<name>/versions
        if (parts.size() != 5 || parts[2] != u"packs") {
            return {404, {}, R"({"error":"not_found"})", -1};
        }
        const QString name = parts[3];
        QString version = parts[4];
        if (version == u"versions") {
            QJsonArray list;
            for (auto it = packs.begin(); it != packs.end(); ++it) {
                if (it.key().startsWith(name + u'/')) {
                    list.append(QJsonObject{{QStringLiteral("version"), it.key().section(u'/', 1)},
                                            {QStringLiteral("digest"), packDigest(it->content).toString()},
                                            {QStringLiteral("published_at"), QStringLiteral("2026-11-01T00:00:00Z")},
                                            {QStringLiteral("deprecated"), it.key().endsWith(u"0.9.0")}});
                }
            }
            if (list.isEmpty()) {
                return {404, {}, R"({"error":"pack_not_found"})", -1};
            }
            return {
                200,
                {},
                QJsonDocument(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("versions"), list}}).toJson(),
                -1};
        }
        const bool sidecar = version.endsWith(u".sig");
        if (sidecar) {
            version.chop(4);
        }
        const auto it = packs.constFind(name + u'/' + version);
        if (it == packs.constEnd()) {
            return {404, {}, R"({"error":"pack_not_found"})", -1};
        }
        const QByteArray envelope = envelopeFor(*it);
        if (sidecar) {
            if (envelope.isEmpty()) {
                return {404, {}, R"({"error":"not_found"})", -1};
            }
            return {200, {{"Content-Type", "application/vnd.dsse.envelope+json"}}, envelope, -1};
        }
        const QByteArray etag = etagFor(it->content);
        QList<QPair<QByteArray, QByteArray>> headers{
            {"Content-Type", "application/x-yaml"},
            {"ETag", etag},
            {"X-Pack-Digest",
             it->digestHeader.isEmpty() ? packDigest(it->content).toString().toLatin1() : it->digestHeader},
            {"Cache-Control", it->cacheControl.toLatin1()},
            {"Vary", "Authorization, Accept-Encoding"}};
        if (!it->policy.isEmpty()) {
            headers.append({"X-Pack-Policy", it->policy});
        }
        if (!envelope.isEmpty() && it->headerSignature) {
            headers.append({"X-Pack-Signature", envelope.toBase64()});
            headers.append({"X-Pack-Key-Id", it->signer ? it->signer->keyId().toLatin1() : QByteArray()});
        }
        if (r.header("If-None-Match") == etag) {
            return {304, headers, QByteArray(), -1};
        }
        if (r.method == "HEAD") {
            headers.append({"Content-Length", QByteArray::number(it->content.size())});
            return {200, headers, QByteArray(), -1};
        }
        return {200, headers, it->content, -1};
    }
};

inline QJsonObject keyJson(const PackSigner& s, const QJsonObject& extra = {})
{
    QJsonObject o{{QStringLiteral("key_id"), s.keyId()},
                  {QStringLiteral("algorithm"), QStringLiteral("Ed25519")},
                  {QStringLiteral("public_key"), QString::fromLatin1(s.spki().toBase64())}};
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        o.insert(it.key(), it.value());
    }
    return o;
}

inline QByteArray makeKeysManifest(const QJsonArray& keys)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("keys"), keys}}).toJson();
}

} // namespace dist::test
