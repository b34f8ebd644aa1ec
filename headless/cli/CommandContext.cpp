// SPDX-License-Identifier: MIT
#include "CommandContext.h"

#include "ExitCode.h"
#include "ProgressPrinter.h"
#include <config/Settings.h>

#include <KeychainCredentialStore.h>
#include <credentials/CredentialResolver.h>
#include <credentials/FileCredentialStore.h>
#include <credentials/SavedCredentials.h>

#include <QFileDevice>

namespace dist::cli {

CommandContext::CommandContext(QIODevice* out, QIODevice* err, QNetworkAccessManager* nam, bool stderrIsTerminal)
    : m_out(out)
    , m_err(err)
    , m_nam(nam)
    , m_stderrIsTerminal(stderrIsTerminal)
{
}

CommandContext::~CommandContext()
{
    m_progress.reset();
    m_client.reset();
    m_resolver.reset();
}

CredentialStore* CommandContext::storeFor(const QString& backend)
{
    if (backend == u"keychain") {
        if (!m_keychain) {
            m_keychain = std::make_unique<KeychainCredentialStore>();
        }
        return m_keychain.get();
    }
    if (backend == u"file") {
        if (!m_file) {
            m_file = std::make_unique<FileCredentialStore>();
        }
        return m_file.get();
    }
    return nullptr;
}

Result<QString> CommandContext::credentialStoreChoice() const
{
    return chooseCredentialStore(m_globals.credentialStore, Settings());
}

Result<CredentialStore*> CommandContext::credentialStore()
{
    const auto choice = credentialStoreChoice();
    if (!choice) {
        return choice.error();
    }
    CredentialStore* store = storeFor(choice.value());
    if (m_file && store == m_file.get()) {
        // Before any command lists, reads or rewrites it: an exposed file is refused up front.
        if (auto ok = static_cast<FileCredentialStore*>(m_file.get())->checkPermissions(); !ok) {
            return ok.error();
        }
    }
    return store;
}

void CommandContext::print(const QString& line)
{
    // stdout and stderr usually share the terminal: never print behind a progress line.
    if (m_progress) {
        m_progress->clear();
    }
    m_out->write(line.toUtf8() + '\n');
}

void CommandContext::printErr(const QString& line)
{
    if (m_progress) {
        m_progress->clear();
    }
    m_err->write(line.toUtf8() + '\n');
}

void CommandContext::writeOut(const QByteArray& bytes)
{
    if (m_progress) {
        m_progress->clear();
    }
    m_out->write(bytes);
}

void CommandContext::flush()
{
    // stdout is block-buffered when it is a pipe or a file; a long-running command must not sit
    // on what it already printed.
    if (auto* file = qobject_cast<QFileDevice*>(m_out)) {
        file->flush();
    }
}

int CommandContext::fail(const Error& error)
{
    printErr(error.message);
    return exitCodeFor(error.code);
}

bool CommandContext::showProgress() const
{
    return m_stderrIsTerminal && !m_globals.quiet && !m_globals.json;
}

DistClient& CommandContext::client()
{
    if (!m_client) {
        DistOptions options = DistOptions::fromEnvironment(m_globals.cacheDir);
        options.offline = options.offline || m_globals.offline;
        options.packs.trustRootFiles += m_globals.trustRoots;
        options.packs.allowUnsigned = m_globals.allowUnsigned;
        options.signatureKeys = m_globals.signatureKeys;
        if (!m_globals.platform.isEmpty()) {
            options.layers.platform = m_globals.platform;
        }
        if (!m_globals.registriesConf.isEmpty()) {
            options.loadRegistries(m_globals.registriesConf);
        }
        if (m_globals.inactivityTimeoutSecs > 0) {
            options.http.transferTimeoutMs = m_globals.inactivityTimeoutSecs * 1000;
        }
        storeFor(QStringLiteral("keychain"));
        storeFor(QStringLiteral("file"));
        m_resolver = std::make_unique<CredentialResolver>(m_keychain.get(), m_file.get());
        m_client = std::make_unique<DistClient>(m_nam, options, m_resolver.get());
        if (showProgress()) {
            m_progress = std::make_unique<ProgressPrinter>(m_err);
            QObject::connect(m_client.get(), &DistClient::progress, m_progress.get(), &ProgressPrinter::update);
            QObject::connect(m_client.get(), &DistClient::waiting, m_progress.get(), &ProgressPrinter::note);
        }
        if (m_globals.verbose) {
            QObject::connect(m_client.get(), &DistClient::waiting, m_client.get(),
                             [this](const QString& ref, const QString& why) {
                                 if (!m_progress) {
                                     printErr(QStringLiteral("%1: %2").arg(ref, why));
                                 }
                             });
        }
    }
    return *m_client;
}

} // namespace dist::cli
