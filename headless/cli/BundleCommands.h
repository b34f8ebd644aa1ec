// SPDX-License-Identifier: MIT
#pragma once

// The `bundle …` subcommands, one class each.
#include "BundleLifecycleCommands.h"
#include "BundleListCommand.h"

#include "BundleShowCommand.h"
#include "BundleStateCommand.h"
