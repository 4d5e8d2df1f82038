/* One path call through fd 3 (a writable preopen holding sub/ and f.txt), chosen by
 * argv[1], for the test that swaps a directory or file for a link while the call runs
 * (test_wasi_attacks.py: the sandbox's stat is wrapped to do the swap). Prints
 * "label: errno" and, when something opened, writes through it. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define BOX 3
#define RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)

static void write_through(__wasi_fd_t fd) {
    __wasi_ciovec_t iov = {(const uint8_t *)"PWNED\n", 6};
    __wasi_size_t n = 0;
    printf("write: %d\n", __wasi_fd_write(fd, &iov, 1, &n));
    (void)__wasi_fd_close(fd);
}

int main(int argc, char **argv) {
    const char *op = argc > 1 ? argv[1] : "";
    __wasi_fd_t fd = 0, f = 0;
    int e;
    if (!strcmp(op, "mkdir")) {
        printf("mkdir sub/x: %d\n", __wasi_path_create_directory(BOX, "sub/x"));
    } else if (!strcmp(op, "create")) {
        e = __wasi_path_open(BOX, 0, "sub/y.txt", __WASI_OFLAGS_CREAT, RW, 0, 0, &fd);
        printf("create sub/y.txt: %d\n", e);
        if (e == 0) write_through(fd);
    } else if (!strcmp(op, "open")) {
        e = __wasi_path_open(BOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "f.txt", 0, RW, 0, 0, &fd);
        printf("open f.txt (follow): %d\n", e);
        if (e == 0) write_through(fd);
    } else if (!strcmp(op, "opendir")) {
        e = __wasi_path_open(BOX, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sub", __WASI_OFLAGS_DIRECTORY,
                             __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE, RW, 0, &fd);
        printf("open sub as dir (follow): %d\n", e);
        if (e == 0) {
            e = __wasi_path_open(fd, 0, "z.txt", __WASI_OFLAGS_CREAT, RW, 0, 0, &f);
            printf("create z.txt there: %d\n", e);
            if (e == 0) write_through(f);
        }
    }
    return 0;
}
