"""The types of WASI preview1 (``wasi_snapshot_preview1``), as its witx files define them:
``typenames.witx`` for the enums, flags and records, ``wasi_snapshot_preview1.witx`` for
the functions' signatures (``FUNCTIONS``).

Records live in the guest's little-endian memory with C layout; their sizes and field
offsets are the ``*_SIZE`` constants and ``struct`` formats below.
"""

from __future__ import annotations

import enum
import struct


class Errno(enum.IntEnum):
    """``errno``: every WASI function returns one; 0 is success."""

    SUCCESS = 0
    TOOBIG = 1  # witx: 2big
    ACCES = 2
    ADDRINUSE = 3
    ADDRNOTAVAIL = 4
    AFNOSUPPORT = 5
    AGAIN = 6
    ALREADY = 7
    BADF = 8
    BADMSG = 9
    BUSY = 10
    CANCELED = 11
    CHILD = 12
    CONNABORTED = 13
    CONNREFUSED = 14
    CONNRESET = 15
    DEADLK = 16
    DESTADDRREQ = 17
    DOM = 18
    DQUOT = 19
    EXIST = 20
    FAULT = 21
    FBIG = 22
    HOSTUNREACH = 23
    IDRM = 24
    ILSEQ = 25
    INPROGRESS = 26
    INTR = 27
    INVAL = 28
    IO = 29
    ISCONN = 30
    ISDIR = 31
    LOOP = 32
    MFILE = 33
    MLINK = 34
    MSGSIZE = 35
    MULTIHOP = 36
    NAMETOOLONG = 37
    NETDOWN = 38
    NETRESET = 39
    NETUNREACH = 40
    NFILE = 41
    NOBUFS = 42
    NODEV = 43
    NOENT = 44
    NOEXEC = 45
    NOLCK = 46
    NOLINK = 47
    NOMEM = 48
    NOMSG = 49
    NOPROTOOPT = 50
    NOSPC = 51
    NOSYS = 52
    NOTCONN = 53
    NOTDIR = 54
    NOTEMPTY = 55
    NOTRECOVERABLE = 56
    NOTSOCK = 57
    NOTSUP = 58
    NOTTY = 59
    NXIO = 60
    OVERFLOW = 61
    OWNERDEAD = 62
    PERM = 63
    PIPE = 64
    PROTO = 65
    PROTONOSUPPORT = 66
    PROTOTYPE = 67
    RANGE = 68
    ROFS = 69
    SPIPE = 70
    SRCH = 71
    STALE = 72
    TIMEDOUT = 73
    TXTBSY = 74
    XDEV = 75
    NOTCAPABLE = 76


class Rights(enum.IntFlag):
    """``rights``: what a descriptor may be used for."""

    FD_DATASYNC = 1 << 0
    FD_READ = 1 << 1
    FD_SEEK = 1 << 2
    FD_FDSTAT_SET_FLAGS = 1 << 3
    FD_SYNC = 1 << 4
    FD_TELL = 1 << 5
    FD_WRITE = 1 << 6
    FD_ADVISE = 1 << 7
    FD_ALLOCATE = 1 << 8
    PATH_CREATE_DIRECTORY = 1 << 9
    PATH_CREATE_FILE = 1 << 10
    PATH_LINK_SOURCE = 1 << 11
    PATH_LINK_TARGET = 1 << 12
    PATH_OPEN = 1 << 13
    FD_READDIR = 1 << 14
    PATH_READLINK = 1 << 15
    PATH_RENAME_SOURCE = 1 << 16
    PATH_RENAME_TARGET = 1 << 17
    PATH_FILESTAT_GET = 1 << 18
    PATH_FILESTAT_SET_SIZE = 1 << 19
    PATH_FILESTAT_SET_TIMES = 1 << 20
    FD_FILESTAT_GET = 1 << 21
    FD_FILESTAT_SET_SIZE = 1 << 22
    FD_FILESTAT_SET_TIMES = 1 << 23
    PATH_SYMLINK = 1 << 24
    PATH_REMOVE_DIRECTORY = 1 << 25
    PATH_UNLINK_FILE = 1 << 26
    POLL_FD_READWRITE = 1 << 27
    SOCK_SHUTDOWN = 1 << 28
    SOCK_ACCEPT = 1 << 29


