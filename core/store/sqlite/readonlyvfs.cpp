#include "readonlyvfs.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <sqlite3.h>

// What SQLite 3.40.1 (Debian 12) does with a read-only connection, measured on real files
// (tests/core/tst_walreadonly.cpp keeps the cases), and what this VFS changes:
//
// - Rollback-journal store: `mode=ro` takes a SHARED lock per read transaction and creates nothing. Kept as is.
// - WAL store, writer running (-wal and -shm exist): `mode=ro` maps the -shm read-write and writes read marks
//   into it (its hash changes). `readonly_shm=1` maps it read-only and never writes it; a read transaction then
//   uses a read mark a writer set, which stops checkpoints from overwriting what it reads
//   (https://www.sqlite.org/wal.html#readonly, "Read-Only Databases"). Kept: the unix VFS does this part.
// - WAL store, -wal and -shm left over, no writer: with `readonly_shm=1` SQLite rebuilds the WAL index in heap
//   memory from the -wal ("unreliable" -shm, walBeginShmUnreliable() in wal.c), holding a read lock on the
//   -shm so that a writer arriving later cannot checkpoint under it. Kept.
// - WAL store, -wal but no -shm: `mode=ro` creates a -shm; `readonly_shm=1` and `nolock=1` fail with
//   SQLITE_CANTOPEN; `immutable=1` ignores the -wal (it showed 100 of 150 committed rows);
//   `locking_mode=EXCLUSIVE` needs a write lock on a read-only descriptor and fails with SQLITE_IOERR
//   (and would block the store's writers); the "unix-excl" VFS also creates a -shm.
// - WAL store, no -wal, no -shm: `mode=ro` and `readonly_shm=1` create a -wal (SQLite opens the log with
//   O_CREAT even for a read-only connection); only `immutable=1` created nothing, but it takes no lock and
//   caches across transactions, so it misses and may tear under a writer that arrives later.
//
// This VFS handles the last two cases: when there is no -shm file, xShmMap answers SQLITE_READONLY_CANTINIT,
// which makes SQLite take its own read-only path above (heap WAL index rebuilt from the -wal), and a missing
// -wal reads as an empty one. Nothing is created. What SQLite cannot do without a -shm file is lock out a
// writer's checkpoint, so the VFS checks instead: a writer that starts creates the -shm before it writes a
// byte (and cannot delete it while this connection holds its SHARED lock on the database), so a page read
// while no -shm exists is from before any writer. After every read in that mode the VFS checks that the -shm
// is still absent; if one appeared, the read fails with writerArrivedCode() rather than hand back a page that
// may be newer than the rest of the transaction. The next read transaction maps the writer's -shm read-only
// and continues as in the second case. The check is one access() per page read from the file, and only in
// this mode.
//
// Never: a file opened for writing, O_CREAT, a lock above SHARED on the database, a deleted file.

namespace EventScope {

namespace {

constexpr char kVfsName[] = "eventscope-readonly";
constexpr int kReadOnlyRemoved = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE;

sqlite3_vfs g_vfs; // ours; pAppData is the platform VFS it wraps
sqlite3_vfs* defaultRealVfs()
{
    return static_cast<sqlite3_vfs*>(g_vfs.pAppData);
}

// Per database connection (per main file): where its -shm would be, and whether SQLite reads it through the
// real -shm or through the heap index this VFS made it build.
struct ShmState
{
    std::string shmPath;
    bool attached = false; // the real -shm is mapped (read-only) by the unix VFS
    bool heapIndex = false; // xShmMap answered CANTINIT with no -shm: reads must be checked

