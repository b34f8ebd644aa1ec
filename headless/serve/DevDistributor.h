// SPDX-License-Identifier: MIT
#pragma once

#include "DevLayout.h"

#include <core/Digest.h>

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>

namespace dist {
class PackSigner;
}

namespace dist::serve {

// One answer: either an in-memory body or a byte range of a file streamed from disk.
struct DevReply
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString file;
    qint64 offset = 0;
    qint64 length = 0;
};

// A local dev distributor over a DevLayout: the runtime API under /distributor-api/, the assay
// pack registry API under /v1/ (packs signed with a dev key when one is given) and the raw files
// under /artifacts/. Built for one developer, the demo and conformance tests: no auth, loopback.
class DevDistributor final : public QAbstractHttpServer
{
    Q_OBJECT

public:
    explicit DevDistributor(DevLayout layout, QObject* parent = nullptr);

    void setSigner(const PackSigner* signer) { m_signer = signer; }
    const DevLayout& layout() const { return m_layout; }

    // Routing without sockets, so every answer is the same whether it is logged, tested or sent.
    DevReply route(const QByteArray& method, const QString& path, const QUrlQuery& query,
                   const QList<QPair<QByteArray, QByteArray>>& headers, const QByteArray& body);

Q_SIGNALS:
    // One line per request: client, method, path, status, bytes, milliseconds.
    void requestServed(const QString& line);

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    struct FileFacts
    {
        qint64 size = -1;
        QDateTime modified;
        Digest digest;
    };

    DevReply index() const;
    DevReply resolveComponent(const QByteArray& body);
    DevReply packStatus(const QUrlQuery& query, bool v2);
    DevReply warmPack(const QByteArray& body);
    DevReply registry(const QStringList& parts, const QByteArray& ifNoneMatch);
    DevReply registryVersions(const QString& name);
    QString registryPackPath(const QString& name, const QString& version) const;
    DevReply keys() const;
    DevReply artifact(const QStringList& parts, const QByteArray& range);

    Result<FileFacts> facts(const QString& path);
    Result<QJsonValue> secretRequirements(const QString& packId) const;

    DevLayout m_layout;
    const PackSigner* m_signer = nullptr;
    QHash<QString, FileFacts> m_digests; // by path; refreshed when size or mtime change
};

} // namespace dist::serve
