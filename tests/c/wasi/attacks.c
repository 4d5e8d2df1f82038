/* Attacks on the capability sandbox that need a second step to do harm: a name made
 * inside the sandbox that would lead outside if a call followed a link it must not, a
 * timestamp set through a link, a file of the read-only preopen linked or moved into
 * the writable one, and paths ending in "..". Each attempt prints "label: ERRNO"; the
 * test compares the lines with wasmtime's and with the expected text, and checks that
 * nothing outside the preopens (nor in the read-only one) changed, timestamps included.
 *
 * The layout is sandbox.c's (ROOT/outside.txt, ROOT/outdir/, ROOT/box/ as fd 3 with
 * esc_rel -> ../outside.txt, esc_abs -> ROOT/outside.txt, esc_dir -> ..,
 * sub/esc_up -> ../../outside.txt; ROOT/ro/ as fd 4, read-only, holding ro.txt), plus
 *
 *     box/sub/sub2/               an empty directory
 *     box/sub/sub2/up -> ../..    back to box: allowed
 *     box/up2 -> sub/sub2/..      to box/sub: allowed
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_symlink")))
int32_t raw_path_symlink(int32_t old_path, int32_t old_len, int32_t fd, int32_t new_path,
                         int32_t new_len);

#define BOX 3
#define RO 4

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
#define R_DIR (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | \
               __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_CREATE_DIRECTORY | \
               __WASI_RIGHTS_PATH_FILESTAT_GET)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
#define TIMES (__WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM)
#define NOW (__WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW)
#define LONG_AGO 1000000000ull /* 1970-01-01T00:00:01 */

/* Open `path` for writing and, if that works, write through it: the write is what would
 * change a file outside if the open had reached one. */
static void try_write(const char *label, int dir, int lookup, const char *path, int oflags) {
    __wasi_fd_t fd = 0;
    int e = __wasi_path_open(dir, lookup, path, oflags, R_WRITE, R_WRITE, 0, &fd);
    report(label, e);
    if (e == 0) {
        __wasi_ciovec_t iov = {(const uint8_t *)"PWNED\n", 6};
        __wasi_size_t n = 0;
        report("  write through it", __wasi_fd_write(fd, &iov, 1, &n));
        (void)__wasi_fd_close(fd);
    }
}

