#pragma once

namespace EventScope::Bench {

// How much work each measure does: the full run, or --quick for a first look and the smoke test.
struct RunSettings
{
    bool quick = false;

    int timedRuns() const { return quick ? 3 : 5; } // for the cheap measures; the median is reported
    int jumps() const { return quick ? 20 : 100; }
    int warmupJumps() const { return quick ? 5 : 10; }
    int scrollSteps() const { return quick ? 200 : 2000; }
    int decodePasses() const { return quick ? 1 : 2; } // whole-store passes of each, alternating
};

} // namespace EventScope::Bench
