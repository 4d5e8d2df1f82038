/* WASI calls with arguments that are not values of their types, or pointers outside the
 * memory or misaligned: each traps (argv[1] picks one). fd 3 is a preopen holding f. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_exit")))
void raw_proc_exit(int code);

int main(int argc, char **argv) {
    int c = argc > 1 ? atoi(argv[1]) : 0;
    __wasi_fd_t fd = 0;
    __wasi_filesize_t pos;
    __wasi_timestamp_t t;
    __wasi_size_t n;
    __wasi_rights_t r = __WASI_RIGHTS_FD_READ;
    int e = -1;
    printf("case %d\n", c);
    fflush(stdout);
    switch (c) {
    case 0: e = __wasi_fd_seek(1, 0, 7, &pos); break;
    case 1: e = __wasi_fd_advise(1, 0, 0, 9); break;
    case 2: e = __wasi_clock_time_get(9, 1, &t); break;
    case 3: e = __wasi_path_open(3, 0, "f", 0x10, r, r, 0, &fd); break;
    case 4: e = __wasi_path_open(3, 2, "f", 0, r, r, 0, &fd); break;
    case 5: e = __wasi_path_open(3, 0, "f", 0, r, r, 0x20, &fd); break;
    case 6: e = __wasi_fd_filestat_set_times(1, 0, 0, 0x10); break;
    case 7: e = __wasi_path_open(3, 0, "f", 0, (__wasi_rights_t)1 << 40, 0, 0, &fd); break;
    case 8: e = __wasi_sock_shutdown(1, 9); break;
    case 9: e = __wasi_fd_write(1, (void *)0xfffffff0, 1, &n); break;
    case 10: e = __wasi_fd_write(1, (void *)2, 1, &n); break;
    case 11: e = __wasi_path_open(3, 0, "f", 0, r, r, 0, &fd); e = __wasi_fd_tell(fd, (__wasi_filesize_t *)4); break;
    case 12: e = __wasi_random_get((uint8_t *)0xffffff00, 0x200); break;
    case 13: raw_proc_exit(126); break;
    case 14: e = __wasi_path_open(3, 0, "f", 0, r, r, 0, (__wasi_fd_t *)0xfffffffe); break;
    case 15: e = __wasi_path_filestat_set_times(3, 0, "f", 0, 0, 0x10); break;
    }
    printf("returned %d\n", e);
    return 0;
}
