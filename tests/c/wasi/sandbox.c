/* Escape attempts against the capability sandbox, made with raw WASI calls.
 *
 * The test lays out (the same for every engine):
 *
 *     ROOT/outside.txt            a file outside every preopen
 *     ROOT/outdir/                a directory outside every preopen
 *     ROOT/box/                   preopened as /sandbox (fd 3), writable
 *         inside.txt  sub/deep.txt
 *         esc_rel -> ../outside.txt      esc_abs -> ROOT/outside.txt (absolute)
 *         esc_dir -> ..                  sub/esc_up -> ../../outside.txt
 *         ok_link -> sub/deep.txt        loop -> loop
 *     ROOT/ro/                    preopened as /ro (fd 4), read-only; holds ro.txt
 *
 * argv[1] is ROOT's absolute host path. Each attempt prints one line "label: ERRNO";
 * the test compares the lines with wasmtime's and with the errno it expects, and checks
 * that nothing outside the preopens changed.
 */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define BOX 3
#define RO 4

/* Raw imports taking (pointer, length), to pass paths with NUL bytes or bad UTF-8. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int raw_path_open(int fd, int dirflags, const char *path, size_t len, int oflags,
                  long long base, long long inheriting, int fdflags, int *out);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_create_directory")))
int raw_path_create_directory(int fd, const char *path, size_t len);

static const char *NAMES[] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN",
    "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED",
    "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST",
    "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL",
    "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP",
    "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV",
    "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
    "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
    "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
};

static void report(const char *label, int e) {
    printf("%s: %s\n", label, e >= 0 && e <= 76 ? NAMES[e] : "?");
}

#define R_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)
#define R_WRITE (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)
#define R_ALL ((__wasi_rights_t)0x3fffffff)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

/* Open, report, and close what opened. */
static void try_open(const char *label, int dir, int lookup, const char *path, int oflags,
                     __wasi_rights_t rights) {
    __wasi_fd_t fd = 0;
    int e = __wasi_path_open(dir, lookup, path, oflags, rights, rights, 0, &fd);
    report(label, e);
    if (e == 0) (void)__wasi_fd_close(fd);
}

