// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <memory>

namespace dist::test {

struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool crashed = false;
};

// Runs the real greentic-dist binary with an isolated environment (cache dir, no real HOME).
class CliRunner
{
public:
    explicit CliRunner(const QString& cacheDir);

    QProcessEnvironment& env() { return m_env; }
    const QProcessEnvironment& env() const { return m_env; }

    const QString& cacheDir() const { return m_cacheDir; }

    CliResult run(const QStringList& args, int timeoutMs = 120000) const;
    CliResult runWithInput(const QStringList& args, const QByteArray& input, int timeoutMs = 120000) const;
    // Starts without waiting (for kill and concurrency tests).
    std::unique_ptr<QProcess> start(const QStringList& args) const;
    static CliResult collect(QProcess& process, int timeoutMs = 120000);

    static QString binary();

private:
    QString m_cacheDir;
    QProcessEnvironment m_env;
};

} // namespace dist::test
