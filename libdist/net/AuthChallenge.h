// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

namespace dist {

// One challenge of a WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"`.
struct AuthChallenge
{
    QString scheme; // lowercase: "bearer", "basic", …
    QMap<QString, QString> params; // keys lowercase

    QString param(const QString& key) const { return params.value(key); }
    // Several challenges may share one header (`Basic realm="x", Bearer realm="y"`).
    static QList<AuthChallenge> parse(const QByteArray& header);
};

} // namespace dist
