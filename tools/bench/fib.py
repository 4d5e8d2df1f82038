"""Recursive Fibonacci (fib.wat): calls and returns."""

import math

SOURCE = "fib.wat"
RESULT = "i32"
N = 25
SMOKE_N = 10


def fib(n):
    if n < 2:
        return n
    return (fib(n - 1) + fib(n - 2)) & 0xFFFFFFFF


def run(n):
    return fib(n)


def scale(n, factor):
    """The work grows by the golden ratio with each step of n."""
    return max(1, round(n + math.log(factor) / math.log((1 + 5 ** 0.5) / 2)))


def work(n):
    a, b = 1, 1  # calls(n) = 2 * fib(n + 1) - 1
    for _ in range(n):
        a, b = b, a + b
    return 2 * a - 1, "calls"
