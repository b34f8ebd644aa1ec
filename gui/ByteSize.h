// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace dist::gui {

// Sizes as the window shows them everywhere: binary units with their IEC names ("46.8 KiB",
// "8.1 MiB"), one decimal, in the system locale; the exact byte count goes in tooltips.
class ByteSize
{
public:
    static QString text(qint64 bytes);
};

} // namespace dist::gui
