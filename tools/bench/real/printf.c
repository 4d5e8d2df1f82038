/* Formatted printing: printf and snprintf of ints (signed, unsigned, hex, padded), floats
 * (%f, %e, %g) and strings (width, precision, left-justified); every 64th line goes to
 * stdout, every line into a checksum. Usage: printf N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta",
                              "theta", "iota", "kappa", "lambda", "mu"};

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2000;
    char buf[256];
    unsigned long sum = 0, chars = 0;
    unsigned x = 12345;
    for (int i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        int v = (int)(x >> 8) - (1 << 22);
        double d = (double)v / 977.0;
        const char *w = words[i % 12];
        int len = snprintf(buf, sizeof buf, "%6d|%-8s|%08x|%+.3f|%.4e|%g|%10.3s|%lu|%%|%c",
                           v, w, x, d, d * 1e-5, d / 3.0, w, (unsigned long)x % 100000,
                           'A' + i % 26);
        for (int k = 0; k < len; k++) sum = sum * 31 + (unsigned char)buf[k];
        chars += len;
        if (i % 64 == 0) printf("%s\n", buf);
    }
    printf("printf n=%d: %lu chars, checksum %016lx\n", n, chars, sum);
    return 0;
}
