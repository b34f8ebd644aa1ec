// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace dist {

struct StoredCredential
{
    QString username;
    QString secret;
};

// Keys of saved credentials: "tenant/<name>" for store://greentic-biz tenants, "registry/<host>"
// for any registry.
namespace CredentialKey {
QString tenant(const QString& name);
QString registry(const QString& host);
} // namespace CredentialKey

// Where `auth login` saves secrets. Asynchronous because the OS keychain is; callbacks run on the
// context object's thread, never inside the call. An unreachable backend is an AuthRequired error
// whose message says how to fix it; a missing entry is not an error.
class CredentialStore
{
public:
    using ReadDone = std::function<void(Result<std::optional<StoredCredential>>)>;
    using Done = std::function<void(Result<void>)>;

    virtual ~CredentialStore() = default;
    virtual QString backend() const = 0; // "keychain" | "file" | …
    virtual void read(const QString& key, QObject* context, ReadDone done) = 0;
    virtual void write(const QString& key, const StoredCredential& credential, QObject* context, Done done) = 0;
    virtual void remove(const QString& key, QObject* context, Done done) = 0;
};

} // namespace dist
