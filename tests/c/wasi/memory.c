/* malloc, calloc, realloc, free and aligned allocation under a pseudo-random workload
 * (a fixed LCG, so every run is the same), growing the heap past the initial memory
 * (memory.grow), plus the string and sorting functions that move memory around. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 12345;
static uint32_t next(void) {
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

static uint32_t checksum(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

#define SLOTS 64

static void churn(void) {
    unsigned char *slot[SLOTS] = {0};
    size_t size[SLOTS] = {0};
    uint32_t total = 0;
    for (int round = 0; round < 600; round++) {
        int i = next() % SLOTS;
        if (slot[i] && next() % 3 == 0) {
            size_t grown = size[i] + next() % 300;
            unsigned char *p = realloc(slot[i], grown);
            if (!p) { puts("realloc failed"); exit(1); }
            for (size_t k = 0; k < size[i]; k++) {
                if (p[k] != (unsigned char)(i + k)) { printf("realloc lost data at %d\n", i); exit(1); }
            }
            for (size_t k = size[i]; k < grown; k++) p[k] = (unsigned char)(i + k);
            slot[i] = p;
            size[i] = grown;
        } else {
            if (slot[i]) total += checksum(slot[i], size[i]);
            free(slot[i]);
            size[i] = 1 + next() % 200;
            slot[i] = next() % 2 ? malloc(size[i]) : calloc(size[i], 1);
            if (!slot[i]) { puts("malloc failed"); exit(1); }
            for (size_t k = 0; k < size[i]; k++) slot[i][k] = (unsigned char)(i + k);
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slot[i]) total += checksum(slot[i], size[i]);
        free(slot[i]);
    }
    printf("churn checksum %08x\n", (unsigned)total);
}

static void zeroed(void) {
    size_t n = 5000;
    int *a = calloc(n, sizeof *a);
    size_t nonzero = 0;
    for (size_t i = 0; i < n; i++) nonzero += a[i] != 0;
    printf("calloc(%zu) nonzero %zu\n", n, nonzero);
    free(a);
    printf("malloc(0) %s, free(NULL) ok\n", malloc(0) ? "non-null" : "null");
    free(NULL);
}

static void big(void) {
    /* Three MiB: more than the initial memory of a small program, so memory.grow runs. */
    size_t n = 3u << 20;
    unsigned char *p = malloc(n);
    if (!p) { puts("big malloc failed"); return; }
    memset(p, 0xA5, n);
    p[n - 1] = 1;
    printf("big block: first %02x last %02x (%zu bytes)\n", p[0], p[n - 1], n);
    free(p);
    void *huge = malloc((size_t)3 << 30);
    printf("3 GiB malloc %s\n", huge ? "succeeded" : "returned NULL");
    free(huge);
}

static void aligned(void) {
    for (size_t align = 8; align <= 4096; align *= 8) {
        void *p = NULL;
        int r = posix_memalign(&p, align, 100);
        printf("posix_memalign(%zu) -> %d aligned %d\n", align, r, ((uintptr_t)p % align) == 0);
        free(p);
    }
    void *q = aligned_alloc(64, 128);
    printf("aligned_alloc(64) aligned %d\n", ((uintptr_t)q % 64) == 0);
    free(q);
}

static int cmp(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void strings(void) {
    char buf[64];
    strcpy(buf, "hello");
    strcat(buf, ", world");
    printf("%s len %zu cmp %d %d\n", buf, strlen(buf), strcmp("abc", "abd") < 0, strncmp("abc", "abd", 2));
    memmove(buf + 2, buf, 5);
    buf[12] = 0;
    printf("memmove overlap: %s\n", buf);
    char *d = strdup("duplicate me");
    d[0] = 'D';
    printf("%s %s %s\n", d, strchr(d, 'm'), strstr(d, "ate"));
    free(d);
    int v[200];
    for (int i = 0; i < 200; i++) v[i] = (int)(next() % 1000) - 500;
    qsort(v, 200, sizeof v[0], cmp);
    int sorted = 1;
    for (int i = 1; i < 200; i++) sorted &= v[i - 1] <= v[i];
    printf("qsort sorted %d min %d max %d\n", sorted, v[0], v[199]);
    int key = v[77];
    int *hit = bsearch(&key, v, 200, sizeof v[0], cmp);
    printf("bsearch found %d\n", hit && *hit == key);
}

int main(void) {
    churn();
    zeroed();
    big();
    aligned();
    strings();
    return 0;
}