ALL_RIGHTS = (1 << 30) - 1


class Filetype(enum.IntEnum):
    UNKNOWN = 0
    BLOCK_DEVICE = 1
    CHARACTER_DEVICE = 2
    DIRECTORY = 3
    REGULAR_FILE = 4
    SOCKET_DGRAM = 5
    SOCKET_STREAM = 6
    SYMBOLIC_LINK = 7


class Fdflags(enum.IntFlag):
    APPEND = 1 << 0
    DSYNC = 1 << 1
    NONBLOCK = 1 << 2
    RSYNC = 1 << 3
    SYNC = 1 << 4


class Oflags(enum.IntFlag):
    CREAT = 1 << 0
    DIRECTORY = 1 << 1
    EXCL = 1 << 2
    TRUNC = 1 << 3


class Lookupflags(enum.IntFlag):
    SYMLINK_FOLLOW = 1 << 0


class Fstflags(enum.IntFlag):
    ATIM = 1 << 0
    ATIM_NOW = 1 << 1
    MTIM = 1 << 2
    MTIM_NOW = 1 << 3


class Whence(enum.IntEnum):
    SET = 0
    CUR = 1
    END = 2


class Clockid(enum.IntEnum):
    REALTIME = 0
    MONOTONIC = 1
    PROCESS_CPUTIME_ID = 2
    THREAD_CPUTIME_ID = 3


class Advice(enum.IntEnum):
    NORMAL = 0
    SEQUENTIAL = 1
    RANDOM = 2
    WILLNEED = 3
    DONTNEED = 4
    NOREUSE = 5


class Eventtype(enum.IntEnum):
    CLOCK = 0
    FD_READ = 1
    FD_WRITE = 2


SUBSCRIPTION_CLOCK_ABSTIME = 1  # subclockflags
FD_READWRITE_HANGUP = 1  # eventrwflags
PREOPENTYPE_DIR = 0

# -- records: sizes, alignments and layouts (little-endian, C layout) -----------------------
#: iovec / ciovec: buf (u32), buf_len (u32)
IOVEC = struct.Struct("<II")
#: fdstat: fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8, fs_rights_inheriting @16
FDSTAT = struct.Struct("<BxHxxxxQQ")
#: filestat: dev, ino, filetype u8 (+7), nlink, size, atim, mtim, ctim
FILESTAT = struct.Struct("<QQBxxxxxxxQQQQQ")
#: dirent: d_next u64, d_ino u64, d_namlen u32, d_type u8 (+3)
DIRENT = struct.Struct("<QQIBxxx")
#: prestat: tag u8 (+3), pr_name_len u32
PRESTAT = struct.Struct("<BxxxI")
#: subscription: userdata u64, tag u8 (+7), then the union's 32 bytes
SUBSCRIPTION = struct.Struct("<QBxxxxxxx32s")
#: subscription_clock: id u32 (+4), timeout u64, precision u64, flags u16 (+6)
SUBSCRIPTION_CLOCK = struct.Struct("<IxxxxQQHxxxxxx")
#: event: userdata u64, error u16, type u8 (+5), nbytes u64, flags u16 (+6)
EVENT = struct.Struct("<QHBxxxxxQHxxxxxx")

