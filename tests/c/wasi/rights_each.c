/* Each right, given up alone on a directory descriptor, stops exactly the calls that
 * need it (ENOTCAPABLE, 76) and no other. For every right bit R the program opens "."
 * of the preopen (fd 3) as a new directory descriptor D with every right, gives up R
 * alone on D (fd_fdstat_set_rights keeps the rest, the inheriting rights untouched),
 * then makes each path call through D once and prints one line "R: call=errno ...".
 * Between rounds the preopen puts the tree back. wasmvm only: wasmtime answers ENOTSUP
 * to fd_fdstat_set_rights.
 *
 * fd 3 holds f (a file) and s -> f; each round makes u, r1, r2, r3 (files) and d (a
 * directory) for the calls to use up. */
#include <stdio.h>
#include <wasi/api.h>

#define PRE 3
#define ALL ((__wasi_rights_t)0x3fffffff)

static const char *RIGHTS[30] = {
    "FD_DATASYNC", "FD_READ", "FD_SEEK", "FD_FDSTAT_SET_FLAGS", "FD_SYNC", "FD_TELL",
    "FD_WRITE", "FD_ADVISE", "FD_ALLOCATE", "PATH_CREATE_DIRECTORY", "PATH_CREATE_FILE",
    "PATH_LINK_SOURCE", "PATH_LINK_TARGET", "PATH_OPEN", "FD_READDIR", "PATH_READLINK",
    "PATH_RENAME_SOURCE", "PATH_RENAME_TARGET", "PATH_FILESTAT_GET",
    "PATH_FILESTAT_SET_SIZE", "PATH_FILESTAT_SET_TIMES", "FD_FILESTAT_GET",
    "FD_FILESTAT_SET_SIZE", "FD_FILESTAT_SET_TIMES", "PATH_SYMLINK", "PATH_REMOVE_DIRECTORY",
    "PATH_UNLINK_FILE", "POLL_FD_READWRITE", "SOCK_SHUTDOWN", "SOCK_ACCEPT",
};

static void out(const char *call, int e) { printf(" %s=%d", call, e); }

static void make_file(const char *name) {
    __wasi_fd_t fd;
    if (__wasi_path_open(PRE, 0, name, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd) == 0)
        (void)__wasi_fd_close(fd);
}

static void exists(const char *label, const char *name) {
    __wasi_filestat_t st;
    printf(" %s=%d", label, __wasi_path_filestat_get(PRE, 0, name, &st) == 0);
}

static void round_(int bit) {
    static const char *junk[] = {"c", "l1", "l2", "l3", "r1", "r1b", "r2", "r2b", "r3", "r3b",
                                 "s2", "u"};
    make_file("u");
    make_file("r1");
    make_file("r2");
    make_file("r3");
    (void)__wasi_path_create_directory(PRE, "d");

    __wasi_fd_t dir = 0, fd = 0;
    __wasi_fdstat_t fs;
    __wasi_filestat_t st;
    uint8_t buf[256];
    __wasi_size_t n;
    int e = __wasi_path_open(PRE, 0, ".", __WASI_OFLAGS_DIRECTORY, ALL & ~__WASI_RIGHTS_FD_WRITE, ALL, 0, &dir);
    e = e ? e : __wasi_fd_fdstat_get(dir, &fs);
    __wasi_rights_t r = bit < 0 ? 0 : (__wasi_rights_t)1 << bit;
    e = e ? e : __wasi_fd_fdstat_set_rights(dir, fs.fs_rights_base & ~r, fs.fs_rights_inheriting);
    printf("%s:", bit < 0 ? "(none)" : RIGHTS[bit]);
    if (e) {
        printf(" setup failed %d\n", e);
        return;
    }
    e = __wasi_path_open(dir, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    out("open", e);
    if (e == 0) (void)__wasi_fd_close(fd);
    e = __wasi_path_open(dir, 0, "c", __WASI_OFLAGS_CREAT,
                         __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
    out("creat", e);
    if (e == 0) (void)__wasi_fd_close(fd);
    exists("c?", "c");
    out("mkdir", __wasi_path_create_directory(dir, "m"));
    exists("m?", "m");
    out("stat", __wasi_path_filestat_get(dir, 0, "f", &st));
    out("utimes", __wasi_path_filestat_set_times(dir, 0, "f", 5, 5, __WASI_FSTFLAGS_MTIM));
    out("link", __wasi_path_link(dir, 0, "f", dir, "l1"));
    out("link>", __wasi_path_link(dir, 0, "f", PRE, "l2"));
    out("link<", __wasi_path_link(PRE, 0, "f", dir, "l3"));
    out("readlink", __wasi_path_readlink(dir, "s", buf, sizeof buf, &n));
    out("rename", __wasi_path_rename(dir, "r1", dir, "r1b"));
    out("rename>", __wasi_path_rename(dir, "r2", PRE, "r2b"));
    out("rename<", __wasi_path_rename(PRE, "r3", dir, "r3b"));
    out("symlink", __wasi_path_symlink("f", dir, "s2"));
    out("unlink", __wasi_path_unlink_file(dir, "u"));
    exists("u?", "u");
    out("rmdir", __wasi_path_remove_directory(dir, "d"));
    exists("d?", "d");
    out("readdir", __wasi_fd_readdir(dir, buf, sizeof buf, 0, &n));
    printf("\n");
    (void)__wasi_fd_close(dir);

    for (unsigned i = 0; i < sizeof junk / sizeof *junk; i++)
        (void)__wasi_path_unlink_file(PRE, junk[i]);
    (void)__wasi_path_remove_directory(PRE, "m");
    (void)__wasi_path_remove_directory(PRE, "d");
}

int main(void) {
    for (int bit = -1; bit < 30; bit++) round_(bit);
    return 0;
}