static void is_symlink(const char *path) {
    __wasi_filestat_t st;
    int e = __wasi_path_filestat_get(BOX, 0, path, &st);
    printf("  %s is a symlink: %d\n", path, e == 0 && st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
}

/* A hard link to a symbolic link is the link itself, never its target. */
static void hard_links_to_symlinks(void) {
    char buf[64];
    __wasi_size_t n = 0;
    report("link esc_rel -> hl_rel", __wasi_path_link(BOX, 0, "esc_rel", BOX, "hl_rel"));
    report("link esc_abs -> hl_abs", __wasi_path_link(BOX, 0, "esc_abs", BOX, "hl_abs"));
    report("link sub/esc_up -> sub/hl_up", __wasi_path_link(BOX, 0, "sub/esc_up", BOX, "sub/hl_up"));
    report("link esc_dir -> hl_dir", __wasi_path_link(BOX, 0, "esc_dir", BOX, "hl_dir"));
    is_symlink("hl_rel");
    is_symlink("hl_abs");
    is_symlink("sub/hl_up");
    report("readlink hl_rel", __wasi_path_readlink(BOX, "hl_rel", (uint8_t *)buf, sizeof buf, &n));
    printf("  hl_rel -> %.*s\n", (int)n, buf);
    try_write("write hl_rel (nofollow)", BOX, 0, "hl_rel", 0);
    try_write("write hl_rel (follow)", BOX, FOLLOW, "hl_rel", 0);
    try_write("trunc hl_rel (nofollow)", BOX, 0, "hl_rel", __WASI_OFLAGS_TRUNC);
    try_write("trunc hl_rel (follow)", BOX, FOLLOW, "hl_rel", __WASI_OFLAGS_TRUNC);
    try_write("write hl_abs (nofollow)", BOX, 0, "hl_abs", 0);
    try_write("write hl_abs (follow)", BOX, FOLLOW, "hl_abs", 0);
    try_write("write sub/hl_up (nofollow)", BOX, 0, "sub/hl_up", 0);
    try_write("write sub/hl_up (follow)", BOX, FOLLOW, "sub/hl_up", 0);
    try_write("create hl_dir/made.txt", BOX, 0, "hl_dir/made.txt", __WASI_OFLAGS_CREAT);
}

/* Without SYMLINK_FOLLOW, times are set on the link itself: the target keeps its own. */
static void times_through_symlinks(void) {
    report("utimes esc_rel (nofollow)",
           __wasi_path_filestat_set_times(BOX, 0, "esc_rel", LONG_AGO, LONG_AGO, TIMES));
    report("utimes esc_abs (nofollow)",
           __wasi_path_filestat_set_times(BOX, 0, "esc_abs", LONG_AGO, LONG_AGO, TIMES));
    report("utimes sub/esc_up (nofollow)",
           __wasi_path_filestat_set_times(BOX, 0, "sub/esc_up", LONG_AGO, LONG_AGO, TIMES));
    report("utimes esc_dir (nofollow)",
           __wasi_path_filestat_set_times(BOX, 0, "esc_dir", LONG_AGO, LONG_AGO, TIMES));
    report("utimes esc_rel now (nofollow)", __wasi_path_filestat_set_times(BOX, 0, "esc_rel", 0, 0, NOW));
    report("utimes esc_abs now (nofollow)", __wasi_path_filestat_set_times(BOX, 0, "esc_abs", 0, 0, NOW));
    report("utimes esc_rel (follow)",
           __wasi_path_filestat_set_times(BOX, FOLLOW, "esc_rel", LONG_AGO, LONG_AGO, TIMES));
    report("utimes esc_abs (follow)",
           __wasi_path_filestat_set_times(BOX, FOLLOW, "esc_abs", LONG_AGO, LONG_AGO, TIMES));
    report("utimes esc_dir/outside.txt",
           __wasi_path_filestat_set_times(BOX, 0, "esc_dir/outside.txt", LONG_AGO, LONG_AGO, TIMES));
    report("utimes inside.txt (control)",
           __wasi_path_filestat_set_times(BOX, 0, "inside.txt", LONG_AGO, LONG_AGO, TIMES));
    __wasi_filestat_t st;
    report("stat inside.txt", __wasi_path_filestat_get(BOX, 0, "inside.txt", &st));
    printf("  mtim %llu atim %llu\n", (unsigned long long)st.mtim, (unsigned long long)st.atim);
}

/* The read-only preopen lends nothing to the writable one, nor takes from it. */
static void readonly_crossings(void) {
    report("link ro.txt (ro) -> stolen.txt (box)", __wasi_path_link(RO, 0, "ro.txt", BOX, "stolen.txt"));
    try_write("write stolen.txt", BOX, 0, "stolen.txt", 0);
    report("link inside.txt (box) -> planted.txt (ro)",
           __wasi_path_link(BOX, 0, "inside.txt", RO, "planted.txt"));
    report("rename ro.txt (ro) -> taken.txt (box)", __wasi_path_rename(RO, "ro.txt", BOX, "taken.txt"));
    try_write("write taken.txt", BOX, 0, "taken.txt", 0);
    report("rename inside.txt (box) -> planted.txt (ro)",
           __wasi_path_rename(BOX, "inside.txt", RO, "planted.txt"));
    try_write("write ro.txt (ro)", RO, 0, "ro.txt", 0);
}

static void create(const char *path) {
    char label[96];
    snprintf(label, sizeof label, "create %s", path);
    try_write(label, BOX, 0, path, __WASI_OFLAGS_CREAT);
}

static void stat_at(int dir, const char *path) {
    __wasi_filestat_t st;
    printf("  stat %s: %s\n", path, NAMES[__wasi_path_filestat_get(dir, 0, path, &st)]);
}

/* Opens `path` as a directory, makes rel.txt in it and stats `probe` there. */
static void in_dir(const char *path, int lookup, const char *made, const char *probe) {
    __wasi_fd_t fd = 0;
    char label[96];
    snprintf(label, sizeof label, "open %s as dir%s", path, lookup ? " (follow)" : "");
    int e = __wasi_path_open(BOX, lookup, path, __WASI_OFLAGS_DIRECTORY, R_DIR, R_DIR | R_WRITE, 0, &fd);
    report(label, e);
    if (e != 0) return;
    __wasi_fd_t f = 0;
    int c = __wasi_path_open(fd, 0, made, __WASI_OFLAGS_CREAT, R_WRITE, 0, 0, &f);
    printf("  create %s there: %s\n", made, NAMES[c]);
    if (c == 0) (void)__wasi_fd_close(f);
    stat_at(fd, probe);
    stat_at(fd, "..");
    (void)__wasi_fd_close(fd);
}

/* ".." pops exactly one directory, and never the sandbox's own. */
static void dot_dot(void) {
    create("sub/sub2/../new1.txt");
    stat_at(BOX, "sub/new1.txt");
    stat_at(BOX, "new1.txt");
    create("sub/../new2.txt");
    stat_at(BOX, "new2.txt");
    create("sub/../sub/../new3.txt");
    stat_at(BOX, "new3.txt");
    create("sub/sub2/../../new4.txt");
    stat_at(BOX, "new4.txt");
    create("sub/sub2/up/new5.txt");
    stat_at(BOX, "new5.txt");
    create("up2/new6.txt");
    stat_at(BOX, "sub/new6.txt");
    create("sub/sub2/../../sub/sub2/new7.txt");
    stat_at(BOX, "sub/sub2/new7.txt");
    report("mkdir sub/sub2/../mk1", __wasi_path_create_directory(BOX, "sub/sub2/../mk1"));
    stat_at(BOX, "sub/mk1");
    report("mkdir sub/sub2/../../mk2", __wasi_path_create_directory(BOX, "sub/sub2/../../mk2"));
    stat_at(BOX, "mk2");
    in_dir("sub/..", 0, "rel1.txt", "inside.txt");
    in_dir("sub/sub2/..", 0, "rel2.txt", "deep.txt");
    in_dir("sub/../sub/..", 0, "rel3.txt", "inside.txt");
    in_dir("sub/sub2/../..", 0, "rel4.txt", "inside.txt");
    in_dir("sub/sub2/up/sub/sub2/..", 0, "rel5.txt", "deep.txt");
    in_dir("up2", FOLLOW, "rel6.txt", "deep.txt");
    in_dir("up2/..", 0, "rel7.txt", "inside.txt");
    in_dir("sub/sub2/up", FOLLOW, "rel8.txt", "inside.txt");
    in_dir("sub/sub2/../../..", 0, "esc1.txt", "outside.txt");
    in_dir("sub/sub2/up/..", 0, "esc2.txt", "outside.txt");
    in_dir("up2/../..", 0, "esc3.txt", "outside.txt");
    in_dir("..", 0, "esc4.txt", "outside.txt");
    create("sub/sub2/../../../esc5.txt");
    create("up2/../../esc6.txt");
    report("mkdir sub/../../esc7", __wasi_path_create_directory(BOX, "sub/../../esc7"));
}

/* path_open's checks one at a time, where another check cannot refuse first; and what
 * setting one of a link's times keeps of the other. */
static void open_edges(void) {
    __wasi_fd_t fd = 0;
    report("ro: create new_r.txt asking only to read",
           __wasi_path_open(RO, 0, "new_r.txt", __WASI_OFLAGS_CREAT, R_READ, R_READ, 0, &fd));
    report("open sub O_DIRECTORY|O_EXCL",
           __wasi_path_open(BOX, 0, "sub", __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_EXCL, R_DIR, R_DIR, 0, &fd));
    try_write("create nf/ (a new name with a slash)", BOX, 0, "nf/", __WASI_OFLAGS_CREAT);
    stat_at(BOX, "nf");
    try_write("create sub/ (a directory, with a slash)", BOX, 0, "sub/", __WASI_OFLAGS_CREAT);
    try_write("create sub (a directory)", BOX, 0, "sub", __WASI_OFLAGS_CREAT);
    try_write("create newf.txt (follow)", BOX, FOLLOW, "newf.txt", __WASI_OFLAGS_CREAT);
    try_write("create sub/missing/x.txt (follow)", BOX, FOLLOW, "sub/missing/x.txt", __WASI_OFLAGS_CREAT);
    report("utimes esc_rel (nofollow)",
           __wasi_path_filestat_set_times(BOX, 0, "esc_rel", LONG_AGO, LONG_AGO, TIMES));
    report("utimes esc_rel mtim only (nofollow)",
           __wasi_path_filestat_set_times(BOX, 0, "esc_rel", 0, 2 * LONG_AGO, __WASI_FSTFLAGS_MTIM));
    __wasi_filestat_t st;
    report("stat esc_rel (nofollow)", __wasi_path_filestat_get(BOX, 0, "esc_rel", &st));
    printf("  mtim %llu atim %llu\n", (unsigned long long)st.mtim, (unsigned long long)st.atim);
    /* mkdir, rmdir and unlink act on the name itself: never through a link */
    report("symlink sub/sub2 -> to_sub2", __wasi_path_symlink("sub/sub2", BOX, "to_sub2"));
    report("rmdir to_sub2 (a link to a directory)", __wasi_path_remove_directory(BOX, "to_sub2"));
    stat_at(BOX, "sub/sub2");
    report("symlink made_by_link -> dangling", __wasi_path_symlink("made_by_link", BOX, "dangling"));
    report("mkdir dangling (a link to nothing)", __wasi_path_create_directory(BOX, "dangling"));
    stat_at(BOX, "made_by_link");
    /* link, symlink and rename act on the names too: a new name that is a dangling
     * link is taken (EEXIST), and a link renamed moves the link, not its target */
    report("link inside.txt -> dangling", __wasi_path_link(BOX, 0, "inside.txt", BOX, "dangling"));
    report("symlink x -> dangling", __wasi_path_symlink("x", BOX, "dangling"));
    stat_at(BOX, "made_by_link");
    report("symlink inside.txt -> lnk", __wasi_path_symlink("inside.txt", BOX, "lnk"));
    report("rename newf.txt -> lnk (a link)", __wasi_path_rename(BOX, "newf.txt", BOX, "lnk"));
    stat_at(BOX, "inside.txt");
    is_symlink("lnk");
    report("symlink sub/sub2 -> to_sub2b", __wasi_path_symlink("sub/sub2", BOX, "to_sub2b"));
    report("rename to_sub2b -> moved_link", __wasi_path_rename(BOX, "to_sub2b", BOX, "moved_link"));
    is_symlink("moved_link");
    stat_at(BOX, "sub/sub2");
    report("unlink moved_link", __wasi_path_unlink_file(BOX, "moved_link"));
    report("rename missing/ -> y", __wasi_path_rename(BOX, "missing/", BOX, "y"));
    report("rename missing -> y/", __wasi_path_rename(BOX, "missing", BOX, "y/"));
    report("symlink with a NUL in its contents",
           raw_path_symlink((int32_t)"a\0b", 3, BOX, (int32_t)"nul_link", 8));
    stat_at(BOX, "nul_link");
    report("unlink sub/ (a directory, with a slash)", __wasi_path_unlink_file(BOX, "sub/"));
    report("unlink missing/", __wasi_path_unlink_file(BOX, "missing/"));
    report("unlink to_sub2/ (a link to a directory)", __wasi_path_unlink_file(BOX, "to_sub2/"));
    report("unlink to_sub2", __wasi_path_unlink_file(BOX, "to_sub2"));
    report("unlink dangling", __wasi_path_unlink_file(BOX, "dangling"));
}

int main(void) {
    hard_links_to_symlinks();
    times_through_symlinks();
    readonly_crossings();
    dot_dot();
    open_edges();
    return 0;
}
