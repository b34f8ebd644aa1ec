// SPDX-License-Identifier: MIT
#pragma once

// The `cache …` subcommands, one class each.
#include "CacheDuCommand.h"
#include "CacheGcCommand.h"
#include "CacheListCommand.h"
#include "CacheRemoveCommand.h"
#include "CacheTransferCommands.h"
#include "CacheVerifyCommand.h"
