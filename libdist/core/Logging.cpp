// SPDX-License-Identifier: MIT
#include "Logging.h"

Q_LOGGING_CATEGORY(lcRef, "dist.ref", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCache, "dist.cache", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "dist.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcOci, "dist.oci", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "dist.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcClient, "dist.client", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTrust, "dist.trust", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPacks, "dist.packs", QtInfoMsg)
