// SPDX-License-Identifier: MIT
#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace dist::cli {

class CommandContext;

// An option name for QCommandLineParser lookups (QT_NO_CAST_FROM_ASCII rules out the literal).
inline QString opt(const char* name)
{
    return QString::fromLatin1(name);
}

// One subcommand. run() may finish asynchronously; it calls `done` exactly once with the exit code.
class Command
{
public:
    using Done = std::function<void(int exitCode)>;

    virtual ~Command() = default;

    virtual QStringList path() const = 0; // {"cache", "ls"}
    virtual QString summary() const = 0;
    virtual QString usage() const { return {}; } // positional syntax, e.g. "<REF>"
    virtual QList<QCommandLineOption> options() const { return {}; }
    // Positional argument count accepted: [min, max], max < 0 for unbounded.
    virtual int minPositionals() const { return 0; }
    virtual int maxPositionals() const { return 0; }

    virtual void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) = 0;

    QString name() const { return path().join(u' '); }
};

// A command that takes exactly one reference.
class ReferenceCommand : public Command
{
public:
    QString usage() const override { return QStringLiteral("<REF>"); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
};

} // namespace dist::cli
