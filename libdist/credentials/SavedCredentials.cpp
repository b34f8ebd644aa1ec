// SPDX-License-Identifier: MIT
#include "SavedCredentials.h"

#include <credentials/CredentialIndex.h>

#include <QDateTime>

namespace dist {

namespace SavedCredentials {

void save(CredentialStore& store, const CredentialIndex& index, const QString& key, const StoredCredential& credential,
          QObject* context, CredentialStore::Done done)
{
    // The index is copied: a page or command may be gone by the time a keychain answers.
    store.write(key, credential, context,
                [index = CredentialIndex(index), key, username = credential.username, backend = store.backend(),
                 done = std::move(done)](Result<void> written) mutable {
                    if (!written) {
                        done(written);
                        return;
                    }
                    done(index.upsert({key, username, backend, QDateTime::currentSecsSinceEpoch()}));
                });
}

void remove(CredentialStore& store, const CredentialIndex& index, const QString& key, QObject* context,
            CredentialStore::Done done)
{
    store.remove(key, context,
                 [index = CredentialIndex(index), key, done = std::move(done)](Result<void> removed) mutable {
                     if (!removed) {
                         done(removed);
                         return;
                     }
                     done(index.remove(key));
                 });
}

} // namespace SavedCredentials

Result<QString> chooseCredentialStore(const QString& flagValue, const Settings& settings)
{
    const bool fromFlag = !flagValue.isEmpty();
    QString choice = fromFlag ? flagValue : settings.credentialStoreChoice();
    if (choice.isEmpty()) {
        choice = QStringLiteral("keychain");
    }
    if (choice != u"keychain" && choice != u"file") {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid input: the credential store must be `keychain` or `file` (got `%1` "
                                        "from %2)")
                             .arg(choice,
                                  fromFlag ? QStringLiteral("--credential-store")
                                           : QStringLiteral("GREENTIC_DIST_CREDENTIAL_STORE")));
    }
    return choice;
}

} // namespace dist