    bool writerArrived() const { return heapIndex && !attached && exists(); }
    bool exists() const
    {
        sqlite3_vfs* real = defaultRealVfs();
        int found = 0;
        return real->xAccess(real, shmPath.c_str(), SQLITE_ACCESS_EXISTS, &found) == SQLITE_OK && found;
    }
};

// Main files register their state under the file name pointer SQLite gave them; the WAL file of the same
// connection finds it through sqlite3_filename_database(), which returns that same pointer.
std::mutex g_registryMutex;
std::unordered_map<const void*, std::shared_ptr<ShmState>>& registry()
{
    static std::unordered_map<const void*, std::shared_ptr<ShmState>> map;
    return map;
}

enum class FileKind { Main, Wal };

struct VfsFile
{
    sqlite3_file base; // must be first: SQLite sees a VfsFile as a sqlite3_file
    FileKind kind;
    bool realOpen;
    const char* name; // SQLite keeps it alive while the file is open
    int realFlags;
    std::shared_ptr<ShmState> state;
};

constexpr size_t kRealOffset = (sizeof(VfsFile) + 15) & ~size_t(15);

sqlite3_vfs* realVfs(sqlite3_vfs* vfs)
{
    return static_cast<sqlite3_vfs*>(vfs->pAppData);
}
sqlite3_file* realFile(sqlite3_file* file)
{
    return reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kRealOffset);
}
VfsFile* self(sqlite3_file* file)
{
    return reinterpret_cast<VfsFile*>(file);
}

// A -wal that did not exist when the connection opened it is opened when it appears (a writer created it).
bool ensureReal(VfsFile* file)
{
    if (file->realOpen)
        return true;
    sqlite3_vfs* real = defaultRealVfs();
    int outFlags = 0;
    if (real->xOpen(real, file->name, realFile(&file->base), file->realFlags, &outFlags) == SQLITE_OK)
        file->realOpen = true;
    return file->realOpen;
}

int fileClose(sqlite3_file* f)
{
    VfsFile* file = self(f);
    int rc = SQLITE_OK;
    if (file->realOpen)
        rc = realFile(f)->pMethods->xClose(realFile(f));
    if (file->kind == FileKind::Main) {
        const std::lock_guard lock(g_registryMutex);
        registry().erase(file->name);
    }
    file->~VfsFile();
    return rc;
}

int fileRead(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset)
{
    VfsFile* file = self(f);
    if (!ensureReal(file)) {
        std::memset(buffer, 0, size_t(amount));
        return SQLITE_IOERR_SHORT_READ;
    }
    const int rc = realFile(f)->pMethods->xRead(realFile(f), buffer, amount, offset);
    if ((rc == SQLITE_OK || rc == SQLITE_IOERR_SHORT_READ) && file->state && file->state->writerArrived())
        return ReadOnlyVfs::writerArrivedCode();
    return rc;
}

int fileWrite(sqlite3_file*, const void*, int, sqlite3_int64)
{
    return SQLITE_IOERR_WRITE;
}
int fileTruncate(sqlite3_file*, sqlite3_int64)
{
    return SQLITE_IOERR_TRUNCATE;
}
int fileSync(sqlite3_file*, int)
{
    return SQLITE_IOERR_FSYNC;
}

int fileSize(sqlite3_file* f, sqlite3_int64* size)
{
    if (!ensureReal(self(f))) {
        *size = 0;
        return SQLITE_OK;
    }
    return realFile(f)->pMethods->xFileSize(realFile(f), size);
}

int fileLock(sqlite3_file* f, int level)
{
    if (level > SQLITE_LOCK_SHARED)
        return SQLITE_BUSY; // EventScope never writes, so it never needs more, and must not block a writer
    if (self(f)->kind != FileKind::Main || !self(f)->realOpen)
        return SQLITE_OK;
    return realFile(f)->pMethods->xLock(realFile(f), level);
}

int fileUnlock(sqlite3_file* f, int level)
{
    if (self(f)->kind != FileKind::Main || !self(f)->realOpen)
        return SQLITE_OK;
    return realFile(f)->pMethods->xUnlock(realFile(f), level);
}

int fileCheckReservedLock(sqlite3_file* f, int* out)
{
    if (self(f)->kind != FileKind::Main || !self(f)->realOpen) {
        *out = 0;
        return SQLITE_OK;
    }
    return realFile(f)->pMethods->xCheckReservedLock(realFile(f), out);
}

int fileControl(sqlite3_file* f, int op, void* arg)
{
    if (!self(f)->realOpen)
        return SQLITE_NOTFOUND;
    return realFile(f)->pMethods->xFileControl(realFile(f), op, arg);
}

int fileSectorSize(sqlite3_file* f)
{
    return self(f)->realOpen ? realFile(f)->pMethods->xSectorSize(realFile(f)) : 4096;
}

int fileDeviceCharacteristics(sqlite3_file* f)
{
    return self(f)->realOpen ? realFile(f)->pMethods->xDeviceCharacteristics(realFile(f)) : 0;
}

int fileShmMap(sqlite3_file* f, int page, int pageSize, int extend, void volatile** mapped)
{
    ShmState& state = *self(f)->state;
    if (!state.attached) {
        if (!state.exists()) {
            // No -shm and we may not create one: SQLite's answer for "the -shm cannot be trusted", so it
            // builds the WAL index in heap memory from the -wal (wal.c, walIndexReadHdr()).
            *mapped = nullptr;
            state.heapIndex = true;
            return SQLITE_READONLY_CANTINIT;
        }
        const int rc = realFile(f)->pMethods->xShmMap(realFile(f), page, pageSize, extend, mapped);
        if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_READONLY)
            state.attached = true;
        return rc;
    }
    return realFile(f)->pMethods->xShmMap(realFile(f), page, pageSize, extend, mapped);
}

