#pragma once

namespace EventScope::V8Platform {

// V8 wants one platform per process, set up before the first isolate and kept while any isolate lives. The first
// call sets it up (thread-safe); every later call returns at once. It is never torn down: the process ends first.
void ensureInitialized();

} // namespace EventScope::V8Platform
