/* Programs that trap; argv[1] picks how. Output written before the trap is flushed, so
 * it must appear exactly as on wasmtime; the trap itself ends the program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*fn_t)(int);
static volatile int zero = 0;
static volatile fn_t null_fn = 0;

__attribute__((noinline)) static int divide(int a, int b) { return a / b; }

__attribute__((noinline)) static void crash(const char *how) {
    if (strcmp(how, "abort") == 0) abort();
    if (strcmp(how, "builtin") == 0) __builtin_trap();
    if (strcmp(how, "divzero") == 0) printf("%d\n", divide(1, zero));
    if (strcmp(how, "overflow") == 0) printf("%d\n", divide(-2147483647 - 1, zero - 1));
    if (strcmp(how, "oob") == 0) *(volatile int *)(0xfffffff0u + (unsigned)zero) = 1;
    if (strcmp(how, "nullcall") == 0) printf("%d\n", null_fn(1));
    printf("no trap for %s\n", how);
}

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "abort";
    printf("about to trap by %s\n", how);
    fprintf(stderr, "stderr before the trap\n");
    fflush(stdout);
    crash(how);
    return 0;
}
