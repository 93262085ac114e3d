#pragma once

#include "benchreport.h"
#include "runsettings.h"

namespace EventScope::Bench {

// The PostgreSQL read path: a throwaway server of the suite's kind (tests/support/postgresserver.h), the demo
// store of `events` events written into it, and a 100 k-event stream beside it; each measure beside psql on the
// same data in the same run.
QList<Measurement> measurePostgres(qint64 events, const RunSettings& settings);

} // namespace EventScope::Bench