static void escapes_by_open(const char *root) {
    char abs[512];
    snprintf(abs, sizeof abs, "%s/outside.txt", root);
    try_open("open ../outside.txt", BOX, 0, "../outside.txt", 0, R_READ);
    try_open("open ..", BOX, 0, "..", __WASI_OFLAGS_DIRECTORY, R_READ);
    try_open("open sub/../../outside.txt", BOX, 0, "sub/../../outside.txt", 0, R_READ);
    try_open("open /etc/passwd", BOX, 0, "/etc/passwd", 0, R_READ);
    try_open("open absolute host path", BOX, 0, abs, 0, R_READ);
    try_open("open / ", BOX, 0, "/", __WASI_OFLAGS_DIRECTORY, R_READ);
    try_open("open esc_rel (follow)", BOX, FOLLOW, "esc_rel", 0, R_READ);
    try_open("open esc_rel (nofollow)", BOX, 0, "esc_rel", 0, R_READ);
    try_open("open esc_abs (follow)", BOX, FOLLOW, "esc_abs", 0, R_READ);
    try_open("open esc_dir/outside.txt", BOX, 0, "esc_dir/outside.txt", 0, R_READ);
    try_open("open esc_dir (follow)", BOX, FOLLOW, "esc_dir", __WASI_OFLAGS_DIRECTORY, R_READ);
    try_open("open sub/esc_up (follow)", BOX, FOLLOW, "sub/esc_up", 0, R_READ);
    try_open("open loop (follow)", BOX, FOLLOW, "loop", 0, R_READ);
    try_open("create ../created.txt", BOX, 0, "../created.txt", __WASI_OFLAGS_CREAT, R_WRITE);
    try_open("create esc_dir/created.txt", BOX, 0, "esc_dir/created.txt",
             __WASI_OFLAGS_CREAT, R_WRITE);
    try_open("trunc esc_rel (follow)", BOX, FOLLOW, "esc_rel",
             __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_WRITE);
    try_open("trunc esc_abs (follow)", BOX, FOLLOW, "esc_abs", __WASI_OFLAGS_TRUNC, R_WRITE);
    try_open("create through esc_rel (nofollow)", BOX, 0, "esc_rel", __WASI_OFLAGS_CREAT, R_WRITE);
    /* Inside the sandbox these succeed. */
    try_open("open sub/../inside.txt", BOX, 0, "sub/../inside.txt", 0, R_READ);
    try_open("open ./sub//deep.txt", BOX, 0, "./sub//deep.txt", 0, R_READ);
    try_open("open ok_link (follow)", BOX, FOLLOW, "ok_link", 0, R_READ);
    try_open("open ok_link (nofollow)", BOX, 0, "ok_link", 0, R_READ);
    try_open("open sub/.. as dir", BOX, 0, "sub/..", __WASI_OFLAGS_DIRECTORY, R_READ);
    try_open("open . as dir", BOX, 0, ".", __WASI_OFLAGS_DIRECTORY, R_READ);
    try_open("open empty path", BOX, 0, "", 0, R_READ);
    try_open("open inside.txt/ (trailing slash)", BOX, 0, "inside.txt/", 0, R_READ);
    try_open("open inside.txt as dir", BOX, 0, "inside.txt", __WASI_OFLAGS_DIRECTORY, R_READ);
    try_open("open missing.txt", BOX, 0, "missing.txt", 0, R_READ);
    try_open("excl inside.txt", BOX, 0, "inside.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
             R_WRITE);
    int fd = 0;
    report("open NUL in path", raw_path_open(BOX, 0, "inside.txt\0x", 12, 0, R_READ, R_READ, 0, &fd));
    report("open invalid UTF-8", raw_path_open(BOX, 0, "in\xff.txt", 7, 0, R_READ, R_READ, 0, &fd));
    report("mkdir NUL in path", raw_path_create_directory(BOX, "new\0dir", 7));
}

