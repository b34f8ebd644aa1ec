// SPDX-License-Identifier: MIT
#include "ProgressPrinter.h"

namespace dist::cli {

ProgressPrinter::ProgressPrinter(QIODevice* err, QObject* parent)
    : QObject(parent)
    , m_err(err)
{
    m_sinceStart.start();
}

ProgressPrinter::~ProgressPrinter()
{
    clear();
}

QString ProgressPrinter::humanBytes(qint64 bytes)
{
    if (bytes < 1024) {
        return QStringLiteral("%1 B").arg(bytes);
    }
    static const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int i = -1;
    while (v >= 1024.0 && i < 3) {
        v /= 1024.0;
        ++i;
    }
    return QStringLiteral("%1 %2").arg(v, 0, 'f', 1).arg(QLatin1String(units[i]));
}

void ProgressPrinter::update(const QString& reference, qint64 received, qint64 total)
{
    const bool complete = total > 0 && received >= total;
    if (m_sinceDraw.isValid() && m_sinceDraw.elapsed() < 100 && !complete) {
        return;
    }
    m_sinceDraw.start();
    QString line = QStringLiteral("pulling %1  %2").arg(reference.left(60), humanBytes(received));
    if (total > 0) {
        line += QStringLiteral(" / %1  %2%").arg(humanBytes(total)).arg(received * 100 / total);
    }
    const double secs = static_cast<double>(m_sinceStart.elapsed()) / 1000.0;
    if (secs > 0.2) {
        line += QStringLiteral("  %1/s").arg(humanBytes(static_cast<qint64>(static_cast<double>(received) / secs)));
    }
    m_err->write("\r\x1b[2K" + line.toUtf8());
    m_drawn = true;
}

void ProgressPrinter::note(const QString& reference, const QString& message)
{
    clear();
    m_err->write(QStringLiteral("%1: %2\n").arg(reference, message).toUtf8());
}

void ProgressPrinter::clear()
{
    if (m_drawn) {
        m_err->write("\r\x1b[2K");
        m_drawn = false;
    }
}

} // namespace dist::cli
