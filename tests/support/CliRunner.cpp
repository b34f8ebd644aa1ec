// SPDX-License-Identifier: MIT
#include "CliRunner.h"

#include "TestWaits.h"

#include <QTest>

namespace dist::test {

CliRunner::CliRunner(const QString& cacheDir)
    : m_cacheDir(cacheDir)
    , m_env(QProcessEnvironment::systemEnvironment())
{
    for (const QString& key : m_env.keys()) {
        if (key.startsWith(QLatin1String("GREENTIC_")) || key.startsWith(QLatin1String("ASSAY_"))) {
            m_env.remove(key);
        }
    }
    m_env.remove(QStringLiteral("QT_LOGGING_RULES"));
    // Tests pick their proxies themselves; the machine's never apply.
    for (const char* name :
         {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"}) {
        m_env.remove(QLatin1String(name));
    }
    m_env.insert(QStringLiteral("GREENTIC_DIST_CACHE_DIR"), cacheDir);
    m_env.insert(QStringLiteral("GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP"), QStringLiteral("1"));
    m_env.insert(QStringLiteral("GREENTIC_DIST_RETRY_BASE_MS"), QStringLiteral("20"));
}

QString CliRunner::binary()
{
    return QStringLiteral(DIST_CLI_PATH);
}

std::unique_ptr<QProcess> CliRunner::start(const QStringList& args) const
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(m_env);
    p->start(binary(), args);
    p->waitForStarted(scaled(10000));
    return p;
}

CliResult CliRunner::collect(QProcess& process, int timeoutMs)
{
    CliResult r;
    // Keep the test's event loop running while waiting: scripted servers and proxies live on it.
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, scaled(timeoutMs))) {
        process.kill();
        process.waitForFinished(scaled(10000));
        r.crashed = true;
    }
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    r.crashed = r.crashed || process.exitStatus() != QProcess::NormalExit;
    r.out = process.readAllStandardOutput();
    r.err = process.readAllStandardError();
    return r;
}

CliResult CliRunner::runWithInput(const QStringList& args, const QByteArray& input, int timeoutMs) const
{
    auto p = start(args);
    p->write(input);
    p->closeWriteChannel();
    return collect(*p, timeoutMs);
}

CliResult CliRunner::run(const QStringList& args, int timeoutMs) const
{
    auto p = start(args);
    return collect(*p, timeoutMs);
}

} // namespace dist::test
