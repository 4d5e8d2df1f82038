/* qsort: a recursive quicksort (Hoare partition, middle pivot) of n pseudo-random
 * unsigned ints; run(n) returns a checksum of the sorted array. n is capped at 2^18. */

#define CAP (1 << 18)

static unsigned a[CAP];

static void quicksort(int lo, int hi) {
    while (lo < hi) {
        unsigned pivot = a[lo + (hi - lo) / 2];
        int i = lo - 1, j = hi + 1;
        for (;;) {
            do i++; while (a[i] < pivot);
            do j--; while (a[j] > pivot);
            if (i >= j) break;
            unsigned t = a[i]; a[i] = a[j]; a[j] = t;
        }
        /* recurse into the smaller half, loop on the larger */
        if (j - lo < hi - j) {
            quicksort(lo, j);
            lo = j + 1;
        } else {
            quicksort(j + 1, hi);
            hi = j;
        }
    }
}

__attribute__((export_name("run")))
unsigned run(int n) {
    if (n > CAP) n = CAP;
    unsigned x = 42;
    for (int i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u;
        a[i] = x >> 4;
    }
    quicksort(0, n - 1);
    unsigned sum = 0;
    for (int i = 0; i < n; i++)
        sum = sum * 31u + a[i];
    return sum;
}
