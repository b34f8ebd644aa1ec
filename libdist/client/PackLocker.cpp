// SPDX-License-Identifier: MIT
#include "PackLocker.h"

#include "DistClient.h"
#include <packs/PackResolver.h>

#include <QDateTime>
#include <QFileInfo>
#include <QTimer>

namespace dist {

namespace {

// Runs `step` for items [i, n) one after another; stops at the first error.
template <typename Item, typename Out>
void sequence(QObject* context, std::shared_ptr<QList<Item>> items, qsizetype i, std::shared_ptr<QList<Out>> out,
              std::function<void(const Item&, std::function<void(Result<Out>)>)> step,
              std::function<void(Result<QList<Out>>)> done)
{
    if (i >= items->size()) {
        done(*out);
        return;
    }
    step(items->at(i), [=](Result<Out> r) {
        if (!r) {
            done(r.error());
            return;
        }
        out->append(r.value());
        QTimer::singleShot(0, context, [=] { sequence<Item, Out>(context, items, i + 1, out, step, done); });
    });
}

QString stem(const QString& path)
{
    QString name = path.section(u'/', -1);
    for (const char* ext : {".yaml", ".yml"}) {
        if (name.endsWith(QLatin1String(ext), Qt::CaseInsensitive)) {
            name.chop(static_cast<qsizetype>(qstrlen(ext)));
        }
    }
    return name;
}

} // namespace

QString lockStatusName(LockCheck::Status s)
{
    switch (s) {
    case LockCheck::Status::Matched:
        return QStringLiteral("matched");
    case LockCheck::Status::Mismatched:
        return QStringLiteral("mismatched");
    case LockCheck::Status::Missing:
        return QStringLiteral("missing");
    case LockCheck::Status::Failed:
        return QStringLiteral("failed");
    case LockCheck::Status::Skipped:
        return QStringLiteral("skipped");
    }
    return QString();
}

int LockVerification::count(LockCheck::Status s) const
{
    return static_cast<int>(
        std::count_if(checks.begin(), checks.end(), [s](const LockCheck& c) { return c.status == s; }));
}

PackLocker::PackLocker(DistClient& client, QObject* parent)
    : QObject(parent)
    , m_client(client)
{
}

void PackLocker::lockOne(const QString& reference, std::function<void(Result<PackLockEntry>)> done)
{
    auto ref = Reference::parse(reference);
    if (!ref) {
        QTimer::singleShot(0, this, [done, e = ref.error()] { done(e); });
        return;
    }
    const ReferenceKind kind = ref->kind();
    if (kind == ReferenceKind::RegistryPack || kind == ReferenceKind::BundledPack) {
        m_client.packs().resolve(ref.value(), Digest(), [done](Result<ResolvedPack> r) {
            if (!r) {
                done(r.error());
                return;
            }
            PackLockEntry e;
            e.name = r->name;
            e.version = r->version;
            e.digest = r->digest;
            if (r->source == u"bundled") {
                e.source = QStringLiteral("bundled");
            } else {
                e.source = QStringLiteral("registry");
                e.registryUrl = r->registryUrl; // also when served from the cache (assay drops it)
                e.etag = r->entry.annotations.value(QStringLiteral("assay.pack.etag"));
                e.fetchedAt = QDateTime::fromSecsSinceEpoch(r->entry.fetchedAt, Qt::UTC).toString(Qt::ISODate);
                if (r->signedPack) {
                    e.signatureAlgorithm = QStringLiteral("Ed25519");
                    e.signatureKeyId = r->keyId;
                }
            }
            done(e);
        });
        return;
    }
    const bool yamlFile = kind == ReferenceKind::File
        && (ref->path().endsWith(QLatin1String(".yaml"), Qt::CaseInsensitive)
            || ref->path().endsWith(QLatin1String(".yml"), Qt::CaseInsensitive));
    const bool yamlUrl = kind == ReferenceKind::Https
        && (ref->url().path().endsWith(QLatin1String(".yaml"), Qt::CaseInsensitive)
            || ref->url().path().endsWith(QLatin1String(".yml"), Qt::CaseInsensitive));
    if (!yamlFile && !yamlUrl) {
        QTimer::singleShot(0, this, [done, reference] {
            done(makeError(ErrorCode::InvalidInput,
                           QStringLiteral("invalid reference `%1`: assay.packs.lock holds packs only (name@version, "
                                          "bundled pack names, .yaml files, https://….yaml)")
                               .arg(reference)));
        });
        return;
    }
    m_client.pull(reference, Digest(), [done, reference, yamlFile, ref = ref.value()](Result<PullResult> r) {
        if (!r) {
            done(r.error());
            return;
        }
        PackLockEntry e;
        e.digest = r->digest;
        if (yamlFile) {
            e.name = stem(ref.path());
            e.version = QStringLiteral("local");
            e.source = QStringLiteral("local");
        } else {
            e.name = stem(ref.url().path());
            e.version = QStringLiteral("byos");
            e.source = QStringLiteral("byos");
            e.byosUrl = ref.url().toString(QUrl::RemoveUserInfo | QUrl::RemoveFragment);
        }
        done(e);
    });
}

void PackLocker::generate(const QStringList& references, std::function<void(Result<PackLockfile>)> done)
{
    auto items = std::make_shared<QList<QString>>(references);
    auto out = std::make_shared<QList<PackLockEntry>>();
    sequence<QString, PackLockEntry>(
        this, items, 0, out, [this](const QString& r, auto cb) { lockOne(r, std::move(cb)); },
        [done](Result<QList<PackLockEntry>> entries) {
            if (!entries) {
                done(entries.error());
                return;
            }
            PackLockfile lock;
            for (const PackLockEntry& e : entries.value()) {
                if (const PackLockEntry* existing = lock.find(e.name); existing && existing->digest != e.digest) {
                    done(makeError(
                        ErrorCode::InvalidInput,
                        QStringLiteral("two references lock the pack name `%1` to different content").arg(e.name)));
                    return;
                }
                lock.add(e);
            }
            lock.touch();
            done(lock);
        });
}

void PackLocker::checkOne(const PackLockEntry& entry, std::function<void(Result<LockCheck>)> done)
{
    LockCheck check;
    check.name = entry.name;
    check.version = entry.version;
    check.source = entry.source;
    check.expected = entry.digest;
    const auto classify = [done, check](const Error& error) {
        LockCheck c = check;
        if (error.code == ErrorCode::NotFound) {
            c.status = LockCheck::Status::Missing;
        } else if (error.code == ErrorCode::Integrity) {
            c.status = LockCheck::Status::Failed;
        } else {
            done(error); // offline, auth, network: the lockfile cannot be judged
            return;
        }
        c.detail = error.message;
        done(c);
    };
    const auto compare = [done, check](const Digest& actual) {
        LockCheck c = check;
        c.actual = actual;
        c.status = actual == c.expected ? LockCheck::Status::Matched : LockCheck::Status::Mismatched;
        done(c);
    };

    if (entry.source == u"local") {
        check.status = LockCheck::Status::Skipped;
        check.detail = QStringLiteral("local packs are not re-resolved");
        QTimer::singleShot(0, this, [done, check] { done(check); });
        return;
    }
    if (entry.source == u"byos") {
        const QString url = entry.byosUrl.isEmpty() ? entry.name : entry.byosUrl;
        m_client.pull(url, Digest(),
                      [classify, compare](Result<PullResult> r) { r ? compare(r->digest) : classify(r.error()); });
        return;
    }
    const QString text = entry.source == u"bundled" ? entry.name : entry.name + u'@' + entry.version;
    auto ref = Reference::parse(text);
    if (!ref) {
        QTimer::singleShot(0, this, [classify, e = ref.error()] { classify(e); });
        return;
    }
    // Registry packs are revalidated (a 304 when unchanged), so revocations and republished
    // versions are seen even while the cached copy is fresh.
    m_client.packs().resolve(
        ref.value(), Digest(),
        [classify, compare](Result<ResolvedPack> r) { r ? compare(r->digest) : classify(r.error()); },
        entry.source == u"registry");
}

void PackLocker::verify(const PackLockfile& lock, std::function<void(Result<LockVerification>)> done)
{
    auto items = std::make_shared<QList<PackLockEntry>>(lock.packs);
    auto out = std::make_shared<QList<LockCheck>>();
    sequence<PackLockEntry, LockCheck>(
        this, items, 0, out, [this](const PackLockEntry& e, auto cb) { checkOne(e, std::move(cb)); },
        [done](Result<QList<LockCheck>> checks) {
            if (!checks) {
                done(checks.error());
                return;
            }
            done(LockVerification{checks.value()});
        });
}

void PackLocker::update(std::shared_ptr<PackLockfile> lock, std::function<void(Result<QStringList>)> done)
{
    auto items = std::make_shared<QList<PackLockEntry>>();
    for (const PackLockEntry& e : lock->packs) {
        if (e.source == u"registry") {
            items->append(e);
        }
    }
    auto out = std::make_shared<QList<PackLockEntry>>();
    sequence<PackLockEntry, PackLockEntry>(
        this, items, 0, out,
        [this](const PackLockEntry& e, std::function<void(Result<PackLockEntry>)> cb) {
            auto ref = Reference::parse(e.name + u'@' + e.version);
            if (!ref) {
                QTimer::singleShot(0, this, [cb, err = ref.error()] { cb(err); });
                return;
            }
            m_client.packs().resolve(
                ref.value(), Digest(),
                [e, cb](Result<ResolvedPack> r) {
                    if (!r) {
                        cb(r.error());
                        return;
                    }
                    PackLockEntry next = e;
                    next.digest = r->digest;
                    next.registryUrl = r->registryUrl;
                    next.etag = r->entry.annotations.value(QStringLiteral("assay.pack.etag"));
                    next.fetchedAt = QDateTime::fromSecsSinceEpoch(r->entry.fetchedAt, Qt::UTC).toString(Qt::ISODate);
                    next.signatureAlgorithm = r->signedPack ? QStringLiteral("Ed25519") : QString();
                    next.signatureKeyId = r->signedPack ? r->keyId : QString();
                    cb(next);
                },
                true);
        },
        [lock, done](Result<QList<PackLockEntry>> updated) {
            if (!updated) {
                done(updated.error());
                return;
            }
            QStringList changed;
            for (const PackLockEntry& e : updated.value()) {
                const PackLockEntry* old = lock->find(e.name);
                if (old && old->digest != e.digest) {
                    changed.append(e.name);
                }
                if (old && (old->digest != e.digest || old->signatureKeyId != e.signatureKeyId)) {
                    lock->add(e);
                }
            }
            done(changed);
        });
}

} // namespace dist
