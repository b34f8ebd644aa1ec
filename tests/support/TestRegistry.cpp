// SPDX-License-Identifier: MIT
#include "TestRegistry.h"

#include "OciLayout.h"
#include "TestWaits.h"

#include <QFile>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

namespace dist::test {

TestRegistry::TestRegistry()
{
    // DIST_TEST_KEEP=1 keeps the registry's storage and log for a post-mortem.
    m_dir.setAutoRemove(qEnvironmentVariable("DIST_TEST_KEEP") != u"1");
}

TestRegistry::~TestRegistry()
{
    stop();
}

quint16 TestRegistry::freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QString TestRegistry::host() const
{
    return QStringLiteral("127.0.0.1:%1").arg(m_port);
}

QString TestRegistry::storageDir() const
{
    return m_dir.path() + QStringLiteral("/storage");
}

QString TestRegistry::blobDataPath(const Digest& digest) const
{
    return storageDir() + QStringLiteral("/docker/registry/v2/blobs/sha256/") + digest.hex().left(2) + u'/'
        + digest.hex() + QStringLiteral("/data");
}

QString TestRegistry::start()
{
    const QString exe = QStandardPaths::findExecutable(QStringLiteral("docker-registry"));
    if (exe.isEmpty()) {
        return QStringLiteral("docker-registry is not installed (Debian package docker-registry)");
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = freePort();
        const QString config = m_dir.path() + QStringLiteral("/config.yml");
        QFile f(config);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(QStringLiteral("version: 0.1\n"
                               "log:\n  level: info\n  accesslog:\n    disabled: true\n"
                               "storage:\n  filesystem:\n    rootdirectory: %1\n  delete:\n    enabled: true\n"
                               "http:\n  addr: 127.0.0.1:%2\n%3")
                    .arg(storageDir())
                    .arg(m_port)
                    .arg(m_extraConfig)
                    .toUtf8());
        f.close();
        m_process = std::make_unique<QProcess>();
        // The registry logs every 404 a test provokes; keep that out of the test output.
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->setStandardOutputFile(m_dir.path() + QStringLiteral("/registry.log"));
        m_process->start(exe, {QStringLiteral("serve"), config});
        if (!m_process->waitForStarted(scaled(10000))) {
            continue;
        }
        // It exits at once when another process took the port between the probe and its start.
        if (waitForListening(m_port, *m_process, 30000)) {
            return {};
        }
        stop();
    }
    return QStringLiteral("docker-registry did not start");
}

QString TestRegistry::pushComponent(const QString& layoutDir, const QString& repository, const QString& tag,
                                    const QByteArray& content) const
{
    OciLayout layout(layoutDir);
    const OciDescriptor layer = layout.addBlob(content, QStringLiteral("application/vnd.wasm.component.v1+wasm"));
    layout.tag(tag, layout.addManifest({layer}, {}, QStringLiteral("application/vnd.greentic.component.v1")));
    layout.finish();
    return push(layout.dir(), tag, repository);
}

void TestRegistry::stop()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(scaled(10000))) {
            m_process->kill();
            m_process->waitForFinished(scaled(10000));
        }
    }
    m_process.reset();
}

QString TestRegistry::push(const QString& layoutDir, const QString& layoutTag, const QString& repository,
                           const QString& tag, bool all) const
{
    QProcess skopeo;
    QStringList args{QStringLiteral("copy"), QStringLiteral("--quiet"), QStringLiteral("--preserve-digests"),
                     QStringLiteral("--dest-tls-verify=false")};
    if (!m_pushCredentials.isEmpty()) {
        args << QStringLiteral("--dest-creds") << m_pushCredentials;
    }
    if (all) {
        args << QStringLiteral("--all");
    }
    args << QStringLiteral("oci:%1:%2").arg(layoutDir, layoutTag)
         << QStringLiteral("docker://%1/%2:%3").arg(host(), repository, tag.isEmpty() ? layoutTag : tag);
    skopeo.start(QStringLiteral("skopeo"), args);
    // The event loop keeps running: a token server in the test may have to answer skopeo.
    const bool finished = QTest::qWaitFor([&] { return skopeo.state() == QProcess::NotRunning; }, scaled(300000));
    if (!finished || skopeo.exitStatus() != QProcess::NormalExit || skopeo.exitCode() != 0) {
        return QStringLiteral("skopeo %1 failed: %2")
            .arg(args.join(u' '), QString::fromUtf8(skopeo.readAllStandardError()));
    }
    return {};
}

} // namespace dist::test
