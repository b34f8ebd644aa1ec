// SPDX-License-Identifier: MIT
#include "ServeCommand.h"

#include "CommandContext.h"
#include "serve/DevDistributor.h"
#include "serve/SignalWatcher.h"

#include <core/AtomicFile.h>
#include <core/JsonWriter.h>
#include <trust/PackSigner.h>

#include <QFile>
#include <QHostAddress>
#include <QJsonObject>

#include <csignal>

namespace dist::cli {

namespace {

struct Listen
{
    QHostAddress address;
    quint16 port = 0;
};

// HOST:PORT, [V6]:PORT, :PORT or PORT; the host defaults to 127.0.0.1.
Result<Listen> parseListen(const QString& text)
{
    QString host = QStringLiteral("127.0.0.1");
    QString port = text;
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon >= 0) {
        host = text.left(colon);
        port = text.mid(colon + 1);
        if (host.startsWith(u'[') && host.endsWith(u']')) {
            host = host.mid(1, host.size() - 2);
        }
        if (host.isEmpty()) {
            host = QStringLiteral("127.0.0.1");
        }
    }
    bool ok = false;
    const uint p = port.toUInt(&ok);
    const auto bad = [&] {
        return Error{
            ErrorCode::InvalidInput,
            QStringLiteral("invalid --listen '%1': expected HOST:PORT, e.g. 127.0.0.1:8080 (port 0 picks a free one)")
                .arg(text)};
    };
    if (!ok || p > 65535) {
        return bad();
    }
    QHostAddress address;
    if (host == u"localhost") {
        address = QHostAddress(QHostAddress::LocalHost);
    } else if (!address.setAddress(host)) {
        return bad();
    }
    return Listen{address, quint16(p)};
}

QString urlFor(const QHostAddress& address, quint16 port)
{
    const QString host
        = address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']' : address.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(port);
}

} // namespace

ServeCommand::ServeCommand() = default;
ServeCommand::~ServeCommand() = default;

QList<QCommandLineOption> ServeCommand::options() const
{
    return {
        QCommandLineOption(opt("root"), QStringLiteral("Directory with packs/ and components/ (required)."),
                           QStringLiteral("DIR")),
        QCommandLineOption(opt("listen"),
                           QStringLiteral("Address to listen on (default 127.0.0.1:8080; port 0 = any free)."),
                           QStringLiteral("HOST:PORT")),
        QCommandLineOption(opt("layout"), QStringLiteral("flat, nested or auto (default: both, flat first)."),
                           QStringLiteral("LAYOUT")),
        QCommandLineOption(opt("signing-key"),
                           QStringLiteral("Ed25519 private key (PEM) that signs served YAML packs."),
                           QStringLiteral("PEM")),
        QCommandLineOption(opt("export-trust-root"),
                           QStringLiteral("Write a trust-roots file for the signing key (for --trust-root)."),
                           QStringLiteral("FILE")),
    };
}

void ServeCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList&, Done done)
{
    if (!parser.isSet(opt("root"))) {
        done(ctx.fail(Error{ErrorCode::InvalidInput, QStringLiteral("serve needs --root DIR")}));
        return;
    }
    const auto kind = serve::DevLayout::parseKind(parser.value(opt("layout")));
    if (!kind) {
        done(ctx.fail(kind.error()));
        return;
    }
    const auto listen = parseListen(parser.isSet(opt("listen")) ? parser.value(opt("listen")) : QStringLiteral("8080"));
    if (!listen) {
        done(ctx.fail(listen.error()));
        return;
    }
    auto layout = serve::DevLayout::open(parser.value(opt("root")), kind.value());
    if (!layout) {
        done(ctx.fail(layout.error()));
        return;
    }
    if (parser.isSet(opt("signing-key"))) {
        const QString keyPath = parser.value(opt("signing-key"));
        QFile file(keyPath);
        if (!file.open(QIODevice::ReadOnly)) {
            done(ctx.fail(Error{ErrorCode::InvalidInput,
                                QStringLiteral("cannot read signing key %1: %2").arg(keyPath, file.errorString())}));
            return;
        }
        auto signer = PackSigner::fromPem(file.readAll());
        if (!signer) {
            done(ctx.fail(Error{ErrorCode::InvalidInput,
                                QStringLiteral("signing key %1: %2").arg(keyPath, signer.error().message)}));
            return;
        }
        m_signer = std::make_unique<PackSigner>(std::move(signer.value()));
    }
    if (parser.isSet(opt("export-trust-root"))) {
        if (!m_signer) {
            done(ctx.fail(Error{ErrorCode::InvalidInput, QStringLiteral("--export-trust-root needs --signing-key")}));
            return;
        }
        const auto written = AtomicFile::write(parser.value(opt("export-trust-root")),
                                               m_signer->trustRootJson(QStringLiteral("greentic-dist serve dev key")));
        if (!written) {
            done(ctx.fail(written.error()));
            return;
        }
    }

    m_server = std::make_unique<serve::DevDistributor>(std::move(layout.value()));
    m_server->setSigner(m_signer.get());
    const quint16 port = m_server->listen(listen.value().address, listen.value().port);
    if (port == 0) {
        done(ctx.fail(Error{ErrorCode::Io,
                            QStringLiteral("cannot listen on %1: the address is in use or not available")
                                .arg(urlFor(listen.value().address, listen.value().port))}));
        return;
    }
    if (!listen.value().address.isLoopback()) {
        ctx.printErr(QStringLiteral("warning: serving on a non-loopback address without authentication; anyone who "
                                    "can reach it can read %1")
                         .arg(m_server->layout().root()));
    }
    if (!ctx.globals().quiet) {
        QObject::connect(m_server.get(), &serve::DevDistributor::requestServed, ctx.eventContext(),
                         [&ctx](const QString& line) { ctx.printErr(line); });
    }

    const QString url = urlFor(listen.value().address, port);
    const serve::DevLayout& served = m_server->layout();
    if (ctx.globals().json) {
        JsonWriter w;
        w.value(
            QJsonObject{{QStringLiteral("url"), url},
                        {QStringLiteral("root"), served.root()},
                        {QStringLiteral("layout"), serve::DevLayout::kindName(served.kind())},
                        {QStringLiteral("files"), served.countFiles()},
                        {QStringLiteral("signing_key_id"), m_signer ? QJsonValue(m_signer->keyId()) : QJsonValue()}});
        ctx.writeOut(w.toByteArray());
    } else {
        ctx.print(QStringLiteral("serving %1 (%2 layout, %3 files) at %4")
                      .arg(served.root(), serve::DevLayout::kindName(served.kind()))
                      .arg(served.countFiles())
                      .arg(url));
        ctx.printErr(
            QStringLiteral("runtime API: %1/distributor-api/  pack registry: ASSAY_REGISTRY_URL=%1/v1%2")
                .arg(url, m_signer ? QStringLiteral("  (packs signed by %1)").arg(m_signer->keyId()) : QString()));
        ctx.printErr(QStringLiteral("press Ctrl-C to stop"));
    }
    ctx.flush();

    m_signals = std::make_unique<serve::SignalWatcher>([this, &ctx, done](int signal) {
        if (!m_server) {
            return; // a second signal while shutting down
        }
        m_server.reset(); // closes the listening sockets; in-flight connections go with it
        if (!ctx.globals().quiet) {
            ctx.printErr(QStringLiteral("%1: stopped")
                             .arg(signal == SIGTERM ? QStringLiteral("SIGTERM") : QStringLiteral("SIGINT")));
        }
        done(0);
    });
}

} // namespace dist::cli
