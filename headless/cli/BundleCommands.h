// SPDX-License-Identifier: MIT
#pragma once

// The `bundle …` subcommands, one class each.
#include "BundleListCommand.h"
#include "BundleShowCommand.h"
#include "BundleStateCommand.h"