# -- the functions -----------------------------------------------------------------------------
#: name -> (parameter kinds, result kinds), in the order of ``wasi_snapshot_preview1.witx``
#: once lowered to core WebAssembly. A kind is a witx type name; ``CORE_TYPES`` says which
#: are i64 (the rest are i32), and ``ENUM_SIZES`` / ``FLAG_MASKS`` which values are valid.
FUNCTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "args_get": (("ptr", "ptr"), ("errno",)),
    "args_sizes_get": (("ptr", "ptr"), ("errno",)),
    "environ_get": (("ptr", "ptr"), ("errno",)),
    "environ_sizes_get": (("ptr", "ptr"), ("errno",)),
    "clock_res_get": (("clockid", "ptr"), ("errno",)),
    "clock_time_get": (("clockid", "timestamp", "ptr"), ("errno",)),
    "fd_advise": (("fd", "filesize", "filesize", "advice"), ("errno",)),
    "fd_allocate": (("fd", "filesize", "filesize"), ("errno",)),
    "fd_close": (("fd",), ("errno",)),
    "fd_datasync": (("fd",), ("errno",)),
    "fd_fdstat_get": (("fd", "ptr"), ("errno",)),
    "fd_fdstat_set_flags": (("fd", "fdflags"), ("errno",)),
    "fd_fdstat_set_rights": (("fd", "rights", "rights"), ("errno",)),
    "fd_filestat_get": (("fd", "ptr"), ("errno",)),
    "fd_filestat_set_size": (("fd", "filesize"), ("errno",)),
    "fd_filestat_set_times": (("fd", "timestamp", "timestamp", "fstflags"), ("errno",)),
    "fd_pread": (("fd", "ptr", "size", "filesize", "ptr"), ("errno",)),
    "fd_prestat_get": (("fd", "ptr"), ("errno",)),
    "fd_prestat_dir_name": (("fd", "ptr", "size"), ("errno",)),
    "fd_pwrite": (("fd", "ptr", "size", "filesize", "ptr"), ("errno",)),
    "fd_read": (("fd", "ptr", "size", "ptr"), ("errno",)),
    "fd_readdir": (("fd", "ptr", "size", "dircookie", "ptr"), ("errno",)),
    "fd_renumber": (("fd", "fd"), ("errno",)),
    "fd_seek": (("fd", "filedelta", "whence", "ptr"), ("errno",)),
    "fd_sync": (("fd",), ("errno",)),
    "fd_tell": (("fd", "ptr"), ("errno",)),
    "fd_write": (("fd", "ptr", "size", "ptr"), ("errno",)),
    "path_create_directory": (("fd", "ptr", "size"), ("errno",)),
    "path_filestat_get": (("fd", "lookupflags", "ptr", "size", "ptr"), ("errno",)),
    "path_filestat_set_times": (("fd", "lookupflags", "ptr", "size", "timestamp", "timestamp",
                                 "fstflags"), ("errno",)),
    "path_link": (("fd", "lookupflags", "ptr", "size", "fd", "ptr", "size"), ("errno",)),
    "path_open": (("fd", "lookupflags", "ptr", "size", "oflags", "rights", "rights", "fdflags",
                   "ptr"), ("errno",)),
    "path_readlink": (("fd", "ptr", "size", "ptr", "size", "ptr"), ("errno",)),
    "path_remove_directory": (("fd", "ptr", "size"), ("errno",)),
    "path_rename": (("fd", "ptr", "size", "fd", "ptr", "size"), ("errno",)),
    "path_symlink": (("ptr", "size", "fd", "ptr", "size"), ("errno",)),
    "path_unlink_file": (("fd", "ptr", "size"), ("errno",)),
    "poll_oneoff": (("ptr", "ptr", "size", "ptr"), ("errno",)),
    "proc_exit": (("exitcode",), ()),
    "proc_raise": (("signal",), ("errno",)),
    "sched_yield": ((), ("errno",)),
    "random_get": (("ptr", "size"), ("errno",)),
    "sock_accept": (("fd", "fdflags", "ptr"), ("errno",)),
    "sock_recv": (("fd", "ptr", "size", "riflags", "ptr", "ptr"), ("errno",)),
    "sock_send": (("fd", "ptr", "size", "siflags", "ptr"), ("errno",)),
    "sock_shutdown": (("fd", "sdflags"), ("errno",)),
}

#: The kinds passed as i64; every other kind is an i32.
CORE_TYPES = {"filesize": "i64", "filedelta": "i64", "timestamp": "i64", "rights": "i64",
              "dircookie": "i64"}
#: Enums: the number of cases (a value must be below it).
ENUM_SIZES = {"whence": 3, "advice": 6, "clockid": 4, "signal": 31}
#: Flags: the bits that are defined (no other may be set).
FLAG_MASKS = {"oflags": 0xF, "lookupflags": 0x1, "fdflags": 0x1F, "fstflags": 0xF,
              "rights": ALL_RIGHTS, "sdflags": 0x3, "riflags": 0x3, "siflags": 0x0}
