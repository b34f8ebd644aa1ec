// SPDX-License-Identifier: MIT
#include "BundleStateCommand.h"

#include "BundleListCommand.h"
#include "CommandContext.h"
#include "ExitCode.h"

#include <bundles/BundleStore.h>
#include <core/JsonWriter.h>

namespace dist::cli {

void BundleStateCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList& args, Done done)
{
    const auto to = bundleStateFromName(args.at(1));
    if (!to) {
        done(ctx.fail(makeError(ErrorCode::InvalidInput,
                                QStringLiteral("invalid input: unknown state `%1` (Inactive, Staged, Warming, Ready, "
                                               "Draining, Failed, Archived)")
                                    .arg(args.at(1)))));
        return;
    }
    BundleStore store(ctx.cache().root());
    const auto before = store.stat(args.first());
    auto record = store.setState(args.first(), *to);
    if (!record) {
        done(ctx.fail(record.error()));
        return;
    }
    if (ctx.globals().json) {
        JsonWriter w;
        BundleListCommand::writeRecord(w, record.value());
        ctx.writeOut(w.toByteArray());
    } else {
        ctx.print(QStringLiteral("%1: %2 → %3")
                      .arg(record->bundleId, before ? bundleStateName(before->state) : QStringLiteral("?"),
                           bundleStateName(record->state)));
    }
    done(ExitCode::Ok);
}

} // namespace dist::cli
