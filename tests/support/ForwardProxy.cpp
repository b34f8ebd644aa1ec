// SPDX-License-Identifier: MIT
#include "ForwardProxy.h"

#include "TestRegistry.h"
#include "TestWaits.h"

#include <QFile>
#include <QHostAddress>
#include <QHostInfo>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>

namespace dist::test {

QString loopbackName()
{
    QStringList candidates{QHostInfo::localHostName()};
    QFile hosts(QStringLiteral("/etc/hosts"));
    if (hosts.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : hosts.readAll().split('\n')) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() >= 2 && fields.first().startsWith("127.")) {
                for (qsizetype i = 1; i < fields.size() && !fields.at(i).startsWith('#'); ++i) {
                    candidates << QString::fromLatin1(fields.at(i));
                }
            }
        }
    }
    for (const QString& name : candidates) {
        if (name.isEmpty() || name.startsWith(QLatin1String("localhost")) || name.contains(u'#')) {
            continue;
        }
        const QList<QHostAddress> addresses = QHostInfo::fromName(name).addresses();
        const bool loopback = !addresses.isEmpty()
            && std::all_of(addresses.begin(), addresses.end(), [](const QHostAddress& a) { return a.isLoopback(); });
        if (loopback) {
            return name;
        }
    }
    return {};
}

ForwardProxy::ForwardProxy(const QString& dir, const QString& extraConfig)
    : m_dir(dir)
{
    m_port = TestRegistry::freePort();
    QFile conf(m_dir + QStringLiteral("/tinyproxy.conf"));
    conf.open(QIODevice::WriteOnly | QIODevice::Truncate);
    conf.write(QStringLiteral("Port %1\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\nMaxClients 20\n"
                              "LogLevel Connect\nDisableViaHeader Yes\n%2\n")
                   .arg(m_port)
                   .arg(extraConfig)
                   .toUtf8());
    conf.close();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(logPath());
    m_process.start(QStringLiteral("tinyproxy"), {QStringLiteral("-d"), QStringLiteral("-c"), conf.fileName()});
}

ForwardProxy::~ForwardProxy()
{
    m_process.kill();
    m_process.waitForFinished(scaled(10000));
}

QString ForwardProxy::waitReady()
{
    if (m_process.waitForStarted(scaled(10000)) && waitForListening(m_port, m_process, 30000)) {
        return {};
    }
    return QStringLiteral("tinyproxy did not start: ") + QString::fromUtf8(log());
}

QString ForwardProxy::url(const QString& credentials) const
{
    const QString userInfo = credentials.isEmpty() ? QString() : credentials + u'@';
    return QStringLiteral("http://") + userInfo + QStringLiteral("127.0.0.1:%1").arg(m_port);
}

QByteArray ForwardProxy::log() const
{
    QFile f(logPath());
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int ForwardProxy::requests(const QByteArray& needle) const
{
    int n = 0;
    for (const QByteArray& line : log().split('\n')) {
        n += line.contains("Request (file descriptor") && line.contains(needle) ? 1 : 0;
    }
    return n;
}

} // namespace dist::test
