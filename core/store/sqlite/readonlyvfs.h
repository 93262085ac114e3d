#pragma once

namespace EventScope {

// A SQLite VFS over the platform's default one that reads a store without ever creating, writing or
// deleting a file beside it, in rollback and in WAL mode, while the store's own application may write.
// Open with `vfs=<name()>` and `mode=ro&readonly_shm=1`. How each case is handled, and why, is in
// readonlyvfs.cpp.
class ReadOnlyVfs
{
public:
    // Registers the VFS on first use (thread-safe) and returns its name; nullptr when SQLite has no default VFS.
    static const char* name();

    // The result code of a read that a writer may have overtaken: a WAL store read without a -shm file (see
    // readonlyvfs.cpp) got a -shm while the read was running, so the rows already read might mix two states.
    // The read fails with this code instead; the next read uses the writer's -shm and sees its commits.
    static int writerArrivedCode();
};

} // namespace EventScope
