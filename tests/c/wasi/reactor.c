/* A reactor: no main; _initialize runs the constructors, then the host calls exports.
 * cflags: -mexec-model=reactor
 */
#include <stdio.h>
#include <stdlib.h>

static int base;

__attribute__((constructor)) static void init(void) {
    const char *b = getenv("BASE");
    base = b ? atoi(b) : 100;
}

__attribute__((export_name("add"))) int add(int a, int b) {
    printf("add(%d, %d) with base %d\n", a, b, base);
    fflush(stdout);
    return base + a + b;
}

__attribute__((export_name("scale"))) double scale(double x) { return x * base; }
