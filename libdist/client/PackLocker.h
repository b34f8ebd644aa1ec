// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>
#include <packs/PackLockfile.h>

#include <QList>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

namespace dist {

class DistClient;

struct LockCheck
{
    enum class Status
    {
        Matched,
        Mismatched, // resolved, but to other content than the lockfile pins
        Missing, // the pack is gone (not found)
        Failed, // it could not be trusted: revoked, bad or untrusted signature, digest claims
        Skipped, // local entries: nothing to resolve them against
    };
    QString name;
    QString version;
    QString source;
    Status status = Status::Matched;
    Digest expected;
    Digest actual;
    QString detail;
};
QString lockStatusName(LockCheck::Status s);

struct LockVerification
{
    QList<LockCheck> checks;
    int count(LockCheck::Status s) const;
    bool allMatch() const
    {
        return count(LockCheck::Status::Mismatched) + count(LockCheck::Status::Missing)
            + count(LockCheck::Status::Failed)
            == 0;
    }
};

// `lock generate | verify | update` for assay.packs.lock over a DistClient: registry and bundled
// packs through the pack resolver, local YAML files and https (BYOS) packs through pull.
// Entries are handled one after another, in lockfile order.
class PackLocker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PackLocker)

public:
    explicit PackLocker(DistClient& client, QObject* parent = nullptr);

    void generate(const QStringList& references, std::function<void(Result<PackLockfile>)> done);
    void verify(const PackLockfile& lock, std::function<void(Result<LockVerification>)> done);
    // Re-resolves registry entries against the registry; returns the names whose digest changed
    // (the lockfile is updated in place through `lock`).
    void update(std::shared_ptr<PackLockfile> lock, std::function<void(Result<QStringList>)> done);

private:
    void lockOne(const QString& reference, std::function<void(Result<PackLockEntry>)> done);
    void checkOne(const PackLockEntry& entry, std::function<void(Result<LockCheck>)> done);

    DistClient& m_client;
};

} // namespace dist
