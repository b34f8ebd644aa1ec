// SPDX-License-Identifier: MIT
#pragma once

namespace dist::gui {

// The window holds every cache entry in memory (about 400 MiB at 100,000 entries), and on virtual
// machines the first touch of each 4 KiB page is costly: at 100,000 entries page faults were a third
// of the time to the first paint. glibc backs its heap with transparent huge pages when asked
// through GLIBC_TUNABLES, which it reads only at start-up, so the GUI restarts itself once with
// the tunable added (measured by bench/gui: first paint 1.0-1.2 s without, 0.6-0.8 s with).
class MallocTuning
{
public:
    // Call first thing in main(). Returns only when no restart is needed or it failed; either way
    // the program goes on as it is. Does nothing where GLIBC_TUNABLES already names the tunable,
    // off glibc/Linux, and under the sanitizers (their allocator is not glibc's).
    static void preferHugePages(char* argv[]);
};

} // namespace dist::gui
