// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class CommandLine;

// completion bash|zsh: a completion script generated from the command table, so it never drifts.
class CompletionCommand final : public Command
{
public:
    explicit CompletionCommand(const CommandLine* commandLine)
        : m_commandLine(commandLine)
    {
    }

    QStringList path() const override { return {QStringLiteral("completion")}; }
    QString summary() const override { return QStringLiteral("Print a shell completion script (bash or zsh)"); }
    QString usage() const override { return QStringLiteral("bash|zsh"); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;

    QString bash() const;
    QString zsh() const;

private:
    const CommandLine* m_commandLine;
};

} // namespace dist::cli
