/* Rights given up with fd_fdstat_set_rights are enforced: every later use needing one
 * fails with ENOTCAPABLE, a right cannot be taken back, and files opened through a
 * directory never get rights the directory gave up for its children. (wasmtime answers
 * ENOTSUP to fd_fdstat_set_rights, so this runs on wasmvm only.) fd 3 is a writable
 * preopen holding file.txt. */
#include <stdio.h>
#include <wasi/api.h>

#define DIR 3
#define RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | \
            __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET)

static void report(const char *label, int e) { printf("%s: %d\n", label, e); }

int main(void) {
    __wasi_fd_t fd = 0, fd2 = 0;
    __wasi_fdstat_t fs;
    __wasi_size_t n;
    __wasi_filesize_t pos;
    __wasi_filestat_t st;
    __wasi_ciovec_t ciov = {(const uint8_t *)"x", 1};

    report("open file.txt rw", __wasi_path_open(DIR, 0, "file.txt", 0, RW, 0, 0, &fd));
    (void)__wasi_fd_fdstat_get(fd, &fs);
    __wasi_rights_t all = fs.fs_rights_base;
    report("drop FD_WRITE and FD_SEEK",
           __wasi_fd_fdstat_set_rights(fd, all & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK), 0));
    (void)__wasi_fd_fdstat_get(fd, &fs);
    printf("write right now %d\n", (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
    report("fd_write", __wasi_fd_write(fd, &ciov, 1, &n));
    report("fd_seek", __wasi_fd_seek(fd, 1, __WASI_WHENCE_SET, &pos));
    report("fd_tell (kept)", __wasi_fd_tell(fd, &pos));
    report("fd_filestat_get (kept)", __wasi_fd_filestat_get(fd, &st));
    report("take FD_WRITE back", __wasi_fd_fdstat_set_rights(fd, all, 0));
    report("drop FD_FILESTAT_GET", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base & ~__WASI_RIGHTS_FD_FILESTAT_GET, 0));
    report("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
    (void)__wasi_fd_close(fd);

    report("stdout has no rights to give up", __wasi_fd_fdstat_set_rights(1, 0, 0));

    (void)__wasi_fd_fdstat_get(DIR, &fs);
    __wasi_rights_t base = fs.fs_rights_base, inheriting = fs.fs_rights_inheriting;
    __wasi_fd_t d3 = 0;
    report("open . as a second dir", __wasi_path_open(DIR, 0, ".", __WASI_OFLAGS_DIRECTORY, base | __WASI_RIGHTS_FD_READ, inheriting, 0, &d3));
    (void)__wasi_fd_fdstat_get(d3, &fs);
    report("its children lose FD_READ only",
           __wasi_fd_fdstat_set_rights(d3, fs.fs_rights_base, fs.fs_rights_inheriting & ~__WASI_RIGHTS_FD_READ));
    report("open file.txt write-only there", __wasi_path_open(d3, 0, "file.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
    (void)__wasi_fd_close(fd);
    report("open file.txt for reading there", __wasi_path_open(d3, 0, "file.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    (void)__wasi_fd_close(d3);
    report("preopen: drop PATH_CREATE_FILE, PATH_UNLINK_FILE; children lose FD_WRITE",
           __wasi_fd_fdstat_set_rights(DIR, base & ~(__WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_UNLINK_FILE),
                                       inheriting & ~__WASI_RIGHTS_FD_WRITE));
    report("create new.txt", __wasi_path_open(DIR, 0, "new.txt", __WASI_OFLAGS_CREAT, RW, 0, 0, &fd));
    report("unlink file.txt", __wasi_path_unlink_file(DIR, "file.txt"));
    report("open file.txt for writing", __wasi_path_open(DIR, 0, "file.txt", 0, RW, 0, 0, &fd));
    report("open file.txt for reading", __wasi_path_open(DIR, 0, "file.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    (void)__wasi_fd_fdstat_get(fd, &fs);
    printf("child's write right %d\n", (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0);
    report("child cannot take FD_WRITE", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base | __WASI_RIGHTS_FD_WRITE, 0));
    (void)__wasi_fd_close(fd);
    report("mkdir (kept)", __wasi_path_create_directory(DIR, "made"));
    report("open made as dir", __wasi_path_open(DIR, 0, "made", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, 0, &fd2));
    report("create in the child dir (no FD_WRITE inherited)",
           __wasi_path_open(fd2, 0, "deep.txt", __WASI_OFLAGS_CREAT, RW, 0, 0, &fd));
    report("drop PATH_OPEN", __wasi_fd_fdstat_set_rights(DIR, 0, 0));
    report("open anything", __wasi_path_open(DIR, 0, "file.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    report("readdir", __wasi_fd_readdir(DIR, (uint8_t *)&st, sizeof st, 0, &n));
    return 0;
}
