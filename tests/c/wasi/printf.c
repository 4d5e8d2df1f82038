/* printf of every conversion, flag, width, precision and length modifier, including the
 * floating-point corner cases (infinities, NaN, -0, extremes, subnormals, rounding) and
 * long double (which wasi-libc formats with compiler-rt's soft-float f128).
 * cflags: -lc-printscan-long-double
 */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static void integers(void) {
    printf("[%d] [%i] [%u] [%o] [%x] [%X]\n", -42, 42, 42u, 42u, 0xbeefu, 0xbeefu);
    printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%+5d] [%-+5d]\n", 42, 42, 42, 42, 42, -42, 42);
    printf("[%.3d] [%8.3d] [%-8.3d] [%08.3d] [%.0d] [%.0x]\n", 7, 7, 7, 7, 0, 0u);
    printf("[%#o] [%#x] [%#X] [%#o] [%#x] [%#.3o]\n", 8u, 255u, 255u, 0u, 0u, 8u);
    printf("[%hhd] [%hhu] [%hd] [%hu] [%hhx]\n", (signed char)-5, (unsigned char)250,
           (short)-1234, (unsigned short)65000, (unsigned char)0xab);
    printf("[%ld] [%lu] [%lx] [%lld] [%llu] [%llx] [%llo]\n", LONG_MIN, ULONG_MAX, 0xdeadl,
           LLONG_MIN, ULLONG_MAX, 0x123456789abcdefull, 01234567012345670ull);
    printf("[%jd] [%ju] [%zd] [%zu] [%td] [%zx]\n", INTMAX_MIN, UINTMAX_MAX, (ssize_t)-3,
           (size_t)SIZE_MAX, (ptrdiff_t)-77, (size_t)0x1234);
    printf("[%d] [%d] [%u] [%x]\n", INT_MAX, INT_MIN, UINT_MAX, UINT_MAX);
    printf("[%" PRId64 "] [%" PRIu64 "] [%" PRIx32 "] [%" PRIX64 "]\n", INT64_MIN, UINT64_MAX,
           UINT32_MAX, (uint64_t)0xfedcba9876543210ull);
    printf("[%*d] [%-*d] [%.*d] [%*.*d]\n", 6, 1, 6, 2, 4, 3, -8, 3, 4);
    printf("[%2$d %1$d] [%1$*2$d]\n", 11, 5);
}

static void characters_and_strings(void) {
    printf("[%c] [%3c] [%-3c] [%c]\n", 'a', 'b', 'c', 0x7e);
    printf("[%s] [%10s] [%-10s] [%.3s] [%10.3s] [%-10.3s] [%.*s]\n", "hello", "hello", "hello",
           "hello", "hello", "hello", 2, "hello");
    printf("[%s] [%5s] [%.0s]\n", "", "", "gone");
    printf("[%ls] [%lc] [%5ls]\n", L"wide", (wint_t)L'w', L"ab");
    printf("[%s] [%.4s]\n", "caf\xc3\xa9 \xe2\x82\xac", "\xe2\x82\xac\xe2\x82\xac");
    printf("[%%] [%5%] [%-5%]\n");
    int n1 = 0, n2 = 0;
    printf("count%n this%n\n", &n1, &n2);
    printf("[%d %d]\n", n1, n2);
    static int anchor;
    printf("[%s]\n", (void *)&anchor != NULL ? "pointer ok" : "null");
    printf("[%p]\n", (void *)0);
    printf("[%p] [%p]\n", (void *)0x1234, (void *)0xffffffffu);
}

static void floats(void) {
    double v[] = {0.0, -0.0, 1.0, -1.5, 0.1, 2.0 / 3.0, 123456.789, 1e-7, 1e21, 6.02214076e23,
                  DBL_MAX, DBL_MIN, 4.9406564584124654e-324, 0.5, 1.5, 2.5, 1e15 + 0.3};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        printf("[%f] [%e] [%g] [%a]\n", v[i], v[i], v[i], v[i]);
    }
    printf("[%.0f] [%.0f] [%.0f] [%.0f] [%.1f] [%.2f]\n", 0.5, 1.5, 2.5, -0.5, 0.05, 1.005);
    printf("[%10.3f] [%-10.3f] [%+.2e] [% .3E] [%010.2f] [%#.0f] [%#g] [%#.3g]\n", 3.14159,
           3.14159, 12345.678, 0.000123, -2.5, 3.0, 1.0, 100.0);
    printf("[%G] [%E] [%F] [%A] [%.3a] [%.0e]\n", 1e-10, 1e100, 1e10, 255.5, 1.0 / 3.0, 15.0);
    printf("[%f] [%F] [%e] [%g] [%5f] [%-6f|]\n", INFINITY, -INFINITY, NAN, -NAN, INFINITY, NAN);
    printf("[%.15g] [%.17g] [%.20f] [%.3g] [%g] [%g]\n", 0.1, 0.1, 0.1, 1234567.0, 1e-5, 1e-4);
    printf("[%.60f]\n", 1.0 / 3.0);
    printf("[%.0f]\n", DBL_MAX);
    printf("[%.30e]\n", 4.9406564584124654e-324);
    float f = 1.1f;
    printf("[%f] [%.10f] [%a] [%g]\n", f, f, f, (double)FLT_MAX);
    printf("[%Lf] [%Le] [%Lg] [%.25Lf]\n", 1.5L, 1e300L * 1e300L, 1.0L / 3.0L, 1.0L / 7.0L);
    printf("[%Lf] [%La]\n", LDBL_MAX / 1e4900L, 1.0L);
}

static void snprintf_results(void) {
    char buf[16];
    int n = snprintf(buf, sizeof buf, "%s-%d-%s", "truncate", 123456, "this please");
    printf("snprintf -> %d [%s] len %zu\n", n, buf, strlen(buf));
    n = snprintf(NULL, 0, "%08.3f|%x", -3.25, 48879u);
    printf("snprintf(NULL, 0) -> %d\n", n);
    n = snprintf(buf, 1, "abc");
    printf("snprintf(buf, 1) -> %d [%s]\n", n, buf);
    char big[64];
    sprintf(big, "%-8s|%8s|%08.2f", "left", "right", 3.14159);
    puts(big);
    fprintf(stdout, "fprintf %s %d\n", "to stdout", 1);
    fprintf(stderr, "fprintf %s %d\n", "to stderr", 2);
    fputs("fputs line\n", stdout);
    putchar('!');
    putchar('\n');
}

int main(void) {
    integers();
    characters_and_strings();
    floats();
    snprintf_results();
    return 0;
}
