// SPDX-License-Identifier: MIT
#pragma once

#include <client/DistClient.h>
#include <core/Result.h>
#include <credentials/CredentialProvider.h>
#include <credentials/CredentialStore.h>
#include <trust/CosignSignature.h>

#include <QIODevice>
#include <QString>

#include <memory>

class QNetworkAccessManager;

namespace dist::cli {

class ProgressPrinter;

struct GlobalOptions
{
    QString cacheDir;
    QString credentialStore; // keychain | file; empty: GREENTIC_DIST_CREDENTIAL_STORE, else keychain
    bool offline = false;
    bool json = false;
    bool quiet = false;
    bool verbose = false;
    // Lockfiles of small components are bound by round trips (bench/lockfile-wan, 200 components at
    // 50 ms: 32 jobs 1.9 s, 64 jobs 1.5 s, 128 jobs 1.1 s); big blobs are limited apart from this.
    int jobs = 128;
    QStringList trustRoots; // --trust-root
    QList<CosignPublicKey> signatureKeys; // --verify-signature
    QString registriesConf; // --registries-conf
    QString platform; // --platform, else GREENTIC_DIST_PLATFORM
    bool allowUnsigned = false;
    int inactivityTimeoutSecs = 0; // --inactivity-timeout; 0: GREENTIC_DIST_TIMEOUT_SECS, else 30
};

// What a command may use: output devices, the global options and the (lazily built) client.
// Output goes through the injected devices so tests can capture it in-process.
class CommandContext
{
public:
    CommandContext(QIODevice* out, QIODevice* err, QNetworkAccessManager* nam, bool stderrIsTerminal);
    ~CommandContext();

    GlobalOptions& globals() { return m_globals; }
    const GlobalOptions& globals() const { return m_globals; }

    void print(const QString& line); // stdout, with a newline
    void printErr(const QString& line); // stderr, with a newline
    void writeOut(const QByteArray& bytes);
    void flush(); // stdout, for commands that keep running after they print
    // Prints the error as one plain line on stderr and returns its exit code.
    int fail(const Error& error);

    DistClient& client();
    Cache& cache() { return client().cache(); }
    // The store `auth login` writes to (chooseCredentialStore: flag, environment, keychain).
    Result<QString> credentialStoreChoice() const;
    Result<CredentialStore*> credentialStore();
    CredentialStore* storeFor(const QString& backend);
    QObject* eventContext() { return &m_context; }
    QNetworkAccessManager* network() { return m_nam; }
    QIODevice* input() { return m_in; }
    void setInput(QIODevice* in) { m_in = in; }
    bool showProgress() const;

private:
    QIODevice* m_out;
    QIODevice* m_err;
    QNetworkAccessManager* m_nam;
    bool m_stderrIsTerminal;
    GlobalOptions m_globals;
    std::unique_ptr<DistClient> m_client;
    std::unique_ptr<CredentialStore> m_keychain;
    std::unique_ptr<CredentialStore> m_file;
    std::unique_ptr<CredentialProvider> m_resolver;
    QObject m_context;
    QIODevice* m_in = nullptr;
    std::unique_ptr<ProgressPrinter> m_progress;
};

} // namespace dist::cli
