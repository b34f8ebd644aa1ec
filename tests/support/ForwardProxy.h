// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>

namespace dist::test {

// Another name for loopback than `localhost` (this machine's host name, or a name in /etc/hosts
// that resolves to 127.x), or empty when there is none. Proxies never see loopback addresses, so
// tests address local servers by this name to send them through a proxy.
QString loopbackName();

// Debian's tinyproxy in the foreground on a free loopback port, its log in a file in `dir`.
class ForwardProxy
{
public:
    ForwardProxy(const QString& dir, const QString& extraConfig);
    ~ForwardProxy();

    // Empty once it accepts connections, else why not.
    QString waitReady();
    // http://[credentials@]127.0.0.1:<port>
    QString url(const QString& credentials = QString()) const;
    QByteArray log() const;
    // Log lines of forwarded requests (and CONNECT tunnels) that contain `needle`.
    int requests(const QByteArray& needle) const;

private:
    QString logPath() const { return m_dir + QStringLiteral("/tinyproxy.log"); }

    QString m_dir;
    quint16 m_port = 0;
    QProcess m_process;
};

} // namespace dist::test
