// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

#include <memory>

namespace dist {
class PackSigner;
}

namespace dist::serve {
class DevDistributor;
class SignalWatcher;
} // namespace dist::serve

namespace dist::cli {

// `serve --root DIR`: a local dev distributor (runtime API, pack registry API, raw artifacts)
// until SIGINT or SIGTERM. The first stdout line names the URL, so scripts can start it on port 0.
class ServeCommand final : public Command
{
public:
    ServeCommand();
    ~ServeCommand() override;

    QStringList path() const override { return {QStringLiteral("serve")}; }
    QString summary() const override { return QStringLiteral("Serve a directory as a local dev distributor"); }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;

private:
    std::unique_ptr<PackSigner> m_signer;
    std::unique_ptr<serve::DevDistributor> m_server;
    std::unique_ptr<serve::SignalWatcher> m_signals;
};

} // namespace dist::cli