static void escapes_by_path_ops(const char *root) {
    __wasi_filestat_t st;
    char buf[64];
    __wasi_size_t n = 0;
    report("stat ../outside.txt", __wasi_path_filestat_get(BOX, 0, "../outside.txt", &st));
    report("stat esc_rel (follow)", __wasi_path_filestat_get(BOX, FOLLOW, "esc_rel", &st));
    report("stat esc_rel (nofollow)", __wasi_path_filestat_get(BOX, 0, "esc_rel", &st));
    printf("  esc_rel is a symlink: %d\n", st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
    report("stat esc_abs (follow)", __wasi_path_filestat_get(BOX, FOLLOW, "esc_abs", &st));
    report("stat esc_dir/outside.txt", __wasi_path_filestat_get(BOX, 0, "esc_dir/outside.txt", &st));
    report("mkdir ../newdir", __wasi_path_create_directory(BOX, "../newdir"));
    report("mkdir esc_dir/newdir", __wasi_path_create_directory(BOX, "esc_dir/newdir"));
    report("mkdir /tmp/x", __wasi_path_create_directory(BOX, "/tmp/x"));
    report("unlink ../outside.txt", __wasi_path_unlink_file(BOX, "../outside.txt"));
    report("unlink esc_dir/outside.txt", __wasi_path_unlink_file(BOX, "esc_dir/outside.txt"));
    report("rmdir ../outdir", __wasi_path_remove_directory(BOX, "../outdir"));
    report("rmdir esc_dir/outdir", __wasi_path_remove_directory(BOX, "esc_dir/outdir"));
    report("rename inside.txt -> ../moved.txt",
           __wasi_path_rename(BOX, "inside.txt", BOX, "../moved.txt"));
    report("rename inside.txt -> esc_dir/moved.txt",
           __wasi_path_rename(BOX, "inside.txt", BOX, "esc_dir/moved.txt"));
    report("rename ../outside.txt -> stolen.txt",
           __wasi_path_rename(BOX, "../outside.txt", BOX, "stolen.txt"));
    report("rename esc_dir/outdir -> stolen",
           __wasi_path_rename(BOX, "esc_dir/outdir", BOX, "stolen"));
    report("link inside.txt -> ../hard.txt",
           __wasi_path_link(BOX, 0, "inside.txt", BOX, "../hard.txt"));
    report("link ../outside.txt -> hard.txt",
           __wasi_path_link(BOX, 0, "../outside.txt", BOX, "hard.txt"));
    report("link esc_rel (follow) -> hard2.txt",
           __wasi_path_link(BOX, FOLLOW, "esc_rel", BOX, "hard2.txt"));
    report("symlink x -> ../newlink", __wasi_path_symlink("x", BOX, "../newlink"));
    report("symlink x -> esc_dir/newlink", __wasi_path_symlink("x", BOX, "esc_dir/newlink"));
    report("readlink esc_rel", __wasi_path_readlink(BOX, "esc_rel", (uint8_t *)buf, sizeof buf, &n));
    printf("  esc_rel -> %.*s\n", (int)n, buf);
    report("readlink ../x", __wasi_path_readlink(BOX, "../x", (uint8_t *)buf, sizeof buf, &n));
    report("readlink esc_dir/box/esc_rel",
           __wasi_path_readlink(BOX, "esc_dir/box/esc_rel", (uint8_t *)buf, sizeof buf, &n));
    report("utimes ../outside.txt",
           __wasi_path_filestat_set_times(BOX, 0, "../outside.txt", 1, 1,
                                          __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    report("utimes esc_rel (follow)",
           __wasi_path_filestat_set_times(BOX, FOLLOW, "esc_rel", 1, 1,
                                          __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    (void)root;
}

/* Links the program plants itself: their contents may say anything, following them must
 * still stay inside. */
static void planted_links(void) {
    report("symlink /etc/passwd -> planted_abs", __wasi_path_symlink("/etc/passwd", BOX, "planted_abs"));
    report("symlink ../outside.txt -> planted_rel",
           __wasi_path_symlink("../outside.txt", BOX, "planted_rel"));
    report("symlink ../../.. -> sub/planted_up", __wasi_path_symlink("../../..", BOX, "sub/planted_up"));
    try_open("open planted_abs (follow)", BOX, FOLLOW, "planted_abs", 0, R_READ);
    try_open("open planted_rel (follow)", BOX, FOLLOW, "planted_rel", 0, R_READ);
    try_open("open sub/planted_up/outside.txt", BOX, 0, "sub/planted_up/outside.txt", 0, R_READ);
    try_open("trunc planted_rel (follow)", BOX, FOLLOW, "planted_rel", __WASI_OFLAGS_TRUNC, R_WRITE);
    report("mkdir sub/planted_up/made", __wasi_path_create_directory(BOX, "sub/planted_up/made"));
    report("unlink planted_abs", __wasi_path_unlink_file(BOX, "planted_abs"));
    report("unlink planted_rel", __wasi_path_unlink_file(BOX, "planted_rel"));
    report("unlink sub/planted_up", __wasi_path_unlink_file(BOX, "sub/planted_up"));
}

static void readonly_preopen(void) {
    __wasi_fd_t fd = 0;
    try_open("ro: open ro.txt for reading", RO, 0, "ro.txt", 0, R_READ);
    try_open("ro: open ro.txt for writing", RO, 0, "ro.txt", 0, R_WRITE);
    try_open("ro: create new.txt", RO, 0, "new.txt", __WASI_OFLAGS_CREAT, R_WRITE);
    try_open("ro: truncate ro.txt", RO, 0, "ro.txt", __WASI_OFLAGS_TRUNC, R_READ);
    report("ro: mkdir d", __wasi_path_create_directory(RO, "d"));
    report("ro: unlink ro.txt", __wasi_path_unlink_file(RO, "ro.txt"));
    report("ro: rename ro.txt", __wasi_path_rename(RO, "ro.txt", RO, "r2.txt"));
    report("ro: symlink", __wasi_path_symlink("ro.txt", RO, "l"));
    report("ro: link", __wasi_path_link(RO, 0, "ro.txt", RO, "l2"));
    report("ro: rename into /sandbox", __wasi_path_rename(RO, "ro.txt", BOX, "taken.txt"));
    report("ro: rename from /sandbox", __wasi_path_rename(BOX, "inside.txt", RO, "taken.txt"));
    report("ro: utimes ro.txt", __wasi_path_filestat_set_times(RO, 0, "ro.txt", 1, 1,
                                                              __WASI_FSTFLAGS_MTIM));
    report("ro: rmdir .", __wasi_path_remove_directory(RO, "."));
    int e = __wasi_path_open(RO, 0, "ro.txt", 0, R_READ, R_READ, 0, &fd);
    if (e == 0) {
        __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
        __wasi_size_t n;
        report("ro: fd_write on a read-only file", __wasi_fd_write(fd, &iov, 1, &n));
        report("ro: set size", __wasi_fd_filestat_set_size(fd, 0));
        report("ro: fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM));
        (void)__wasi_fd_close(fd);
    }
}

static void rights(void) {
    __wasi_fd_t fd = 0, wfd = 0;
    __wasi_size_t n = 0;
    uint8_t byte;
    __wasi_iovec_t iov = {&byte, 1};
    __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};
    __wasi_filesize_t pos;
    uint8_t dbuf[128];
    __wasi_fdstat_t fs;
    report("open inside.txt read-only", __wasi_path_open(BOX, 0, "inside.txt", 0, R_READ, 0, 0, &fd));
    report("fd_write without FD_WRITE", __wasi_fd_write(fd, &ciov, 1, &n));
    report("fd_pwrite without FD_WRITE", __wasi_fd_pwrite(fd, &ciov, 1, 0, &n));
    report("fd_readdir on a file", __wasi_fd_readdir(fd, dbuf, sizeof dbuf, 0, &n));
    report("path_open under a file", __wasi_path_open(fd, 0, "x", 0, R_READ, 0, 0, &wfd));
    report("mkdir under a file", __wasi_path_create_directory(fd, "x"));
    report("fd_prestat_get on a file", __wasi_fd_prestat_get(fd, &(__wasi_prestat_t){0}));
    report("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fs));
    printf("  read=%d write=%d\n", (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0,
           (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
    (void)__wasi_fd_close(fd);
    report("open scratch.txt write-only",
           __wasi_path_open(BOX, 0, "scratch.txt", __WASI_OFLAGS_CREAT, R_WRITE, 0, 0, &wfd));
    report("fd_read without FD_READ", __wasi_fd_read(wfd, &iov, 1, &n));
    report("fd_pread without FD_READ", __wasi_fd_pread(wfd, &iov, 1, 0, &n));
    report("fd_write with FD_WRITE", __wasi_fd_write(wfd, &ciov, 1, &n));
    (void)__wasi_fd_close(wfd);
    report("fd_read on a directory", __wasi_fd_read(BOX, &iov, 1, &n));
    report("fd_write on a directory", __wasi_fd_write(BOX, &ciov, 1, &n));
    report("fd_seek on a directory", __wasi_fd_seek(BOX, 0, __WASI_WHENCE_SET, &pos));
    report("fd_seek on stdout", __wasi_fd_seek(1, 0, __WASI_WHENCE_SET, &pos));
    report("fd_write on stdin", __wasi_fd_write(0, &ciov, 1, &n));
    report("fd_read on stdout", __wasi_fd_read(1, &iov, 1, &n));
    report("fd_close of a closed fd", __wasi_fd_close(fd));
    report("fd_write on fd 99", __wasi_fd_write(99, &ciov, 1, &n));
    report("path_open on fd 99", __wasi_path_open(99, 0, "inside.txt", 0, R_READ, 0, 0, &fd));
    report("path_open on stdin", __wasi_path_open(0, 0, "inside.txt", 0, R_READ, 0, 0, &fd));
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: sandbox ROOT\n");
        return 2;
    }
    escapes_by_open(argv[1]);
    escapes_by_path_ops(argv[1]);
    planted_links();
    readonly_preopen();
    rights();
    (void)__wasi_path_unlink_file(BOX, "scratch.txt");
    return 0;
}
