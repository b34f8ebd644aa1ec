// SPDX-License-Identifier: MIT
#include "CommandLine.h"

#include "AuthListCommand.h"
#include "AuthLoginCommand.h"
#include "AuthLogoutCommand.h"
#include "BundleCommands.h"
#include "CacheCommands.h"
#include "CommandContext.h"
#include "CompletionCommand.h"
#include "DoctorCommand.h"
#include "ExitCode.h"
#include "ExtractCommand.h"
#include "InspectCommand.h"
#include "LockCommands.h"
#include "PackCommand.h"
#include "PullCommand.h"
#include "ReferrersCommand.h"
#include "RegistryCommands.h"
#include "ResolveCommand.h"
#include "RetentionCommands.h"
#include "RuntimeCommands.h"
#include "ServeCommand.h"
#include "StoreDownloadCommand.h"
#include <config/Settings.h>
#include <credentials/SavedCredentials.h>

#include <oci/OciManifest.h>

#include <QTimer>

namespace dist::cli {

CommandLine::CommandLine()
{
    // One entry per line; the order is the order of `--help`.
    m_commands.append(std::make_shared<ResolveCommand>());
    m_commands.append(std::make_shared<ReferrersCommand>());
    m_commands.append(std::make_shared<PullCommand>());
    m_commands.append(std::make_shared<CacheListCommand>());
    m_commands.append(std::make_shared<CacheRemoveCommand>());
    m_commands.append(std::make_shared<CacheGcCommand>());
    m_commands.append(std::make_shared<CacheVerifyCommand>());
    m_commands.append(std::make_shared<CacheDuCommand>());
    m_commands.append(std::make_shared<CacheExportCommand>());
    m_commands.append(std::make_shared<CacheImportCommand>());
    m_commands.append(std::make_shared<BundleListCommand>());
    m_commands.append(std::make_shared<BundleShowCommand>());
    m_commands.append(std::make_shared<BundleStateCommand>());
    m_commands.append(std::make_shared<BundleStageCommand>());
    m_commands.append(std::make_shared<BundleWarmCommand>());
    m_commands.append(std::make_shared<BundleRollbackCommand>());
    m_commands.append(std::make_shared<RetentionPlanCommand>());
    m_commands.append(std::make_shared<RetentionApplyCommand>());
    m_commands.append(std::make_shared<AuthLoginCommand>());
    m_commands.append(std::make_shared<AuthLogoutCommand>());
    m_commands.append(std::make_shared<AuthListCommand>());
    m_commands.append(std::make_shared<StoreDownloadCommand>());
    m_commands.append(std::make_shared<InspectCommand>());
    m_commands.append(std::make_shared<PackCommand>());
    m_commands.append(std::make_shared<RegistryVersionsCommand>());
    m_commands.append(std::make_shared<RegistryFetchCommand>());
    m_commands.append(std::make_shared<RegistryKeysCommand>());
    m_commands.append(std::make_shared<LockGenerateCommand>());
    m_commands.append(std::make_shared<LockVerifyCommand>());
    m_commands.append(std::make_shared<LockUpdateCommand>());
    m_commands.append(std::make_shared<RuntimeResolveComponentCommand>());
    m_commands.append(std::make_shared<RuntimePackStatusCommand>());
    m_commands.append(std::make_shared<RuntimePackStatusV2Command>());
    m_commands.append(std::make_shared<RuntimeWarmPackCommand>());
    m_commands.append(std::make_shared<ServeCommand>());
    m_commands.append(std::make_shared<ExtractCommand>());
    m_commands.append(std::make_shared<DoctorCommand>());
    m_commands.append(std::make_shared<CompletionCommand>(this));
}

CommandLine::~CommandLine() = default;

QList<QCommandLineOption> CommandLine::globalOptions()
{
    return {
        QCommandLineOption(QStringLiteral("cache-dir"),
                           QStringLiteral("Cache root (overrides GREENTIC_DIST_CACHE_DIR)."), QStringLiteral("PATH")),
        QCommandLineOption(QStringLiteral("offline"),
                           QStringLiteral("Never touch the network (also GREENTIC_DIST_OFFLINE=1).")),
        QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print machine-readable JSON on stdout.")),
        QCommandLineOption(QStringLiteral("credential-store"),
                           QStringLiteral("Where auth login saves tokens: keychain (default) or file."),
                           QStringLiteral("NAME")),
        QCommandLineOption(
            QStringLiteral("jobs"),
            QStringLiteral(
                "Components pulled at once, 1 to 256 (default 128; at most 8 blobs over 1 MiB stream at once)."),
            QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("registries-conf"),
                           QStringLiteral("Mirrors and insecure registries (containers-registries.conf format; default "
                                          "$CONTAINERS_REGISTRIES_CONF, ~/.config/containers/registries.conf, "
                                          "/etc/containers/registries.conf)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("platform"),
                           QStringLiteral("Which entry of an image index to pull, as os/arch[/variant] (also "
                                          "GREENTIC_DIST_PLATFORM; default: a wasm entry, else the host's)."),
                           QStringLiteral("OS/ARCH")),
        QCommandLineOption(QStringLiteral("inactivity-timeout"),
                           QStringLiteral("Give up on a download after this many seconds without data (also "
                                          "GREENTIC_DIST_TIMEOUT_SECS; default 30). Three such stalls fail the pull; "
                                          "what arrived is kept for the next run."),
                           QStringLiteral("SECS")),
        QCommandLineOption(QStringLiteral("trust-root"),
                           QStringLiteral("Also trust the pack-signing roots in this JSON file (repeatable; also "
                                          "ASSAY_REGISTRY_TRUST_ROOTS=FILE[:FILE])."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("verify-signature"),
                           QStringLiteral("Require a cosign signature by this public key (PEM, ECDSA P-256 or Ed25519) "
                                          "on every OCI artifact pulled or resolved (repeatable: any of the keys)."),
                           QStringLiteral("KEY.pub")),
        QCommandLineOption(QStringLiteral("allow-unsigned"),
                           QStringLiteral("Accept unsigned packs (never a bad digest or signature).")),
        QCommandLineOption({QStringLiteral("q"), QStringLiteral("quiet")},
                           QStringLiteral("No progress or notes on stderr.")),
        QCommandLineOption({QStringLiteral("v"), QStringLiteral("verbose")},
                           QStringLiteral("Explain what happens on stderr.")),
        QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show help.")),
        QCommandLineOption({QStringLiteral("V"), QStringLiteral("version")}, QStringLiteral("Show the version.")),
    };
}

namespace {

// "  left   description", with the description on its own line when `left` fills the column.
QString helpRow(const QString& left, const QString& description)
{
    constexpr int kColumn = 34;
    if (left.size() < kColumn) {
        return QStringLiteral("  %1%2\n").arg(left.leftJustified(kColumn), description);
    }
    return QStringLiteral("  %1\n  %2%3\n").arg(left, QString(kColumn, u' '), description);
}

} // namespace

QString CommandLine::helpText() const
{
    QString s
        = QStringLiteral("greentic-dist %1: resolve, pull and manage WebAssembly components and packs in a "
                         "verified, content-addressed cache.\n\nUsage: greentic-dist [OPTIONS] <COMMAND> [ARGS]\n\n"
                         "Commands:\n")
              .arg(QStringLiteral(DIST_VERSION));
    for (const auto& c : m_commands) {
        const QString left = c->name() + (c->usage().isEmpty() ? QString() : u' ' + c->usage());
        s += helpRow(left, c->summary());
    }
    s += QStringLiteral("\nGlobal options (may follow the command):\n");
    for (const QCommandLineOption& o : globalOptions()) {
        QStringList names;
        for (const QString& n : o.names()) {
            names << (n.size() == 1 ? QString(u'-' + n) : QString(QStringLiteral("--") + n));
        }
        QString left = names.join(QStringLiteral(", "));
        if (!o.valueName().isEmpty()) {
            left += u' ' + o.valueName();
        }
        s += helpRow(left, o.description());
    }
    s += QStringLiteral(
        "\nExit codes: 0 ok, 2 invalid input, 3 not found, 4 offline, 5 auth, 6 integrity, 10 other.\n");
    return s;
}

QString CommandLine::commandHelp(const Command& command) const
{
    QString s
        = QStringLiteral("%1\n\nUsage: greentic-dist %2%3 [OPTIONS]\n")
              .arg(command.summary(), command.name(), command.usage().isEmpty() ? QString() : u' ' + command.usage());
    const QList<QCommandLineOption> options = command.options();
    if (!options.isEmpty()) {
        s += QStringLiteral("\nOptions:\n");
        for (const QCommandLineOption& o : options) {
            QString left = QStringLiteral("--") + o.names().constLast();
            if (!o.valueName().isEmpty()) {
                left += u' ' + o.valueName();
            }
            s += helpRow(left, o.description());
        }
    }
    s += QStringLiteral(
        "\nGlobal options: --cache-dir PATH, --offline, --json, --jobs N, -q, -v (see greentic-dist --help)\n");
    return s;
}

void CommandLine::run(CommandContext& ctx, const QStringList& arguments, Command::Done done)
{
    auto finishLater = [done](int code) { QTimer::singleShot(0, [done, code] { done(code); }); };

    // Find the command words among the arguments, skipping options and their values. The valued
    // globals come from the option table, so a new one cannot be mistaken for a command word.
    QStringList valuedGlobals;
    for (const QCommandLineOption& o : globalOptions()) {
        if (!o.valueName().isEmpty()) {
            for (const QString& name : o.names()) {
                valuedGlobals.append((name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name);
            }
        }
    }
    QList<qsizetype> wordPositions;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments.at(i);
        if (a == u"--") {
            break;
        }
        if (a.startsWith(u'-') && a.size() > 1) {
            if (valuedGlobals.contains(a)) {
                ++i;
            }
            continue;
        }
        wordPositions.append(i);
    }
    std::shared_ptr<Command> command;
    int words = 0;
    for (const auto& c : m_commands) {
        const QStringList path = c->path();
        if (path.size() > wordPositions.size() || path.size() <= words) {
            continue;
        }
        bool match = true;
        for (qsizetype k = 0; k < path.size(); ++k) {
            if (arguments.at(wordPositions.at(k)) != path.at(k)) {
                match = false;
                break;
            }
        }
        if (match) {
            command = c;
            words = static_cast<int>(path.size());
        }
    }

    const bool wantsHelp = arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"));
    if (!command) {
        if (arguments.contains(QStringLiteral("--version")) || arguments.contains(QStringLiteral("-V"))) {
            ctx.print(QStringLiteral("greentic-dist %1").arg(QStringLiteral(DIST_VERSION)));
            finishLater(ExitCode::Ok);
            return;
        }
        if (wantsHelp || (!wordPositions.isEmpty() && arguments.at(wordPositions.first()) == u"help")) {
            ctx.writeOut(helpText().toUtf8());
            finishLater(ExitCode::Ok);
            return;
        }
        if (wordPositions.isEmpty()) {
            ctx.printErr(helpText());
            finishLater(ExitCode::InvalidInput);
            return;
        }
        QString attempted = arguments.at(wordPositions.first());
        if (wordPositions.size() > 1) {
            attempted += u' ' + arguments.at(wordPositions.at(1));
        }
        ctx.printErr(
            QStringLiteral("error: unknown command `%1`; run `greentic-dist --help` for the list").arg(attempted));
        finishLater(ExitCode::InvalidInput);
        return;
    }
    if (wantsHelp) {
        ctx.writeOut(commandHelp(*command).toUtf8());
        finishLater(ExitCode::Ok);
        return;
    }

    QStringList rest = arguments;
    for (int k = words - 1; k >= 0; --k) {
        rest.removeAt(wordPositions.at(k));
    }
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    // A command's own option wins over a global one of the same name (`runtime … --version V`).
    const QList<QCommandLineOption> own = command->options();
    QStringList ownNames;
    for (const QCommandLineOption& o : own) {
        ownNames += o.names();
    }
    for (const QCommandLineOption& g : globalOptions()) {
        bool clash = false;
        for (const QString& n : g.names()) {
            clash = clash || ownNames.contains(n);
        }
        if (!clash) {
            parser.addOption(g);
        }
    }
    parser.addOptions(own);
    if (!parser.parse(QStringList{QStringLiteral("greentic-dist")} + rest)) {
        ctx.printErr(
            QStringLiteral("error: %1 (see `greentic-dist %2 --help`)").arg(parser.errorText(), command->name()));
        finishLater(ExitCode::InvalidInput);
        return;
    }
    GlobalOptions& g = ctx.globals();
    if (parser.isSet(QStringLiteral("credential-store"))) {
        g.credentialStore = parser.value(QStringLiteral("credential-store"));
        // Refused before the command runs, whatever it is (one rule: chooseCredentialStore).
        if (const auto choice = chooseCredentialStore(g.credentialStore, Settings()); !choice) {
            finishLater(ctx.fail(choice.error()));
            return;
        }
    }
    if (parser.isSet(QStringLiteral("cache-dir"))) {
        g.cacheDir = parser.value(QStringLiteral("cache-dir"));
    }
    g.offline = g.offline || parser.isSet(QStringLiteral("offline"));
    g.json = parser.isSet(QStringLiteral("json"));
    g.trustRoots = parser.values(QStringLiteral("trust-root"));
    g.registriesConf = parser.value(QStringLiteral("registries-conf"));
    g.allowUnsigned = parser.isSet(QStringLiteral("allow-unsigned"));
    for (const QString& path : parser.values(QStringLiteral("verify-signature"))) {
        auto key = CosignPublicKey::load(path);
        if (!key) {
            finishLater(ctx.fail(key.error()));
            return;
        }
        g.signatureKeys.append(key.value());
    }
    {
        const bool flag = parser.isSet(QStringLiteral("platform"));
        const QString platform = flag ? parser.value(QStringLiteral("platform")) : Settings().platform();
        if (!platform.isEmpty()) {
            if (auto ok = LayerPolicy::checkPlatform(platform); !ok) {
                ctx.printErr(
                    QStringLiteral("error: %1%2")
                        .arg(flag ? QStringLiteral("--platform: ") : QStringLiteral("GREENTIC_DIST_PLATFORM: "),
                             ok.message()));
                finishLater(ExitCode::InvalidInput);
                return;
            }
            g.platform = platform;
        }
    }
    g.quiet = parser.isSet(QStringLiteral("quiet"));
    g.verbose = parser.isSet(QStringLiteral("verbose"));
    if (parser.isSet(QStringLiteral("jobs"))) {
        bool ok = false;
        const int jobs = parser.value(QStringLiteral("jobs")).toInt(&ok);
        if (!ok || jobs < 1 || jobs > 256) {
            ctx.printErr(QStringLiteral("error: --jobs must be a number from 1 to 256"));
            finishLater(ExitCode::InvalidInput);
            return;
        }
        g.jobs = jobs;
    }
    if (parser.isSet(QStringLiteral("inactivity-timeout"))) {
        bool ok = false;
        const int secs = parser.value(QStringLiteral("inactivity-timeout")).toInt(&ok);
        if (!ok || secs < 1 || secs > 86400) {
            ctx.printErr(QStringLiteral("error: --inactivity-timeout must be a number of seconds from 1 to 86400"));
            finishLater(ExitCode::InvalidInput);
            return;
        }
        g.inactivityTimeoutSecs = secs;
    }
    const QStringList positionals = parser.positionalArguments();
    if (positionals.size() < command->minPositionals()
        || (command->maxPositionals() >= 0 && positionals.size() > command->maxPositionals())) {
        ctx.printErr(QStringLiteral("error: wrong number of arguments; usage: greentic-dist %1%2")
                         .arg(command->name(), command->usage().isEmpty() ? QString() : u' ' + command->usage()));
        finishLater(ExitCode::InvalidInput);
        return;
    }
    command->run(ctx, parser, positionals, std::move(done));
}

} // namespace dist::cli
