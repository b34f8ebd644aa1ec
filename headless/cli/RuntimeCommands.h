// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

#include <runtime/RuntimeClient.h>

namespace dist::cli {

// `runtime …`: the HTTP runtime API of a distributor. Shared options build the RuntimeConfig:
// --config FILE, then --base-url, --tenant, --environment, --header K=V, --timeout, and the token
// from --token-stdin or GREENTIC_DIST_RUNTIME_TOKEN (never from argv).
class RuntimeCommand : public Command
{
public:
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;

protected:
    virtual bool needsComponent() const { return false; }
    virtual void call(CommandContext& ctx, RuntimeClient& client, const QCommandLineParser& parser, Done done) = 0;
    static Result<RuntimeConfig> buildConfig(CommandContext& ctx, const QCommandLineParser& parser);
};

class RuntimeResolveComponentCommand final : public RuntimeCommand
{
public:
    QStringList path() const override { return {QStringLiteral("runtime"), QStringLiteral("resolve-component")}; }
    QString summary() const override { return QStringLiteral("Ask a distributor where a pack's component is"); }
    QList<QCommandLineOption> options() const override;

protected:
    bool needsComponent() const override { return true; }
    void call(CommandContext& ctx, RuntimeClient& client, const QCommandLineParser& parser, Done done) override;
};

class RuntimePackStatusCommand final : public RuntimeCommand
{
public:
    QStringList path() const override { return {QStringLiteral("runtime"), QStringLiteral("pack-status")}; }
    QString summary() const override { return QStringLiteral("Show a pack's status at a distributor"); }

protected:
    void call(CommandContext& ctx, RuntimeClient& client, const QCommandLineParser& parser, Done done) override;
};

class RuntimePackStatusV2Command final : public RuntimeCommand
{
public:
    QStringList path() const override { return {QStringLiteral("runtime"), QStringLiteral("pack-status-v2")}; }
    QString summary() const override { return QStringLiteral("Show a pack's status and the secrets it requires"); }

protected:
    void call(CommandContext& ctx, RuntimeClient& client, const QCommandLineParser& parser, Done done) override;
};

class RuntimeWarmPackCommand final : public RuntimeCommand
{
public:
    QStringList path() const override { return {QStringLiteral("runtime"), QStringLiteral("warm-pack")}; }
    QString summary() const override { return QStringLiteral("Ask a distributor to warm a pack"); }

protected:
    void call(CommandContext& ctx, RuntimeClient& client, const QCommandLineParser& parser, Done done) override;
};

} // namespace dist::cli
