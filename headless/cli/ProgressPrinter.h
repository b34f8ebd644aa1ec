// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QIODevice>
#include <QObject>
#include <QString>

namespace dist::cli {

// One status line on a terminal's stderr: "pulling <ref>  12.0 MiB / 40.0 MiB  30%  85 MiB/s".
// Only ever used when stderr is a TTY; never touches stdout.
class ProgressPrinter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgressPrinter)

public:
    explicit ProgressPrinter(QIODevice* err, QObject* parent = nullptr);
    ~ProgressPrinter() override;

    void update(const QString& reference, qint64 received, qint64 total);
    void note(const QString& reference, const QString& message);
    void clear();

    static QString humanBytes(qint64 bytes);

private:
    QIODevice* m_err;
    QElapsedTimer m_sinceDraw;
    QElapsedTimer m_sinceStart;
    bool m_drawn = false;
};

} // namespace dist::cli
