// SPDX-License-Identifier: MIT
#include "ByteSize.h"

#include <QLocale>

namespace dist::gui {

QString ByteSize::text(qint64 bytes)
{
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

} // namespace dist::gui
