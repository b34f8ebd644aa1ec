// SPDX-License-Identifier: MIT
#include "cli/CommandContext.h"
#include "cli/CommandLine.h"
#include <config/Settings.h>

#include <QCoreApplication>
#include <QFile>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QTimer>
#include <net/EnvProxyFactory.h>

#include <cstdio>
#include <unistd.h>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("greentic-dist"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DIST_VERSION));

#ifdef DIST_DEPRECATED_ALIAS
    // The Rust project's old binary name still works, with its warning (once, on stderr).
    if (!dist::Settings().silenceDeprecationWarnings()) {
        std::fputs("warning: `greentic-distributor-client` CLI is deprecated; use `greentic-dist` instead\n", stderr);
    }
#endif
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    const bool verbose = args.contains(QStringLiteral("-v")) || args.contains(QStringLiteral("--verbose"));
    // Library diagnostics stay quiet unless asked for; what a user must know arrives as results.
    QLoggingCategory::setFilterRules(verbose ? QStringLiteral("dist.*.debug=false\ndist.*.info=true")
                                             : QStringLiteral("dist.*.info=false\ndist.*.debug=false"));
    qSetMessagePattern(QStringLiteral("greentic-dist: %{message}"));

    QFile out;
    QFile err;
    out.open(stdout, QIODevice::WriteOnly | QIODevice::Unbuffered);
    err.open(stderr, QIODevice::WriteOnly | QIODevice::Unbuffered);

    QFile in;
    in.open(stdin, QIODevice::ReadOnly);
    QNetworkAccessManager nam;
    dist::EnvProxyFactory::install(&nam); // HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY
    dist::cli::CommandContext ctx(&out, &err, &nam, ::isatty(STDERR_FILENO) == 1);
    ctx.setInput(&in);
    dist::cli::CommandLine commandLine;
    QTimer::singleShot(0, &app, [&] { commandLine.run(ctx, args, [](int code) { QCoreApplication::exit(code); }); });
    return app.exec();
}
