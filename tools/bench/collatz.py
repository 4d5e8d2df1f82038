"""Nested i64 loops (collatz.wat): the total number of Collatz steps of 1..n."""

SOURCE = "collatz.wat"
RESULT = "i64"
N = 3000
SMOKE_N = 50


def run(n):
    steps = 0
    i = 1
    while i <= n:
        x = i
        while x != 1:
            if x & 1:
                x = (x * 3 + 1) & 0xFFFFFFFFFFFFFFFF
            else:
                x >>= 1
            steps += 1
        i += 1
    return steps & 0xFFFFFFFFFFFFFFFF


def work(n):
    return run(n), "steps"
