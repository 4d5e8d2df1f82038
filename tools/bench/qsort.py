"""Quicksort (qsort.c, compiled by clang): Hoare partition with a middle pivot over n
pseudo-random unsigned ints; the result is a checksum of the sorted array."""

SOURCE = "qsort.c"
RESULT = "i32"
N = 8000
SMOKE_N = 100

M = 0xFFFFFFFF
CAP = 1 << 18


def quicksort(a, lo, hi):
    while lo < hi:
        pivot = a[lo + (hi - lo) // 2]
        i, j = lo - 1, hi + 1
        while True:
            i += 1
            while a[i] < pivot:
                i += 1
            j -= 1
            while a[j] > pivot:
                j -= 1
            if i >= j:
                break
            a[i], a[j] = a[j], a[i]
        if j - lo < hi - j:
            quicksort(a, lo, j)
            lo = j + 1
        else:
            quicksort(a, j + 1, hi)
            hi = j


def run(n):
    n = min(n, CAP)
    a = [0] * n
    x = 42
    for i in range(n):
        x = (x * 1664525 + 1013904223) & M
        a[i] = x >> 4
    quicksort(a, 0, n - 1)
    s = 0
    for v in a:
        s = (s * 31 + v) & M
    return s


def work(n):
    return min(n, CAP), "elements"
