// SPDX-License-Identifier: MIT
#include "RuntimeCommands.h"

#include "CommandContext.h"
#include "TokenInput.h"
#include <config/Settings.h>

#include <core/JsonWriter.h>
#include <net/HttpOptions.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>

namespace dist::cli {

namespace {

void printJson(CommandContext& ctx, const QJsonValue& v)
{
    JsonWriter w;
    w.value(v);
    ctx.writeOut(w.toByteArray());
}

void printSecretsHint(CommandContext& ctx, const QString& packId)
{
    if (!ctx.globals().quiet) {
        ctx.printErr(QStringLiteral("this pack needs secrets: run `greentic-secrets init --pack %1`").arg(packId));
    }
}

void printSecrets(CommandContext& ctx, const std::optional<QList<SecretRequirement>>& secrets, const QString& packId)
{
    if (!secrets || secrets->isEmpty()) {
        return;
    }
    if (!ctx.globals().json) {
        ctx.print(QStringLiteral("secret requirements:"));
        for (const SecretRequirement& s : *secrets) {
            QString line = QStringLiteral("  %1 (%2%3)")
                               .arg(s.key, s.required ? QStringLiteral("required") : QStringLiteral("optional"),
                                    s.format.isEmpty() ? QString() : QStringLiteral(", ") + s.format);
            if (!s.description.isEmpty()) {
                line += QStringLiteral(": ") + s.description;
            }
            ctx.print(line);
        }
    }
    printSecretsHint(ctx, packId);
}

} // namespace

QList<QCommandLineOption> RuntimeCommand::options() const
{
    return {
        QCommandLineOption(opt("config"), QStringLiteral("Runtime client config (TOML or JSON)."),
                           QStringLiteral("FILE")),
        QCommandLineOption(opt("base-url"), QStringLiteral("The distributor, e.g. https://dist.example.com."),
                           QStringLiteral("URL")),
        QCommandLineOption(opt("tenant"), QStringLiteral("Tenant id."), QStringLiteral("T")),
        QCommandLineOption(opt("environment"), QStringLiteral("Environment id."), QStringLiteral("E")),
        QCommandLineOption(opt("pack"), QStringLiteral("Pack id."), QStringLiteral("P")),
        QCommandLineOption(opt("header"), QStringLiteral("Extra request header (repeatable)."), QStringLiteral("K=V")),
        QCommandLineOption(opt("timeout"), QStringLiteral("Whole-request timeout in seconds."), QStringLiteral("SECS")),
        QCommandLineOption(opt("token-stdin"),
                           QStringLiteral("Read the bearer token from stdin (else GREENTIC_DIST_RUNTIME_TOKEN).")),
    };
}

Result<RuntimeConfig> RuntimeCommand::buildConfig(CommandContext& ctx, const QCommandLineParser& parser)
{
    RuntimeConfig config;
    if (parser.isSet(opt("config"))) {
        auto loaded = RuntimeConfig::load(parser.value(opt("config")));
        if (!loaded) {
            return loaded.error();
        }
        config = loaded.value();
    }
    if (parser.isSet(opt("base-url"))) {
        config.baseUrl = QUrl(parser.value(opt("base-url")), QUrl::StrictMode);
        if (!config.baseUrl.isValid() || config.baseUrl.host().isEmpty()
            || (config.baseUrl.scheme() != u"https" && config.baseUrl.scheme() != u"http")) {
            return makeError(ErrorCode::InvalidInput, QStringLiteral("--base-url must be an http(s) URL"));
        }
    }
    if (parser.isSet(opt("tenant"))) {
        config.tenant.tenant = parser.value(opt("tenant"));
        config.tenant.tenantId = config.tenant.tenant;
    }
    if (parser.isSet(opt("environment"))) {
        config.environmentId = parser.value(opt("environment"));
        config.tenant.env = config.environmentId;
    }
    for (const QString& h : parser.values(opt("header"))) {
        const qsizetype eq = h.indexOf(u'=');
        if (eq <= 0) {
            return makeError(ErrorCode::InvalidInput, QStringLiteral("--header expects K=V"));
        }
        const QByteArray key = h.left(eq).trimmed().toLatin1();
        config.extraHeaders.removeIf([&key](const auto& e) { return e.first.compare(key, Qt::CaseInsensitive) == 0; });
        config.extraHeaders.append({key, h.mid(eq + 1).toUtf8()});
    }
    if (parser.isSet(opt("timeout"))) {
        bool ok = false;
        const double secs = parser.value(opt("timeout")).toDouble(&ok);
        if (!ok || secs <= 0 || secs > 86400) {
            return makeError(ErrorCode::InvalidInput, QStringLiteral("--timeout must be a positive number of seconds"));
        }
        config.requestTimeoutMs = static_cast<int>(secs * 1000);
    }
    if (parser.isSet(opt("token-stdin"))) {
        auto token = TokenInput::fromStdin(ctx.input());
        if (!token) {
            return token.error();
        }
        config.authToken = token->toUtf8();
    } else if (const QByteArray env = Settings().runtimeToken(); !env.isEmpty()) {
        config.authToken = env;
    }
    if (config.tenant.tenantId.isEmpty() || config.environmentId.isEmpty()) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("--tenant and --environment are required (or tenant and environment_id in --config)"));
    }
    if (!parser.isSet(opt("pack"))) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("--pack is required"));
    }
    return config;
}

void RuntimeCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList&, Done done)
{
    auto config = buildConfig(ctx, parser);
    if (!config) {
        done(ctx.fail(config.error()));
        return;
    }
    if (needsComponent() && (!parser.isSet(opt("component")) || !parser.isSet(opt("version")))) {
        done(ctx.fail(makeError(ErrorCode::InvalidInput, QStringLiteral("--component and --version are required"))));
        return;
    }
    auto* client = new RuntimeClient(ctx.network(), config.value(), HttpOptions::fromEnvironment(), ctx.eventContext());
    call(ctx, *client, parser, [client, done](int code) {
        client->deleteLater();
        done(code);
    });
}

QList<QCommandLineOption> RuntimeResolveComponentCommand::options() const
{
    QList<QCommandLineOption> o = RuntimeCommand::options();
    o << QCommandLineOption(opt("component"), QStringLiteral("Component id."), QStringLiteral("C"))
      << QCommandLineOption(opt("version"), QStringLiteral("Component version."), QStringLiteral("V"))
      << QCommandLineOption(opt("extra"), QStringLiteral("Extra JSON sent with the request (default {})."),
                            QStringLiteral("JSON"));
    return o;
}

void RuntimeResolveComponentCommand::call(CommandContext& ctx, RuntimeClient& client, const QCommandLineParser& parser,
                                          Done done)
{
    ResolveComponentRequest req;
    req.packId = parser.value(opt("pack"));
    req.componentId = parser.value(opt("component"));
    req.version = parser.value(opt("version"));
    if (parser.isSet(opt("extra"))) {
        QJsonParseError perr{};
        const QJsonDocument doc = QJsonDocument::fromJson("[" + parser.value(opt("extra")).toUtf8() + "]", &perr);
        if (perr.error != QJsonParseError::NoError || doc.array().size() != 1) {
            done(ctx.fail(makeError(ErrorCode::InvalidInput, QStringLiteral("--extra must be JSON"))));
            return;
        }
        req.extra = doc.array().first();
    }
    client.resolveComponent(req, [&ctx, done, pack = req.packId](Result<ResolveComponentResponse> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        if (ctx.globals().json) {
            printJson(ctx, r->raw);
        } else {
            ctx.print(QStringLiteral("status: %1%2")
                          .arg(r->status,
                               r->failureReason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(r->failureReason)));
            if (!r->digest.isEmpty()) {
                ctx.print(QStringLiteral("digest: ") + r->digest);
            }
            if (!r->artifactKind.isEmpty()) {
                ctx.print(QStringLiteral("artifact: %1 %2").arg(r->artifactKind, r->artifactLocation));
            }
            if (r->signatureVerified) {
                ctx.print(QStringLiteral("signature: %1%2")
                              .arg(*r->signatureVerified ? QStringLiteral("verified") : QStringLiteral("NOT verified"),
                                   r->signer.isEmpty() ? QString() : QStringLiteral(" by ") + r->signer));
            }
        }
        printSecrets(ctx, r->secretRequirements, pack);
        done(r->status == u"failed" ? 10 : 0);
    });
}

void RuntimePackStatusCommand::call(CommandContext& ctx, RuntimeClient& client, const QCommandLineParser& parser,
                                    Done done)
{
    const QString pack = parser.value(opt("pack"));
    client.packStatus(pack, [&ctx, done, pack](Result<QJsonValue> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        printJson(ctx, r.value());
        // v1 answers any JSON; a distributor that already lists secret requirements there gets the
        // same hint as v2, on stderr so the JSON on stdout stays machine-readable.
        const QJsonValue secrets = r->toObject().value(QStringLiteral("secret_requirements"));
        if (secrets.isArray() && !secrets.toArray().isEmpty()) {
            printSecretsHint(ctx, pack);
        }
        done(0);
    });
}

void RuntimePackStatusV2Command::call(CommandContext& ctx, RuntimeClient& client, const QCommandLineParser& parser,
                                      Done done)
{
    const QString pack = parser.value(opt("pack"));
    client.packStatusV2(pack, [&ctx, done, pack](Result<PackStatusV2> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        if (ctx.globals().json) {
            printJson(ctx, r->raw);
        } else {
            ctx.print(QStringLiteral("status: ") + r->status);
        }
        printSecrets(ctx, r->secretRequirements, pack);
        done(0);
    });
}

void RuntimeWarmPackCommand::call(CommandContext& ctx, RuntimeClient& client, const QCommandLineParser& parser,
                                  Done done)
{
    client.warmPack(parser.value(opt("pack")), [&ctx, done](Result<QJsonValue> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        printJson(ctx, r.value());
        done(0);
    });
}

} // namespace dist::cli
