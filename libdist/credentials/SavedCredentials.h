// SPDX-License-Identifier: MIT
#pragma once

#include <config/Settings.h>
#include <credentials/CredentialStore.h>

namespace dist {

class CredentialIndex;

// The steps of saving and removing a credential, shared by `auth login`/`auth logout`, the store
// download prompt and the GUI's credentials page, so none of them can skip one.
namespace SavedCredentials {

// Writes the secret, then records it in the index (`auth ls`, doctor and pulls read the index
// first). A failed index write is an error: the secret would be saved where nothing looks.
void save(CredentialStore& store, const CredentialIndex& index, const QString& key, const StoredCredential& credential,
          QObject* context, CredentialStore::Done done);

// Removes the secret from its store, then its index entry.
void remove(CredentialStore& store, const CredentialIndex& index, const QString& key, QObject* context,
            CredentialStore::Done done);

} // namespace SavedCredentials

// Which store `auth login` and the GUI save to: the --credential-store value when given, else
// GREENTIC_DIST_CREDENTIAL_STORE, else the OS keychain. Anything but `keychain` or `file` is an
// InvalidInput error naming the value (a typo never falls back to another store).
Result<QString> chooseCredentialStore(const QString& flagValue, const Settings& settings);

} // namespace dist
