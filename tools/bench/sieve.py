"""The sieve of Eratosthenes over memory (sieve.wat): the number of primes up to n."""

SOURCE = "sieve.wat"
RESULT = "i32"
N = 80_000
SMOKE_N = 1000


def run(n):
    flags = bytearray(n + 1)
    i = 2
    while i <= n:
        flags[i] = 1
        i += 1
    i = 2
    while i * i <= n:
        if flags[i]:
            j = i * i
            while j <= n:
                flags[j] = 0
                j += i
        i += 1
    count = 0
    i = 2
    while i <= n:
        count += flags[i]
        i += 1
    return count


def work(n):
    return n, "numbers"