int fileShmLock(sqlite3_file* f, int offset, int n, int flags)
{
    if (!self(f)->state->attached)
        return SQLITE_OK; // heap index: no other connection shares it
    return realFile(f)->pMethods->xShmLock(realFile(f), offset, n, flags);
}

void fileShmBarrier(sqlite3_file* f)
{
    if (self(f)->state->attached)
        realFile(f)->pMethods->xShmBarrier(realFile(f));
    else
        std::atomic_thread_fence(std::memory_order_seq_cst);
}

int fileShmUnmap(sqlite3_file* f, int /*deleteFlag*/)
{
    ShmState& state = *self(f)->state;
    if (!state.attached)
        return SQLITE_OK;
    state.attached = false;
    return realFile(f)->pMethods->xShmUnmap(realFile(f), 0); // never delete the -shm
}

// Version 2: shared memory, but no xFetch, so SQLite never memory-maps the file and every page goes through
// fileRead() and its check.
const sqlite3_io_methods kMethods = {
    2,
    fileClose,
    fileRead,
    fileWrite,
    fileTruncate,
    fileSync,
    fileSize,
    fileLock,
    fileUnlock,
    fileCheckReservedLock,
    fileControl,
    fileSectorSize,
    fileDeviceCharacteristics,
    fileShmMap,
    fileShmLock,
    fileShmBarrier,
    fileShmUnmap,
    nullptr,
    nullptr,
};

int vfsOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* outFlags)
{
    sqlite3_vfs* real = realVfs(vfs);
    const bool isMain = (flags & SQLITE_OPEN_MAIN_DB) && name;
    const bool isWal = (flags & SQLITE_OPEN_WAL) && name;
    if (!isMain && !isWal) {
        // Temporary files (sorting, statement journals) have no name and live in the temp directory:
        // pass them through. A named journal (the hot-journal check) is only ever read.
        if (name
            && !(flags
                & (SQLITE_OPEN_DELETEONCLOSE | SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_TRANSIENT_DB
                    | SQLITE_OPEN_SUBJOURNAL)))
            flags = (flags & ~kReadOnlyRemoved) | SQLITE_OPEN_READONLY;
        return real->xOpen(real, name, f, flags, outFlags);
    }

    const int realFlags = (flags & ~(kReadOnlyRemoved | SQLITE_OPEN_DELETEONCLOSE)) | SQLITE_OPEN_READONLY;
    auto* file = new (f) VfsFile { { nullptr }, isMain ? FileKind::Main : FileKind::Wal, false, name, realFlags, {} };
    int realOutFlags = 0;
    const int rc = real->xOpen(real, name, realFile(f), realFlags, &realOutFlags);
    if (rc == SQLITE_OK) {
        file->realOpen = true;
    } else {
        int exists = 1;
        if (isMain || real->xAccess(real, name, SQLITE_ACCESS_EXISTS, &exists) != SQLITE_OK || exists) {
            file->~VfsFile();
            f->pMethods = nullptr;
            return rc;
        }
        // No -wal: read it as empty until a writer creates it.
    }
    f->pMethods = &kMethods;
    if (outFlags)
        *outFlags = realFlags;

    if (isMain) {
        file->state = std::make_shared<ShmState>();
        file->state->shmPath = std::string(name) + "-shm";
        const std::lock_guard lock(g_registryMutex);
        registry()[name] = file->state;
    } else {
        const std::lock_guard lock(g_registryMutex);
        const auto found = registry().find(sqlite3_filename_database(name));
        if (found != registry().end())
            file->state = found->second;
    }
    return SQLITE_OK;
}

