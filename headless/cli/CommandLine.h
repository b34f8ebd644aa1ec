// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

#include <QList>
#include <QStringList>

#include <memory>

namespace dist::cli {

class CommandContext;

// Finds the subcommand in argv (global options may come before or after it), parses the options
// of that command plus the global ones, and runs it.
class CommandLine
{
public:
    CommandLine();
    ~CommandLine();

    const QList<std::shared_ptr<Command>>& commands() const { return m_commands; }

    // `arguments` excludes argv[0]. Calls done(exitCode) exactly once.
    void run(CommandContext& ctx, const QStringList& arguments, Command::Done done);

    QString helpText() const;
    static QList<QCommandLineOption> globalOptions();

private:
    QString commandHelp(const Command& command) const;

    QList<std::shared_ptr<Command>> m_commands;
};

} // namespace dist::cli
