// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// `registry versions|fetch|keys`: the pack registry at ASSAY_REGISTRY_URL.
class RegistryVersionsCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("registry"), QStringLiteral("versions")}; }
    QString summary() const override { return QStringLiteral("List the versions of a pack in the pack registry"); }
    QString usage() const override { return QStringLiteral("<NAME>"); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

class RegistryFetchCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("registry"), QStringLiteral("fetch")}; }
    QString summary() const override
    {
        return QStringLiteral("Fetch and verify a pack (digest, signature) into the cache");
    }
    QString usage() const override { return QStringLiteral("<NAME@VERSION[#sha256:…]>"); }
    QList<QCommandLineOption> options() const override;
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

class RegistryKeysCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("registry"), QStringLiteral("keys")}; }
    QString summary() const override
    {
        return QStringLiteral("Fetch the registry's keys manifest and show the pack trust store");
    }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