int vfsDelete(sqlite3_vfs*, const char*, int)
{
    return SQLITE_IOERR_DELETE;
}

int vfsAccess(sqlite3_vfs* vfs, const char* name, int flags, int* out)
{
    return realVfs(vfs)->xAccess(realVfs(vfs), name, flags, out);
}

int vfsFullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out)
{
    return realVfs(vfs)->xFullPathname(realVfs(vfs), name, size, out);
}

void* vfsDlOpen(sqlite3_vfs* vfs, const char* name)
{
    return realVfs(vfs)->xDlOpen(realVfs(vfs), name);
}
void vfsDlError(sqlite3_vfs* vfs, int size, char* out)
{
    realVfs(vfs)->xDlError(realVfs(vfs), size, out);
}
void (*vfsDlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void)
{
    return realVfs(vfs)->xDlSym(realVfs(vfs), handle, symbol);
}
void vfsDlClose(sqlite3_vfs* vfs, void* handle)
{
    realVfs(vfs)->xDlClose(realVfs(vfs), handle);
}
int vfsRandomness(sqlite3_vfs* vfs, int size, char* out)
{
    return realVfs(vfs)->xRandomness(realVfs(vfs), size, out);
}
int vfsSleep(sqlite3_vfs* vfs, int microseconds)
{
    return realVfs(vfs)->xSleep(realVfs(vfs), microseconds);
}
int vfsCurrentTime(sqlite3_vfs* vfs, double* out)
{
    return realVfs(vfs)->xCurrentTime(realVfs(vfs), out);
}
int vfsGetLastError(sqlite3_vfs* vfs, int size, char* out)
{
    return realVfs(vfs)->xGetLastError ? realVfs(vfs)->xGetLastError(realVfs(vfs), size, out) : 0;
}
int vfsCurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out)
{
    return realVfs(vfs)->xCurrentTimeInt64(realVfs(vfs), out);
}

} // namespace

const char* ReadOnlyVfs::name()
{
    static const bool registered = [] {
        sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
        if (!real || real->iVersion < 2)
            return false;
        g_vfs = sqlite3_vfs {};
        g_vfs.iVersion = 2;
        g_vfs.szOsFile = int(kRealOffset) + real->szOsFile;
        g_vfs.mxPathname = real->mxPathname;
        g_vfs.zName = kVfsName;
        g_vfs.pAppData = real;
        g_vfs.xOpen = vfsOpen;
        g_vfs.xDelete = vfsDelete;
        g_vfs.xAccess = vfsAccess;
        g_vfs.xFullPathname = vfsFullPathname;
        g_vfs.xDlOpen = vfsDlOpen;
        g_vfs.xDlError = vfsDlError;
        g_vfs.xDlSym = vfsDlSym;
        g_vfs.xDlClose = vfsDlClose;
        g_vfs.xRandomness = vfsRandomness;
        g_vfs.xSleep = vfsSleep;
        g_vfs.xCurrentTime = vfsCurrentTime;
        g_vfs.xGetLastError = vfsGetLastError;
        g_vfs.xCurrentTimeInt64 = vfsCurrentTimeInt64;
        return sqlite3_vfs_register(&g_vfs, 0) == SQLITE_OK;
    }();
    return registered ? kVfsName : nullptr;
}

int ReadOnlyVfs::writerArrivedCode()
{
    return SQLITE_BUSY_SNAPSHOT;
}

} // namespace EventScope
