// SPDX-License-Identifier: MIT
#include "MallocTuning.h"

#include <config/Settings.h>

#include <QByteArray>

#include <cstdlib>
#include <unistd.h>

namespace dist::gui {

void MallocTuning::preferHugePages(char* argv[])
{
#if defined(__GLIBC__) && defined(__linux__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    const QByteArray tunables = Settings().glibcTunables().toLocal8Bit();
    if (tunables.contains("glibc.malloc.hugetlb")) {
        return; // the user chose, or this is the restarted process
    }
    const QByteArray next
        = tunables.isEmpty() ? QByteArray("glibc.malloc.hugetlb=1") : tunables + ":glibc.malloc.hugetlb=1";
    if (::setenv("GLIBC_TUNABLES", next.constData(), 1) != 0) {
        return;
    }
    ::execv("/proc/self/exe", argv);
    // Still here: exec failed (no /proc, say). Carry on with the default allocator; the variable
    // stays set so that a child does not try again.
#else
    (void)argv;
#endif
}

} // namespace dist::gui
