#include "v8platform.h"

#include <libplatform/libplatform.h>
#include <v8.h>

#include <cstdlib>
#include <mutex>

namespace EventScope::V8Platform {

void ensureInitialized()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // No WebAssembly in a projection (the server has none either); flags are read before V8::Initialize.
        v8::V8::SetFlagsFromString("--no-expose-wasm");
        // For profiling EventScope itself (docs/performance.md): e.g. EVENTSCOPE_V8_FLAGS=--perf-basic-prof.
        if (const char* extra = std::getenv("EVENTSCOPE_V8_FLAGS"))
            v8::V8::SetFlagsFromString(extra);
        // One background thread for V8's own work (concurrent marking and sweeping, compiling off the main thread):
        // on a 2-core machine the projection's worker threads already take every core.
        // Deliberately never deleted: a platform destroyed by a static destructor while a thread still runs an isolate
        // (a compile check finishing at exit) would crash the exit.
        static v8::Platform* const platform = v8::platform::NewDefaultPlatform(1).release();
        v8::V8::InitializePlatform(platform);
        v8::V8::Initialize();
    });
}

} // namespace EventScope::V8Platform
