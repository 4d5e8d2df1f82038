/* Files in a preopened directory (argv[1], e.g. /data): create, write, read back, seek,
 * append, truncate, stat, list, rename, link, symlink, set times, delete. What it leaves
 * behind is compared with what it leaves behind on wasmtime. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static char root[256];

static const char *at(const char *name) {
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", root, name);
    return buf[k];
}

static void check(int ok, const char *what) {
    if (ok) printf("ok: %s\n", what);
    else printf("FAILED: %s (errno %d: %s)\n", what, errno, strerror(errno));
}

static void expect_errno(int r, int want, const char *what) {
    printf("%s: %s (%s)\n", what, r == -1 && errno == want ? "ok" : "WRONG", strerror(errno));
}

static void stdio_files(void) {
    check(mkdir(at("dir"), 0755) == 0, "mkdir dir");
    FILE *f = fopen(at("dir/lines.txt"), "w");
    check(f != NULL, "fopen w");
    for (int i = 1; i <= 5; i++) fprintf(f, "line %d: %s\n", i, i % 2 ? "odd" : "even");
    check(fclose(f) == 0, "fclose");
    f = fopen(at("dir/lines.txt"), "r");
    char line[64];
    while (fgets(line, sizeof line, f)) printf("read back: %s", line);
    printf("feof %d\n", feof(f) != 0);
    check(fseek(f, 8, SEEK_SET) == 0, "fseek SET 8");
    printf("ftell %ld, next char '%c'\n", ftell(f), fgetc(f));
    fseek(f, -4, SEEK_END);
    printf("4 from end: [%s]\n", fgets(line, sizeof line, f) ? line : "?");
    rewind(f);
    printf("after rewind ftell %ld\n", ftell(f));
    fclose(f);
    f = fopen(at("dir/lines.txt"), "a");
    fputs("appended\n", f);
    fclose(f);
    f = fopen(at("dir/binary.bin"), "w+b");
    unsigned char data[300];
    for (int i = 0; i < 300; i++) data[i] = (unsigned char)(i * 7);
    printf("fwrite %zu\n", fwrite(data, 1, sizeof data, f));
    rewind(f);
    unsigned char back[300] = {0};
    printf("fread %zu, equal %d\n", fread(back, 1, sizeof back, f), memcmp(data, back, 300) == 0);
    fclose(f);
}

static void posix_files(void) {
    int fd = open(at("dir/posix.txt"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "open O_RDWR|O_CREAT|O_TRUNC");
    printf("write %zd\n", write(fd, "0123456789", 10));
    printf("lseek CUR %lld, SET 3 -> %lld\n", (long long)lseek(fd, 0, SEEK_CUR),
           (long long)lseek(fd, 3, SEEK_SET));
    char buf[32] = {0};
    printf("read %zd [%.*s]\n", read(fd, buf, 4), 4, buf);
    printf("pwrite %zd, pread %zd [%.3s], position still %lld\n", pwrite(fd, "ABC", 3, 7),
           pread(fd, buf, 3, 7), buf, (long long)lseek(fd, 0, SEEK_CUR));
    printf("lseek END+5 -> %lld, write %zd\n", (long long)lseek(fd, 5, SEEK_END), write(fd, "!", 1));
    struct stat st;
    fstat(fd, &st);
    printf("size after sparse write %lld\n", (long long)st.st_size);
    lseek(fd, 10, SEEK_SET);
    memset(buf, 'x', sizeof buf);
    ssize_t n = read(fd, buf, 6);
    printf("gap: %zd bytes, zero %d, last '%c'\n", n, buf[0] == 0 && buf[4] == 0, buf[5]);
    check(ftruncate(fd, 4) == 0, "ftruncate 4");
    fstat(fd, &st);
    printf("size after truncate %lld\n", (long long)st.st_size);
    expect_errno((int)lseek(fd, -100, SEEK_SET), EINVAL, "lseek negative");
    close(fd);
    expect_errno(close(fd), EBADF, "close twice");
    fd = open(at("dir/posix.txt"), O_WRONLY | O_APPEND);
    write(fd, "+app", 4);
    close(fd);
    fd = open(at("dir/posix.txt"), O_RDONLY);
    n = read(fd, buf, sizeof buf);
    printf("after append: [%.*s]\n", (int)n, buf);
    expect_errno((int)write(fd, "x", 1), EBADF, "write to O_RDONLY");
    close(fd);
    expect_errno(open(at("dir/posix.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST, "O_EXCL on existing");
    expect_errno(open(at("nope/x.txt"), O_RDONLY), ENOENT, "open in missing dir");
    expect_errno(open(at("dir/posix.txt/x"), O_RDONLY), ENOTDIR, "open under a file");
    FILE *f = fopen(at("missing.txt"), "r");
    printf("fopen missing: %s, errno %s\n", f ? "opened?" : "NULL", strerror(errno));
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void listing(void) {
    char name[96];
    for (int i = 0; i < 90; i++) {
        snprintf(name, sizeof name, "many/a-rather-long-file-name-to-fill-readdir-buffers-%03d", i);
        if (i == 0) mkdir(at("many"), 0755);
        int fd = open(at(name), O_WRONLY | O_CREAT, 0644);
        if (i % 10 == 0) write(fd, name, strlen(name));
        close(fd);
    }
    mkdir(at("many/subdir"), 0755);
    DIR *d = opendir(at("many"));
    check(d != NULL, "opendir");
    char *names[128];
    int n = 0, dots = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) { dots++; continue; }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    printf("listed %d entries and %d dot entries\n", n, dots);
    long total = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        snprintf(name, sizeof name, "many/%s", names[i]);
        stat(at(name), &st);
        total += st.st_size;
        if (i % 15 == 0 || S_ISDIR(st.st_mode))
            printf("  %s %s %lld\n", names[i], S_ISDIR(st.st_mode) ? "dir" : "file", (long long)st.st_size);
        free(names[i]);
    }
    printf("total size %ld\n", total);
}

static void names_and_links(void) {
    struct stat st;
    check(rename(at("dir/lines.txt"), at("dir/renamed.txt")) == 0, "rename");
    expect_errno(access(at("dir/lines.txt"), F_OK), ENOENT, "old name gone");
    check(access(at("dir/renamed.txt"), R_OK) == 0, "new name there");
    int fd = open(at("dir/victim.txt"), O_WRONLY | O_CREAT, 0644);
    write(fd, "victim", 6);
    close(fd);
    check(rename(at("dir/binary.bin"), at("dir/victim.txt")) == 0, "rename over a file");
    stat(at("dir/victim.txt"), &st);
    printf("replaced size %lld\n", (long long)st.st_size);
    check(link(at("dir/renamed.txt"), at("dir/hardlink.txt")) == 0, "link");
    stat(at("dir/renamed.txt"), &st);
    printf("nlink %lu\n", (unsigned long)st.st_nlink);
    check(symlink("renamed.txt", at("dir/symlink.txt")) == 0, "symlink");
    char target[64] = {0};
    ssize_t n = readlink(at("dir/symlink.txt"), target, sizeof target - 1);
    printf("readlink %zd [%s]\n", n, target);
    lstat(at("dir/symlink.txt"), &st);
    printf("lstat: is link %d\n", S_ISLNK(st.st_mode));
    stat(at("dir/symlink.txt"), &st);
    printf("stat through link: regular %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
    FILE *f = fopen(at("dir/symlink.txt"), "r");
    char line[64];
    printf("read through link: %s", fgets(line, sizeof line, f));
    fclose(f);
    struct timeval tv[2] = {{1000000000, 0}, {1234567890, 500000}};
    check(utimes(at("dir/renamed.txt"), tv) == 0, "utimes");
    stat(at("dir/renamed.txt"), &st);
    printf("mtime %lld.%09ld atime %lld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
           (long long)st.st_atim.tv_sec);
    check(mkdir(at("dir/sub"), 0755) == 0, "mkdir sub");
    expect_errno(mkdir(at("dir/sub"), 0755), EEXIST, "mkdir existing");
    check(rename(at("dir/sub"), at("dir/sub2")) == 0, "rename dir");
    fd = open(at("dir/sub2/inner.txt"), O_WRONLY | O_CREAT, 0644);
    close(fd);
    expect_errno(rmdir(at("dir/sub2")), ENOTEMPTY, "rmdir non-empty");
    check(unlink(at("dir/sub2/inner.txt")) == 0, "unlink");
    check(rmdir(at("dir/sub2")) == 0, "rmdir");
    expect_errno(unlink(at("dir/nothing")), ENOENT, "unlink missing");
    expect_errno(rmdir(at("dir/renamed.txt")), ENOTDIR, "rmdir a file");
    check(unlink(at("dir/hardlink.txt")) == 0, "unlink hard link");
    stat(at("dir/renamed.txt"), &st);
    printf("nlink after unlink %lu\n", (unsigned long)st.st_nlink);
    expect_errno(open(at("../escape.txt"), O_WRONLY | O_CREAT, 0644), EPERM, "create outside");
}

int main(int argc, char **argv) {
    snprintf(root, sizeof root, "%s", argc > 1 ? argv[1] : "/data");
    stdio_files();
    posix_files();
    listing();
    names_and_links();
    return 0;
}
