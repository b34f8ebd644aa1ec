// SPDX-License-Identifier: MIT
#include "DockerAuthSource.h"

#include <config/Settings.h>
#include <core/Logging.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

namespace dist {

namespace {

bool sameRegistry(const QString& a, const QString& b)
{
    auto canonical = [](QString h) {
        if (h == u"index.docker.io" || h == u"registry-1.docker.io") {
            return QStringLiteral("docker.io");
        }
        return h;
    };
    return canonical(a) == canonical(b);
}

} // namespace

DockerAuthSource::DockerAuthSource()
    : m_files(defaultFiles())
{
}

DockerAuthSource::DockerAuthSource(const QStringList& files)
    : m_files(files)
{
}

QStringList DockerAuthSource::defaultFiles()
{
    return Settings().containerAuthFiles();
}

QString DockerAuthSource::normalizeHost(const QString& key)
{
    QString h = key.trimmed().toLower();
    for (const char* scheme : {"https://", "http://"}) {
        if (h.startsWith(QLatin1String(scheme))) {
            h = h.mid(static_cast<qsizetype>(qstrlen(scheme)));
        }
    }
    h = h.section(u'/', 0, 0);
    if (h == u"index.docker.io" || h == u"registry-1.docker.io") {
        h = QStringLiteral("docker.io");
    }
    return h;
}

DockerAuthSource::Hit DockerAuthSource::find(const QString& host) const
{
    const QString wanted = normalizeHost(host);
    for (const QString& file : m_files) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            continue;
        }
        const QJsonObject o = QJsonDocument::fromJson(f.read(4 << 20)).object();
        const QJsonObject helpers = o.value(QStringLiteral("credHelpers")).toObject();
        for (auto it = helpers.begin(); it != helpers.end(); ++it) {
            if (sameRegistry(normalizeHost(it.key()), wanted) && it.value().isString()) {
                return Hit{std::nullopt, it.value().toString()};
            }
        }
        const QJsonObject auths = o.value(QStringLiteral("auths")).toObject();
        for (auto it = auths.begin(); it != auths.end(); ++it) {
            if (!sameRegistry(normalizeHost(it.key()), wanted)) {
                continue;
            }
            const QByteArray encoded = it.value().toObject().value(QStringLiteral("auth")).toString().toLatin1();
            const QByteArray decoded = QByteArray::fromBase64(encoded);
            const qsizetype colon = decoded.indexOf(':');
            if (colon > 0) {
                return Hit{RegistryCredential{QString::fromUtf8(decoded.left(colon)),
                                              QString::fromUtf8(decoded.mid(colon + 1))},
                           QString()};
            }
        }
        const QString store = o.value(QStringLiteral("credsStore")).toString();
        if (!store.isEmpty()) {
            return Hit{std::nullopt, store};
        }
    }
    return Hit{};
}

void DockerAuthSource::askHelper(const QString& helper, const QString& host, QObject* context,
                                 CredentialProvider::Callback done)
{
    const QString program = QStringLiteral("docker-credential-") + helper;
    if (helper.contains(u'/') || Settings().findExecutable(program).isEmpty()) {
        qCInfo(lcAuth).noquote() << "credential helper" << program << "is not installed";
        QTimer::singleShot(0, context, [done] { done(std::optional<RegistryCredential>()); });
        return;
    }
    auto* process = new QProcess(context);
    auto* timer = new QTimer(process);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, process, [process] { process->kill(); });
    QObject::connect(process, &QProcess::finished, context,
                     [process, done, program](int code, QProcess::ExitStatus status) {
                         const QByteArray out = process->readAllStandardOutput();
                         process->deleteLater();
                         if (status != QProcess::NormalExit || code != 0) {
                             // "credentials not found in native keychain" is the protocol's way to say none.
                             qCInfo(lcAuth).noquote() << program << "has no credentials for this registry";
                             done(std::optional<RegistryCredential>());
                             return;
                         }
                         const QJsonObject o = QJsonDocument::fromJson(out).object();
                         const QString username = o.value(QStringLiteral("Username")).toString();
                         const QString secret = o.value(QStringLiteral("Secret")).toString();
                         if (secret.isEmpty() || username == u"<token>") {
                             // Identity tokens need an OAuth2 refresh-token exchange, which is not supported here.
                             done(std::optional<RegistryCredential>());
                             return;
                         }
                         done(std::optional<RegistryCredential>(RegistryCredential{username, secret}));
                     });
    QObject::connect(process, &QProcess::errorOccurred, context, [process, done](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            process->deleteLater();
            done(std::optional<RegistryCredential>());
        }
    });
    process->start(program, {QStringLiteral("get")});
    process->write(host.toUtf8());
    process->closeWriteChannel();
    timer->start(10000);
}

} // namespace dist
