/* Tail calls from C: clang's musttail, compiled with -mtail-call, becomes return_call.
 * A million-deep mutual recursion that runs in constant stack only if tail calls do.
 * cflags: -mtail-call
 */
#include <stdio.h>
#include <stdlib.h>
static int is_odd(unsigned n, int acc);
__attribute__((noinline)) static int is_even(unsigned n, int acc) {
    if (n == 0) return acc;
    __attribute__((musttail)) return is_odd(n - 1, acc + 1);
}
__attribute__((noinline)) static int is_odd(unsigned n, int acc) {
    if (n == 0) return -acc;
    __attribute__((musttail)) return is_even(n - 1, acc + 3);
}
int main(int argc, char **argv) {
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 1000000u;
    printf("even(%u) -> %d\n", n, is_even(n, 0));
    printf("odd(%u) -> %d\n", n + 1, is_odd(n + 1, 0));
    return is_even(7, 0) & 0x3f;
}
