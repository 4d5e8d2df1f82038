"""A tight i32 loop (sum.wat): s = s * 31 + (i ^ (i >> 3)) for i below n."""

SOURCE = "sum.wat"
RESULT = "i32"
N = 200_000
SMOKE_N = 1000


def run(n):
    s = 0
    i = 0
    while i < n:
        s = (s * 31 + (i ^ (i >> 3))) & 0xFFFFFFFF
        i += 1
    return s


def work(n):
    return n, "iterations"
